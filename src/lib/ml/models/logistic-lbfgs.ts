/**
 * Logistic regression solved as scikit-learn's LogisticRegression(solver='lbfgs', multi_class='multinomial') does:
 * full-batch softmax cross-entropy in float64, gradient by hand, minimised by L-BFGS (solvers/lbfgs.ts) from zero
 * weights (or a warm start's). The objective is
 *     Σ_i s_i · CE_i  +  (l2 / 2) · ‖W‖²        (bias not penalised; s_i = 1, or 'balanced' class weights)
 * so l2 = 1/C and the penalty does not shrink as rows are added — a separable rule is learnt at any size. A binary
 * target keeps two softmax columns (the model's output layer); that equals sklearn's binary fit with C doubled.
 * Iterations stop at max |∇| ≤ gtol (sklearn's tol, 1e-4, on the summed objective as in sklearn 1.2), a relative
 * decrease ≤ 2.2e-9 (scipy's default), or `epochs` iterations. The result is the same NetworkModel Adam would give.
 *
 * Speed at millions of rows: the passes run over a compact copy of the matrix (solvers/compact-rows.ts: dense columns
 * plus the non-zeros of mostly-zero ones, as the sparse CSR matrix sklearn's lbfgs gets), and a binary target is solved
 * over one logit (d + 1 unknowns) rather than two softmax columns.
 */
import { EnclaveError } from '../../core/errors.ts';
import { nextTask } from '../../core/next-task.ts';
import type { Dataset } from '../matrix.ts';
import { LogisticPasses, type ShardOptions } from '../native/logistic-shards.ts';
import { compactRows, type CompactRows } from '../solvers/compact-rows.ts';
import { lbfgs } from '../solvers/lbfgs.ts';
import { balancedWeights } from '../network-fit.ts';
import type { EpochLog, TrainOptions, TrainOutcome } from '../train.ts';
import { startingWeights } from '../warm-start.ts';
import { architecture, NetworkModel, unflattenValues } from './network.ts';
import type { LogisticHyperparameters } from './spec.ts';

export interface LbfgsTolerances extends ShardOptions {
  /** Max |gradient| at which to stop (default 1e-4, sklearn's tol). */
  gtol?: number;
  /** Relative decrease of the objective at which to stop (default scipy's 2.2e-9). */
  ftol?: number;
  /** Tests: the JavaScript pass even where the WebAssembly kernel (binary targets) is available. */
  javascript?: boolean;
  /** Tests: validation rows scored at every iteration (default VALIDATION_ROWS_EACH). */
  validationRowsEach?: number;
}

/**
 * Up to this many validation rows the curve scores validation at every iteration; above it, every k-th iteration
 * (k = ⌈rows / this⌉) and always the last. A pass over 1M validation rows (60/20/20 of 5M) took a sixth of each
 * iteration for a curve that moves smoothly; sklearn's lbfgs draws no validation curve at all.
 */
export const VALIDATION_ROWS_EACH = 262_144;

/** Rows between checks of the clock and the signal: a few milliseconds of work at d = 20. */
const BLOCK = 4096;
/** Longest stretch between yields to the event loop (a worker then sees a cancel message). */
const SLICE_MS = 25;

/** Sums over a dataset at weights theta (kernel [d, k] row-major, then bias [k]). */
interface Pass {
  /** Σ s_i · CE_i (class-weighted), or unweighted when no weights. */
  weighted: number;
  /** Σ CE_i, unweighted. */
  loss: number;
  correct: number;
}

type Checkpoint = () => void | Promise<void>;

/** Accumulators of a pass: [Σ s·CE, Σ CE, right answers, ∂/∂c]. */
const SUMS = 4;

/**
 * Rows [start, end) of a binary target over the single logit z = v·x + c (the two softmax columns are [−z/2, z/2], so
 * CE = softplus(−t·z) with t = ±1): sums into `acc`, and (when `gd` is given) ∂(Σ s_i CE_i)/∂v into gd (dense
 * columns, in their compact order) and grad (sparse columns). A plain synchronous loop: V8 optimises it as it would not
 * the body of an async function.
 */
function binaryBlock(m: CompactRows, y: Int32Array, theta: Float64Array, vd: Float64Array, rowWeight: Float32Array | null, gd: Float64Array | null, grad: Float64Array | null, start: number, end: number, acc: Float64Array): void {
  const { d, dense, rowStart, sparseColumn, sparseValue } = m;
  const dd = vd.length;
  const c = theta[d];
  let weighted = 0, loss = 0, correct = 0, gBias = 0;
  for (let i = start; i < end; i++) {
    const row = i * dd;
    let z = c;
    for (let j = 0; j < dd; j++) z += dense[row + j] * vd[j];
    const p0 = rowStart[i], p1 = rowStart[i + 1];
    for (let p = p0; p < p1; p++) z += sparseValue[p] * theta[sparseColumn[p]];
    const yi = y[i];
    const margin = yi === 1 ? -z : z;
    const e = Math.exp(-Math.abs(z));
    const ce = (margin > 0 ? margin : 0) + Math.log1p(e);
    const s = rowWeight ? rowWeight[yi] : 1;
    loss += ce;
    weighted += s * ce;
    if ((z > 0 ? 1 : 0) === yi) correct++;
    if (!gd) continue;
    const r = s * ((z >= 0 ? 1 / (1 + e) : e / (1 + e)) - yi);
    gBias += r;
    for (let j = 0; j < dd; j++) gd[j] += r * dense[row + j];
    for (let p = p0; p < p1; p++) grad![sparseColumn[p]] += r * sparseValue[p];
  }
  acc[0] += weighted;
  acc[1] += loss;
  acc[2] += correct;
  acc[3] += gBias;
}

/** A whole pass of a binary target (binaryBlock over every row, a checkpoint between blocks); ∂ added into grad. */
async function binaryPass(data: CompactRows, y: Int32Array, theta: Float64Array, rowWeight: Float32Array | null, grad: Float64Array | null, checkpoint: Checkpoint): Promise<Pass> {
  const { n, d, denseColumns } = data;
  const vd = Float64Array.from(denseColumns, (j) => theta[j]);
  const gd = grad ? new Float64Array(vd.length) : null;
  const acc = new Float64Array(SUMS);
  for (let start = 0; start < n; start += BLOCK) {
    binaryBlock(data, y, theta, vd, rowWeight, gd, grad, start, Math.min(n, start + BLOCK), acc);
    await checkpoint();
  }
  if (gd) {
    for (let j = 0; j < gd.length; j++) grad![denseColumns[j]] += gd[j];
    grad![d] += acc[3];
  }
  return { weighted: acc[0], loss: acc[1], correct: acc[2] };
}

/** One pass of k ≥ 3 classes: losses, right answers and (when `grad` is given) ∂(Σ s_i CE_i)/∂theta added into grad. */
async function multinomialPass(data: CompactRows, y: Int32Array, k: number, theta: Float64Array, rowWeight: Float32Array | null, grad: Float64Array | null, checkpoint: Checkpoint): Promise<Pass> {
  const { n, d, dense, denseColumns, rowStart, sparseColumn, sparseValue } = data;
  const dd = denseColumns.length;
  const z = new Float64Array(k);
  const out: Pass = { weighted: 0, loss: 0, correct: 0 };
  const biasAt = d * k;
  // Class-major copies (k × dd) of the dense kernel and its gradient: the inner loops then run over one row's
  // features, contiguous in both. Sparse entries read the feature-major theta (k adjacent weights per feature).
  const wt = new Float64Array(k * dd);
  for (let jj = 0; jj < dd; jj++) for (let c = 0; c < k; c++) wt[c * dd + jj] = theta[denseColumns[jj] * k + c];
  const gt = grad ? new Float64Array(k * dd) : null;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    for (let i = start; i < end; i++) {
      const row = i * dd;
      const p0 = rowStart[i], p1 = rowStart[i + 1];
      for (let c = 0; c < k; c++) {
        let s = theta[biasAt + c];
        const base = c * dd;
        for (let j = 0; j < dd; j++) s += dense[row + j] * wt[base + j];
        for (let p = p0; p < p1; p++) s += sparseValue[p] * theta[sparseColumn[p] * k + c];
        z[c] = s;
      }
      let max = z[0];
      let arg = 0;
      for (let c = 1; c < k; c++) if (z[c] > max) (max = z[c]), (arg = c);
      let sum = 0;
      for (let c = 0; c < k; c++) sum += Math.exp(z[c] - max);
      const yi = y[i];
      const ce = max + Math.log(sum) - z[yi];
      const s = rowWeight ? rowWeight[yi] : 1;
      out.loss += ce;
      out.weighted += s * ce;
      if (arg === yi) out.correct++;
      if (!gt) continue;
      // ∂CE/∂z_c = p_c − 1{c = y}
      for (let c = 0; c < k; c++) {
        const r = (s * Math.exp(z[c] - max)) / sum - (c === yi ? s : 0);
        grad![biasAt + c] += r;
        const base = c * dd;
        for (let j = 0; j < dd; j++) gt[base + j] += r * dense[row + j];
        for (let p = p0; p < p1; p++) grad![sparseColumn[p] * k + c] += r * sparseValue[p];
      }
    }
    await checkpoint();
  }
  if (gt) for (let jj = 0; jj < dd; jj++) for (let c = 0; c < k; c++) grad![denseColumns[jj] * k + c] += gt[c * dd + jj];
  return out;
}

/** The two softmax columns [−v/2, v/2] (kernel [d, 2] row-major, then bias [2]) of the binary solve's (v, c). */
function fromLogit(x: Float64Array, d: number): Float32Array {
  const w = new Float32Array(2 * d + 2);
  for (let j = 0; j <= d; j++) (w[2 * j] = -x[j] / 2), (w[2 * j + 1] = x[j] / 2);
  return w;
}

export async function fitLogisticLbfgs(
  spec: { algorithm: 'logistic'; hyperparameters: LogisticHyperparameters },
  data: Dataset,
  seed: number,
  opts: TrainOptions,
  tolerances: LbfgsTolerances = {},
): Promise<Omit<TrainOutcome, 'metric' | 'ms'>> {
  const hp = spec.hyperparameters;
  const { shape, n, d } = data;
  if (shape.task !== 'classification') throw new EnclaveError('invalid-argument', 'Logistic regression predicts classes; this target is a regression task.', { algorithm: 'logistic' });
  const arch = architecture(spec, shape);
  const k = arch.sizes[1];
  const validation = opts.validation && opts.validation.n > 0 ? opts.validation : null;
  const rowWeight = hp.classWeight === 'balanced' ? balancedWeights(data.y as Int32Array, k) : null;
  // sklearn starts from zeros; a warm start (sklearn's warm_start) from the given weights.
  const initial = opts.initial !== undefined ? Float64Array.from(startingWeights(spec, shape, opts.initial).weights) : new Float64Array(d * k + k);
  // Two classes are solved over one logit v = w₁ − w₀ (d + 1 unknowns instead of 2d + 2): the optimum and every
  // iterate from an antisymmetric start keep w₀ = −w₁, so W = [−v/2, v/2] and ‖W‖² = ‖v‖²/2 — the same objective.
  const binary = k === 2;
  const x0 = binary ? Float64Array.from({ length: d + 1 }, (_, j) => initial[j * 2 + 1] - initial[j * 2]) : initial;
  const penalised = binary ? d : d * k;
  const l2 = binary ? hp.l2 / 2 : hp.l2;
  const y = data.y as Int32Array;
  const validationY = validation ? (validation.y as Int32Array) : null;
  // A binary target runs in the WebAssembly kernel when it loads, over every core at millions of rows (the matrices
  // are then laid out in the kernels' memory only); otherwise, and for k ≥ 3 classes, the JavaScript passes over
  // compact copies.
  const kernel = binary && !tolerances.javascript
    ? await LogisticPasses.create([{ m: data, y }, ...(validation ? [{ m: validation, y: validationY! }] : [])], rowWeight, tolerances)
    : null;
  try {
    return await solve();
  } finally {
    kernel?.close();
  }

  async function solve(): Promise<Omit<TrainOutcome, 'metric' | 'ms'>> {
    // Compact rows made with the split (compact-dataset.ts) are used as they are; validation's must share train's dense columns.
    const rows = kernel ? null : (data.compact ?? compactRows(data));
    const sameDense = (c: CompactRows | undefined) => !!c && !!rows && c.denseColumns.length === rows.denseColumns.length && c.denseColumns.every((v, i) => v === rows.denseColumns[i]);
    const validationRows = validation && rows ? (sameDense(validation.compact) ? validation.compact! : compactRows(validation, rows)) : null;
    const kernelPass = (which: number, theta: Float64Array, g: Float64Array | null): Promise<Pass> => kernel!.pass(which, theta, g, checkpoint);
    const jsPass = (m: CompactRows, labels: Int32Array, theta: Float64Array, weights: Float32Array | null, g: Float64Array | null) =>
      binary ? binaryPass(m, labels, theta, weights, g, checkpoint) : multinomialPass(m, labels, k, theta, weights, g, checkpoint);
    const trainPass = (theta: Float64Array, g: Float64Array) => (kernel ? kernelPass(0, theta, g) : jsPass(rows!, y, theta, rowWeight, g));
    const validationPass = (theta: Float64Array) => (kernel ? kernelPass(1, theta, null) : jsPass(validationRows!, validationY!, theta, null, null));

    let lastYield = performance.now();
    const checkpoint = async () => {
      if (opts.signal?.aborted) throw new EnclaveError('cancelled', 'Cancelled.');
      if (performance.now() - lastYield > SLICE_MS) {
        await nextTask();
        lastYield = performance.now();
        if (opts.signal?.aborted) throw new EnclaveError('cancelled', 'Cancelled.');
      }
    };
    // Each evaluation's unweighted loss and accuracy, found again by its objective value when its step is accepted.
    const seen = new Map<number, { loss: number; correct: number }>();
    const objective = async (theta: Float64Array, g: Float64Array): Promise<number> => {
      g.fill(0);
      const p = await trainPass(theta, g);
      let penalty = 0;
      for (let i = 0; i < penalised; i++) {
        penalty += theta[i] * theta[i];
        g[i] += l2 * theta[i];
      }
      const f = p.weighted + (l2 / 2) * penalty;
      seen.set(f, { loss: p.loss, correct: p.correct });
      return f;
    };
    const every = validation ? Math.max(1, Math.ceil(validation.n / (tolerances.validationRowsEach ?? VALIDATION_ROWS_EACH))) : 1;
    const scoreValidation = async (log: EpochLog, theta: Float64Array) => {
      const v = await validationPass(theta);
      (log.valLoss = v.loss / validation!.n), (log.valMetric = v.correct / validation!.n);
    };
    const logOf = async (epoch: number, theta: Float64Array, at: { loss: number; correct: number }): Promise<EpochLog> => {
      const log: EpochLog = { epoch, loss: at.loss / n, metric: at.correct / n };
      if (validation && epoch % every === 0) await scoreValidation(log, theta);
      return log;
    };

    const history: EpochLog[] = [];
    let start: EpochLog | undefined;
    const result = await lbfgs(
      async (theta, g) => {
        const f = await objective(theta, g);
        if (!start) start = await logOf(0, theta, seen.get(f)!);
        return f;
      },
      x0,
      {
        maxIter: hp.epochs,
        m: 10,
        gtol: tolerances.gtol ?? 1e-4,
        ftol: tolerances.ftol,
        onIteration: async (iteration, f, theta) => {
          const log = await logOf(iteration, theta, seen.get(f) ?? { loss: NaN, correct: NaN });
          seen.clear();
          history.push(log);
          opts.onEpoch?.(log);
          await checkpoint();
        },
      },
    );
    // The curve ends where the solve did, whichever iteration that was (result.x: the last logged weights).
    const last = history.at(-1);
    if (validation && last && last.valLoss === undefined) await scoreValidation(last, result.x);
    const weights = binary ? fromLogit(result.x, d) : Float32Array.from(result.x);
    const bad = weights.findIndex((w) => !Number.isFinite(w));
    if (bad >= 0)
      throw new EnclaveError('non-finite', `Logistic regression (L-BFGS) produced a non-finite ${bad < d * k ? `coefficient for "${shape.features[Math.floor(bad / k)]}"` : 'intercept'}: scale the features (a standardise or min-max step in the recipe).`, { algorithm: 'logistic', optimizer: 'lbfgs' });
    const model = new NetworkModel(spec, shape, seed, unflattenValues(weights, arch));
    return { model, history, start, epochs: result.iterations, bestEpoch: result.iterations, stoppedEarly: false, threads: kernel?.threads ?? 1 };
  }
}
