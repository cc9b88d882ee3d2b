/**
 * Logistic regression with optimizer 'lbfgs' against scikit-learn 1.2.1's LogisticRegression(C=1): solver='lbfgs'
 * (max_iter=1000, tol=1e-10) and, for the optimum itself, solver='newton-cg' (tol=1e-12). The references are
 * tests/fixtures/logistic-lbfgs-sklearn.json, computed once by tests/unit/logistic-lbfgs-sklearn.py on the CSVs this
 * file writes when LBFGS_CSV names a folder (see logistic-lbfgs-data.ts). Coefficients and intercepts are compared
 * by |ours − sklearn's| / max(1, |sklearn's|) (absolute below 1, relative above), probabilities absolutely.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/lib/ml/backend.ts';
import type { Dataset } from '../../src/lib/ml/matrix.ts';
import { fitLogisticLbfgs } from '../../src/lib/ml/models/logistic-lbfgs.ts';
import { lbfgs } from '../../src/lib/ml/solvers/lbfgs.ts';
import { flatten, type NetworkModel } from '../../src/lib/ml/models/network.ts';
import { parseSpec } from '../../src/lib/ml/models/spec.ts';
import { modelFromJSON, trainModel } from '../../src/lib/ml/train.ts';
import { seeded } from '../../src/lib/core/random.ts';
import { errorOf, fails } from './errors.ts';
import { accuracyOf } from './ml-fixtures.ts';
import { breastCancer, mixed, penguins, threeBlobs, writeCsv } from './logistic-lbfgs-data.ts';

type Ref = { coef: number[][]; intercept: number[] };
const REF: Record<string, Ref> = JSON.parse(readFileSync('tests/fixtures/logistic-lbfgs-sklearn.json', 'utf8'));
/** Tight enough that the comparison measures the objective, not where either solver stopped. */
const TIGHT = { gtol: 1e-9, ftol: 0 };

let data: { penguins: Dataset; breast: Dataset; blobs: Dataset };

beforeAll(async () => {
  await initBackend('cpu');
  data = { penguins: await penguins(), breast: breastCancer(), blobs: threeBlobs() };
  const dir = process.env.LBFGS_CSV;
  if (dir) (writeCsv(dir, 'penguins', data.penguins), writeCsv(dir, 'breast_cancer', data.breast), writeCsv(dir, 'three_blobs', data.blobs));
});

const spec = (hp: Record<string, unknown> = {}) => parseSpec({ algorithm: 'logistic', hyperparameters: { optimizer: 'lbfgs', epochs: 1000, ...hp } }) as Extract<ReturnType<typeof parseSpec>, { algorithm: 'logistic' }>;

async function solve(d: Dataset, hp: Record<string, unknown> = {}) {
  return fitLogisticLbfgs(spec(hp), d, 42, {}, TIGHT);
}

/** Kernel [d, k] and bias [k] as sklearn's coef_ (k × d) and intercept_. */
function coefOf(model: NetworkModel): Ref {
  const { kernel, bias } = model.values[0];
  const k = bias.length;
  const d = kernel.length / k;
  return { coef: Array.from({ length: k }, (_, c) => Array.from({ length: d }, (_, j) => kernel[j * k + c])), intercept: [...bias] };
}

/** Softmax probabilities of sklearn's coefficients, in float64 (what predict_proba gives). */
function refProbabilities(d: Dataset, ref: Ref): Float64Array {
  const k = ref.intercept.length;
  const out = new Float64Array(d.n * k);
  for (let i = 0; i < d.n; i++) {
    const z = ref.intercept.map((b, c) => ref.coef[c].reduce((s, w, j) => s + w * d.X[i * d.d + j], b));
    const max = Math.max(...z);
    const e = z.map((v) => Math.exp(v - max));
    const sum = e.reduce((a, b) => a + b, 0);
    e.forEach((v, c) => (out[i * k + c] = v / sum));
  }
  return out;
}

const worst = (a: number[], b: number[], scaled: boolean) => Math.max(...a.map((x, i) => Math.abs(x - b[i]) / (scaled ? Math.max(1, Math.abs(b[i])) : 1)));

/** Errors against one reference: coefficients and intercepts scaled by max(1, |ref|), probabilities absolute. */
async function errorsAgainst(d: Dataset, model: NetworkModel, ref: Ref) {
  const ours = coefOf(model);
  const probs = await model.predict(d.X, d.n);
  return {
    coef: worst(ours.coef.flat(), ref.coef.flat(), true),
    intercept: worst(ours.intercept, ref.intercept, true),
    prob: worst([...probs], [...refProbabilities(d, ref)], false),
  };
}

/**
 * Against the optimum (sklearn's newton-cg at tol 1e-12, max |gradient| ~1e-9): coefficients and intercepts within
 * 1e-4, probabilities within 1e-5. Against sklearn's lbfgs, looser: scipy stops it on its relative-decrease test with
 * max |gradient| 2e-4 … 7e-4 left (see the fixture's grad_max), which moves coefficients by up to ~3e-4.
 */
async function expectLikeSklearn(name: string, d: Dataset, model: NetworkModel, key: string, as: (r: Ref) => Ref = (r) => r) {
  const exact = await errorsAgainst(d, model, as(REF[`${key}/newton-cg`]));
  const lbfgs = await errorsAgainst(d, model, as(REF[`${key}/lbfgs`]));
  console.log(`${name}: vs newton-cg ${JSON.stringify(exact)}; vs sklearn lbfgs ${JSON.stringify(lbfgs)}`);
  expect(exact.coef).toBeLessThan(1e-4);
  expect(exact.intercept).toBeLessThan(1e-4);
  expect(exact.prob).toBeLessThan(1e-5);
  expect(Math.max(lbfgs.coef, lbfgs.intercept)).toBeLessThan(1e-3);
  expect(lbfgs.prob).toBeLessThan(1e-4);
}

/** sklearn's binary multinomial fit keeps class 1's row; class 0's is its negative (the penalty makes them so). */
const twoColumns = (r: Ref): Ref => ({ coef: [r.coef[0].map((w) => -w), r.coef[0]], intercept: [-r.intercept[0], r.intercept[0]] });

describe('the L-BFGS minimiser', () => {
  it('finds the minimum of the Rosenbrock function (curved valley) from (-1.2, 1)', async () => {
    const rosenbrock = async (x: Float64Array, g: Float64Array) => {
      const [a, b] = [x[0], x[1]];
      g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
      g[1] = 200 * (b - a * a);
      return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
    };
    const r = await lbfgs(rosenbrock, Float64Array.of(-1.2, 1), { maxIter: 200, gtol: 1e-8, ftol: 0 });
    expect(r.reason).toBe('gtol');
    expect(Math.abs(r.x[0] - 1)).toBeLessThan(1e-6);
    expect(Math.abs(r.x[1] - 1)).toBeLessThan(1e-6);
  });
});

describe('logistic regression by L-BFGS equals scikit-learn', () => {
  it('penguins, 3 classes (10 features after the recipe)', async () => {
    const out = await solve(data.penguins, { l2: 1 });
    await expectLikeSklearn('penguins', data.penguins, out.model as NetworkModel, 'penguins/multinomial');
    expect(out.history).toHaveLength(out.epochs);
    expect(out.history.at(-1)!.metric).toBeGreaterThan(0.95);
  });

  it("penguins with class weights 'balanced' (sklearn's sample weights)", async () => {
    const out = await solve(data.penguins, { l2: 1, classWeight: 'balanced' });
    await expectLikeSklearn('penguins balanced', data.penguins, out.model as NetworkModel, 'penguins/multinomial/balanced');
  });

  it('breast_cancer (standardised), binary as 2 softmax columns = multi_class multinomial', async () => {
    const out = await solve(data.breast, { l2: 1 });
    await expectLikeSklearn('breast_cancer', data.breast, out.model as NetworkModel, 'breast_cancer/multinomial', twoColumns);
  });

  it("breast_cancer: sklearn's binary (sigmoid) fit at C is ours at l2 = 2/C", async () => {
    const out = await solve(data.breast, { l2: 2 });
    const ours = coefOf(out.model as NetworkModel);
    const ref = REF['breast_cancer/auto/newton-cg'];
    const w = ours.coef[1].map((x, j) => x - ours.coef[0][j]);
    expect(worst(w, ref.coef[0], true)).toBeLessThan(1e-4);
    expect(Math.abs(ours.intercept[1] - ours.intercept[0] - ref.intercept[0])).toBeLessThan(1e-4);
  });

  it('three overlapping blobs, 3 classes', async () => {
    const out = await solve(data.blobs, { l2: 1 });
    await expectLikeSklearn('three blobs', data.blobs, out.model as NetworkModel, 'three_blobs/multinomial');
  });
});

describe('regularisation does not grow with the row count', () => {
  it('the data twice at l2 = λ is the data once at l2 = λ/2 (l2 = 1/C on the summed loss)', async () => {
    const p = data.penguins;
    const twice: Dataset = { ...p, n: 2 * p.n, X: Float32Array.from([...p.X, ...p.X]), y: Int32Array.from([...(p.y as Int32Array), ...(p.y as Int32Array)]) };
    const a = coefOf((await solve(twice, { l2: 1 })).model as NetworkModel);
    const b = coefOf((await solve(p, { l2: 0.5 })).model as NetworkModel);
    expect(worst(a.coef.flat(), b.coef.flat(), true)).toBeLessThan(1e-5);
    expect(worst(a.intercept, b.intercept, true)).toBeLessThan(1e-5);
  });
});

/** A linear rule on standard normal features: y = [x·w + 0.3 > 0]. */
function separable(n: number, d: number, seed: number, w: number[]): Dataset {
  const rng = seeded(seed);
  const X = new Float32Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0.3;
    for (let j = 0; j < d; j++) s += (X[i * d + j] = rng.normal()) * w[j];
    y[i] = s > 0 ? 1 : 0;
  }
  return { X, n, d, y, shape: { task: 'classification', features: w.map((_, j) => `x${j}`), classNames: ['no', 'yes'] } };
}

describe('a separable rule at scale', () => {
  it('200,000 × 20: ≥ 0.999 test accuracy with the default settings, never blocking the event loop for long', async () => {
    const rng = seeded(5);
    const w = Array.from({ length: 20 }, () => rng.normal());
    const train = separable(200_000, 20, 1, w);
    const test = separable(50_000, 20, 2, w);
    // Whether the solve lets other work run is counted, not timed (a wall-clock bound flakes on a loaded machine):
    // the event loop's turns during the solve.
    let longest = 0;
    let turns = 0;
    let last = performance.now();
    let ticking = true;
    const tick = () => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
      turns++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const t0 = performance.now();
    const out = await trainModel({ algorithm: 'logistic', hyperparameters: { optimizer: 'lbfgs' } }, train).finally(() => (ticking = false));
    const ms = performance.now() - t0;
    const acc = accuracyOf(test.y, await out.model.predict(test.X, test.n), 2);
    console.log(`separable 200k × 20: test accuracy ${acc}, ${out.epochs} iterations, ${ms.toFixed(0)} ms, longest event-loop gap ${longest.toFixed(1)} ms`);
    expect(acc).toBeGreaterThanOrEqual(0.999);
    expect(out.epochs).toBe(out.history.length);
    // It yields while it solves (longest gap printed above, not asserted): a solve that never yielded gives 1–2 turns.
    expect(turns).toBeGreaterThan(3);
    out.model.dispose();
  }, 120_000);
});

describe('options', () => {
  it("is logistic regression's default, with scikit-learn's C = 1 (l2 1); mini-batch Adam keeps l2 1e-3 on the mean loss", () => {
    expect(parseSpec({ algorithm: 'logistic' }).hyperparameters).toMatchObject({ optimizer: 'lbfgs', l2: 1 });
    expect(parseSpec({ algorithm: 'logistic', hyperparameters: { optimizer: 'adam' } }).hyperparameters).toMatchObject({ optimizer: 'adam', l2: 1e-3 });
    expect(parseSpec({ algorithm: 'logistic', hyperparameters: { l2: 0.5 } }).hyperparameters).toMatchObject({ optimizer: 'lbfgs', l2: 0.5 });
  });

  it("refuses 'lbfgs' for an MLP, saying why", () => {
    const e = errorOf(() => parseSpec({ algorithm: 'mlp', hyperparameters: { optimizer: 'lbfgs' } }));
    expect(e.code).toBe('invalid-argument');
    expect(e.message).toMatch(/L-BFGS solves logistic regression only/);
  });

  it('stops when cancelled between iterations', async () => {
    const ctl = new AbortController();
    const seen: number[] = [];
    const e = await fails(trainModel({ algorithm: 'logistic', hyperparameters: { optimizer: 'lbfgs', l2: 1e-4 } }, data.breast, {
      signal: ctl.signal,
      onEpoch: (log) => (seen.push(log.epoch), log.epoch === 3 && ctl.abort()),
    }));
    expect(e.code).toBe('cancelled');
    expect(seen).toEqual([1, 2, 3]);
  });

  it('warm start (sklearn warm_start): from a solved model it converges at once to the same weights', async () => {
    const first = await solve(data.breast, { l2: 1 });
    const again = await fitLogisticLbfgs(spec({ l2: 1 }), data.breast, 42, { initial: first.model }, TIGHT);
    expect(again.epochs).toBeLessThan(first.epochs / 2);
    expect(worst(coefOf(again.model as NetworkModel).coef.flat(), coefOf(first.model as NetworkModel).coef.flat(), true)).toBeLessThan(1e-5);
  });

  it('reports the start, one history entry per iteration and validation scores; saves like any network', async () => {
    const out = await trainModel({ algorithm: 'logistic', hyperparameters: { optimizer: 'lbfgs', l2: 1 } }, data.blobs, { validation: data.blobs });
    expect(out.start).toMatchObject({ epoch: 0, loss: expect.closeTo(Math.log(3), 6) });
    expect(out.history.map((h) => h.epoch)).toEqual(Array.from({ length: out.epochs }, (_, i) => i + 1));
    expect(out.history.at(-1)!.valMetric).toBe(out.history.at(-1)!.metric);
    expect(out.model.toJSON().weights.map((w) => w.name)).toEqual(['dense_1/kernel', 'dense_1/bias']);
    const loaded = modelFromJSON(JSON.stringify(out.model.toJSON()));
    expect([...(await loaded.predict(data.blobs.X, data.blobs.n))]).toEqual([...(await out.model.predict(data.blobs.X, data.blobs.n))]);
    expect(loaded.spec).toMatchObject({ hyperparameters: { optimizer: 'lbfgs' } });
  });

  it('scores a large validation split every k-th iteration and at the last, with the values of a curve scored at each', async () => {
    const train = mixed(3_000, 1);
    const validation = mixed(1_000, 2);
    const hp = { epochs: 200 };
    const each = await fitLogisticLbfgs(spec(hp), train, 42, { validation });
    // 1,000 rows over 300 a pass: every ⌈1000 / 300⌉ = 4th iteration.
    const thin = await fitLogisticLbfgs(spec(hp), train, 42, { validation }, { validationRowsEach: 300 });
    expect(thin.epochs).toBe(each.epochs);
    expect(each.epochs % 4).not.toBe(0); // so that the last one is scored for being last
    const scored = thin.history.filter((h) => h.valLoss !== undefined).map((h) => h.epoch);
    expect(scored).toEqual([...each.history.map((h) => h.epoch).filter((e) => e % 4 === 0), each.epochs]);
    thin.history.forEach((h, i) => {
      expect(h.loss).toBe(each.history[i].loss);
      if (h.valLoss !== undefined) expect([h.valLoss, h.valMetric]).toEqual([each.history[i].valLoss, each.history[i].valMetric]);
    });
    expect(thin.start).toEqual(each.start);
    each.model.dispose();
    thin.model.dispose();
  });
});


describe('the WebAssembly pass', () => {
  it('gives the JavaScript pass’s solve: the same iterations, losses and weights (binary, class weights, validation)', async () => {
    const train = mixed(3_000, 1);
    const validation = mixed(1_000, 2);
    const hp = { classWeight: 'balanced', epochs: 60 };
    const wasm = await fitLogisticLbfgs(spec(hp), train, 42, { validation });
    const js = await fitLogisticLbfgs(spec(hp), train, 42, { validation }, { javascript: true });
    expect(wasm.epochs).toBe(js.epochs);
    expect(wasm.history.length).toBe(js.history.length);
    wasm.history.forEach((h, i) => {
      expect(h.loss).toBeCloseTo(js.history[i].loss, 10);
      expect(h.valLoss!).toBeCloseTo(js.history[i].valLoss!, 10);
      expect(h.metric).toBe(js.history[i].metric);
    });
    const a = flatten((wasm.model as NetworkModel).values);
    const b = flatten((js.model as NetworkModel).values);
    a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(1e-5 * Math.max(1, Math.abs(b[i]))));
    wasm.model.dispose();
    js.model.dispose();
  });
});
