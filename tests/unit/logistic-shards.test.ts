/**
 * The binary logistic L-BFGS passes over several threads (src/lib/ml/native/logistic-shards.ts): the solve must not
 * depend on how many threads ran it (each chunk's sums are added in chunk order), must match the JavaScript pass, stop
 * its workers when cancelled, and fall back to one thread when a worker cannot start.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Dataset } from '../../src/lib/ml/matrix.ts';
import { fitLogisticLbfgs } from '../../src/lib/ml/models/logistic-lbfgs.ts';
import { flatten, type NetworkModel } from '../../src/lib/ml/models/network.ts';
import { parseSpec } from '../../src/lib/ml/models/spec.ts';
import { LogisticPasses } from '../../src/lib/ml/native/logistic-shards.ts';
import * as shardWorker from '../../src/lib/ml/native/shard-worker.ts';
import { fails } from './errors.ts';
import { mixed } from './logistic-lbfgs-data.ts';

const spec = (hp: Record<string, unknown> = {}) =>
  parseSpec({ algorithm: 'logistic', hyperparameters: { optimizer: 'lbfgs', epochs: 200, ...hp } }) as Extract<ReturnType<typeof parseSpec>, { algorithm: 'logistic' }>;


const weightsOf = (m: unknown) => flatten((m as NetworkModel).values);

afterEach(() => vi.restoreAllMocks());

describe('logistic passes over several threads', () => {
  const train = mixed(5_000, 1);
  const validation = mixed(1_500, 2);

  it('gives the same solve, bit for bit, on 1, 2 and 3 threads (chunks of 500 rows)', async () => {
    const hp = { classWeight: 'balanced' };
    const one = await fitLogisticLbfgs(spec(hp), train, 42, { validation }, { shards: 1, chunkRows: 500 });
    for (const shards of [2, 3]) {
      const many = await fitLogisticLbfgs(spec(hp), train, 42, { validation }, { shards, chunkRows: 500 });
      expect(many.threads).toBe(shards);
      expect(many.epochs).toBe(one.epochs);
      expect(many.history).toEqual(one.history);
      expect(weightsOf(many.model)).toEqual(weightsOf(one.model));
      many.model.dispose();
    }
    one.model.dispose();
  }, 60_000);

  it('reads matrices in shared memory in place (each thread counts and compacts its own rows): the same solve', async () => {
    const shared = (m: Dataset): Dataset => {
      const X = new Float32Array(new SharedArrayBuffer(m.X.byteLength));
      X.set(m.X);
      return { ...m, X };
    };
    const one = await fitLogisticLbfgs(spec(), train, 42, { validation }, { shards: 1, chunkRows: 500 });
    const many = await fitLogisticLbfgs(spec(), shared(train), 42, { validation: shared(validation) }, { shards: 3, chunkRows: 500 });
    expect(many.history).toEqual(one.history);
    expect(weightsOf(many.model)).toEqual(weightsOf(one.model));
    one.model.dispose();
    many.model.dispose();
  }, 60_000);

  it('matches the JavaScript pass (another summation order) to 1e-5 in every weight', async () => {
    const many = await fitLogisticLbfgs(spec(), train, 42, { validation }, { shards: 2, chunkRows: 700 });
    const js = await fitLogisticLbfgs(spec(), train, 42, { validation }, { javascript: true });
    expect(many.epochs).toBe(js.epochs);
    const a = weightsOf(many.model), b = weightsOf(js.model);
    a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(1e-5 * Math.max(1, Math.abs(b[i]))));
    many.model.dispose();
    js.model.dispose();
  }, 60_000);

  it('puts each pass on the workers: a pass equals the sums of its rows computed here', async () => {
    const passes = (await LogisticPasses.create([{ m: train, y: train.y as Int32Array }], null, { shards: 2, chunkRows: 1_000 }))!;
    const single = (await LogisticPasses.create([{ m: train, y: train.y as Int32Array }], null, { shards: 1, chunkRows: 1_000 }))!;
    try {
      expect(passes.threads).toBe(2);
      expect(single.threads).toBe(1);
      const theta = Float64Array.from({ length: train.d + 1 }, (_, j) => (j % 3) - 1);
      const g2 = new Float64Array(train.d + 1), g1 = new Float64Array(train.d + 1);
      const s2 = await passes.pass(0, theta, g2, () => {});
      const s1 = await single.pass(0, theta, g1, () => {});
      expect(s2).toEqual(s1);
      expect(g2).toEqual(g1);
      // and against a plain float64 loop over the dense matrix, written here
      let loss = 0;
      const g = new Float64Array(train.d + 1);
      for (let i = 0; i < train.n; i++) {
        let z = theta[train.d];
        for (let j = 0; j < train.d; j++) z += train.X[i * train.d + j] * theta[j];
        const t = (train.y as Int32Array)[i];
        loss += Math.log1p(Math.exp(-Math.abs(z))) + Math.max(0, t === 1 ? -z : z);
        const r = 1 / (1 + Math.exp(-z)) - t;
        for (let j = 0; j < train.d; j++) g[j] += r * train.X[i * train.d + j];
        g[train.d] += r;
      }
      expect(s2.loss).toBeCloseTo(loss, 6);
      g.forEach((v, j) => expect(g2[j]).toBeCloseTo(v, 6));
    } finally {
      passes.close();
      single.close();
    }
  }, 60_000);

  it('stops its workers when the solve is cancelled', async () => {
    const terminated: number[] = [];
    const spawn = shardWorker.spawnShardWorker;
    vi.spyOn(shardWorker, 'spawnShardWorker').mockImplementation(async () => {
      const w = (await spawn())!;
      return { ...w, terminate: () => (terminated.push(1), w.terminate()) };
    });
    const ctl = new AbortController();
    const e = await fails(fitLogisticLbfgs(spec(), train, 42, { validation, signal: ctl.signal, onEpoch: (log) => log.epoch === 2 && ctl.abort() }, { shards: 3, chunkRows: 500 }));
    expect(e.code).toBe('cancelled');
    expect(terminated).toEqual([1, 1]);
  }, 60_000);

  it('does it all on this thread when a worker cannot start, with the same result', async () => {
    vi.spyOn(shardWorker, 'spawnShardWorker').mockImplementation(async () => ({
      post: () => {},
      listen: (_onMessage, onError) => void setTimeout(() => onError(new Error('no such file')), 5),
      terminate: () => {},
    }));
    const passes = (await LogisticPasses.create([{ m: train, y: train.y as Int32Array }], null, { shards: 2, chunkRows: 500 }))!;
    expect(passes.threads).toBe(1);
    passes.close();
    const fallback = await fitLogisticLbfgs(spec(), train, 42, {}, { shards: 2, chunkRows: 500 });
    expect(fallback.threads).toBe(1);
    vi.restoreAllMocks();
    const real = await fitLogisticLbfgs(spec(), train, 42, {}, { shards: 2, chunkRows: 500 });
    expect(weightsOf(fallback.model)).toEqual(weightsOf(real.model));
    fallback.model.dispose();
    real.model.dispose();
  }, 60_000);
});
