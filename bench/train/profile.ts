/**
 * Where an epoch of the studio's MLP training goes, on the active tfjs backend (called by worker-entry.ts after the
 * timed runs). Four looks, none of them changing the app's code:
 *   1. batch size: an epoch at batch 256 / 2048 / 20,000 (the same arithmetic in fewer, bigger steps). The difference
 *      between 256 and 2048, over the difference in steps, is the fixed cost per step;
 *   2. kernels: tf.profile over one epoch at batch 256: kernels per step, by name, with their own time (the per-kernel
 *      times are taken synchronously, so the profiled epoch is slower than a plain one: only counts and shares count);
 *   3. traffic: calls to the backend's read / readSync (device → JS; on WASM and CPU only a view or copy of memory, on
 *      WebGL a pipeline stall) and writes of JS values (uploads; on CPU also every kernel's output) during one epoch;
 *   4. dispatch: the cost of one tiny kernel (an add of two 1-element tensors, inside tidy) on this backend;
 *   5. matmuls: the 5 backward products of one step (dW = hᵀ·δ, dh = δ·Wᵀ) as the gradients ask for them (matMul with
 *      transposeA / transposeB) against the same products with the transpose done first (plain matMul), 79 steps each.
 *      On WASM only a plain matMul goes to XNNPACK; a transposed one takes tfjs-wasm's scalar fallback loop. Best of 3;
 *   6. reference: the same network trained by a plain tf.layers model.fit (3 epochs after a warm-up epoch; Keras-style
 *      Adam, batch 256, shuffle), what the studio's own loop replaced.
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../src/lib/ml/matrix.ts';
import { trainModel } from '../../src/lib/ml/train.ts';

/** The benchmark's model: the studio's mlp spec with the architecture and schedule. */
export const mlpSpec = (epochs: number, batchSize: number) => ({
  algorithm: 'mlp',
  // patience only matters with a validation set (none here): no early stop. l2 stays at its default 1e-4 (= sklearn's alpha).
  hyperparameters: { units: [64, 32], activation: 'relu', epochs, batchSize, learningRate: 0.001, optimizer: 'adam', patience: 100000 },
} as const);

export interface Profile {
  /** Epoch ms at each batch size (the second of two epochs, so new shapes are compiled already). */
  epochMsByBatch: { batchSize: number; steps: number; ms: number }[];
  /** (ms at 256 − ms at 2048) / (steps at 256 − steps at 2048). */
  perStepMs: number;
  /** From the profiled epoch at the benchmark's batch size. */
  steps: number;
  kernelsPerStep: number;
  profiledEpochMs: number;
  kernelMs: number;
  byKernel: { name: string; count: number; ms: number }[];
  /** Per epoch (one epoch's trainModel, which also uploads the data and reads the weights back once at the end). */
  reads: number;
  readSyncs: number;
  writes: number;
  /** One tiny kernel, dispatch included. */
  tinyKernelUs: number;
  /** ms per step of the backward matmuls: as the gradients call them, and with explicit transposes. */
  backwardMatmulMs: { transposed: number; explicit: number };
  /** Seconds of model.fit for 3 epochs (after one warm-up epoch). */
  fitSeconds: number;
}

type Patched = Record<'read' | 'readSync' | 'write', (...a: unknown[]) => unknown>;

async function epochMs(data: Dataset, batchSize: number): Promise<number> {
  const marks: number[] = [];
  const out = await trainModel(mlpSpec(2, batchSize), data, { seed: 3, engine: 'tfjs', onEpoch: () => marks.push(performance.now()) });
  out.model.dispose();
  return marks[1] - marks[0];
}

export async function profileTraining(data: Dataset, batchSize: number, log: (s: string) => void): Promise<Profile> {
  // 1. batch sizes
  const epochMsByBatch: Profile['epochMsByBatch'] = [];
  for (const b of [batchSize, 2048, data.n]) {
    const ms = Math.min(await epochMs(data, b), await epochMs(data, b));
    epochMsByBatch.push({ batchSize: b, steps: Math.ceil(data.n / b), ms });
    log(`  epoch at batch ${b}: ${ms.toFixed(0)} ms (${Math.ceil(data.n / b)} steps)`);
  }
  const [small, big] = epochMsByBatch;
  const perStepMs = (small.ms - big.ms) / (small.steps - big.steps);

  // 2. kernels (tf.profile; an epoch of 1)
  let profiledEpochMs = 0;
  const info = await tf.profile(async () => {
    const t0 = performance.now();
    const out = await trainModel(mlpSpec(1, batchSize), data, { seed: 3, engine: 'tfjs' });
    profiledEpochMs = performance.now() - t0;
    out.model.dispose();
    return [];
  });
  const steps = Math.ceil(data.n / batchSize);
  const groups = new Map<string, { count: number; ms: number }>();
  let kernelMs = 0;
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    const g = groups.get(k.name) ?? { count: 0, ms: 0 };
    g.count++;
    g.ms += ms;
    kernelMs += ms;
    groups.set(k.name, g);
  }
  const byKernel = [...groups].map(([name, g]) => ({ name, ...g })).sort((a, b) => b.ms - a.ms || b.count - a.count);
  log(`  tf.profile: ${info.kernels.length} kernels in one epoch = ${(info.kernels.length / steps).toFixed(1)} per step; kernels' own time ${kernelMs.toFixed(0)} ms of ${profiledEpochMs.toFixed(0)} ms (profiled)`);

  // 3. traffic between JS and the backend
  const backend = tf.backend() as unknown as Patched;
  const counts = { read: 0, readSync: 0, write: 0 };
  const originals = { read: backend.read, readSync: backend.readSync, write: backend.write };
  for (const name of ['read', 'readSync', 'write'] as const) {
    backend[name] = function (this: unknown, ...a: unknown[]) {
      if (name !== 'write' || a[0] != null) counts[name]++; // WASM allocates kernel outputs by write(null, …)
      return originals[name].apply(this, a);
    };
  }
  try {
    (await trainModel(mlpSpec(1, batchSize), data, { seed: 3, engine: 'tfjs' })).model.dispose();
  } finally {
    Object.assign(backend, originals);
  }
  log(`  traffic in one epoch: ${counts.read} read, ${counts.readSync} readSync, ${counts.write} writes of values`);

  // 4. one tiny kernel
  const a = tf.tensor1d([1]), b = tf.tensor1d([2]);
  const reps = 50, inner = 100;
  tf.tidy(() => { for (let i = 0; i < inner; i++) tf.add(a, b); });
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) tf.tidy(() => { for (let i = 0; i < inner; i++) tf.add(a, b); });
  await tf.add(a, b).data(); // GPU backends: wait for the queue
  const tinyKernelUs = ((performance.now() - t0) * 1000) / (reps * inner);
  a.dispose();
  b.dispose();
  log(`  one tiny kernel (add of 1-element tensors, in tidy): ${tinyKernelUs.toFixed(1)} µs`);

  // 5. the backward matmuls of one step, two ways (each b is a fresh tensor per step, as in training: no cached operator)
  const r = (rows: number, cols: number) => tf.randomNormal([rows, cols], 0, 1, 'float32', 5) as tf.Tensor2D;
  const B = batchSize;
  const [x, h1, h2, d1, d2, d3, w2, w3] = [r(B, data.d), r(B, 64), r(B, 32), r(B, 64), r(B, 32), r(B, 2), r(64, 32), r(32, 2)];
  const transposed = () => [tf.matMul(h2, tf.clone(d3), true, false), tf.matMul(d3, tf.clone(w3), false, true), tf.matMul(h1, tf.clone(d2), true, false),
    tf.matMul(d2, tf.clone(w2), false, true), tf.matMul(x, tf.clone(d1), true, false)];
  const explicit = () => [tf.matMul(tf.transpose(h2), tf.clone(d3)), tf.matMul(d3, tf.transpose(w3)), tf.matMul(tf.transpose(h1), tf.clone(d2)),
    tf.matMul(d2, tf.transpose(w2)), tf.matMul(tf.transpose(x), tf.clone(d1))];
  const timeSteps = async (f: () => tf.Tensor[]) => {
    let best = Infinity;
    for (let rep = 0; rep < 3; rep++) {
      const t = performance.now();
      let last: tf.Tensor[] = [];
      for (let i = 0; i < steps; i++) {
        last.forEach((z) => z.dispose());
        last = tf.tidy(f);
      }
      await Promise.all(last.map((z) => z.data()));
      last.forEach((z) => z.dispose());
      best = Math.min(best, (performance.now() - t) / steps);
    }
    return best;
  };
  const backwardMatmulMs = { transposed: await timeSteps(transposed), explicit: await timeSteps(explicit) };
  [x, h1, h2, d1, d2, d3, w2, w3].forEach((z) => z.dispose());
  log(`  backward matmuls of one step: ${backwardMatmulMs.transposed.toFixed(2)} ms as transposed matMuls, ${backwardMatmulMs.explicit.toFixed(2)} ms with explicit transposes`);

  // 6. plain model.fit, same network and schedule
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [data.d], units: 64, activation: 'relu' }), tf.layers.dense({ units: 32, activation: 'relu' }), tf.layers.dense({ units: 2, activation: 'softmax' })] });
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy' });
  const [xs, ys] = tf.tidy(() => [tf.tensor2d(data.X, [data.n, data.d]), tf.oneHot(tf.tensor1d(data.y as Int32Array, 'int32'), 2).toFloat()]);
  await model.fit(xs, ys, { epochs: 1, batchSize, shuffle: true, verbose: 0 });
  const tf0 = performance.now();
  await model.fit(xs, ys, { epochs: 3, batchSize, shuffle: true, verbose: 0 });
  const fitSeconds = (performance.now() - tf0) / 1000;
  model.dispose();
  xs.dispose();
  ys.dispose();
  log(`  plain model.fit, 3 epochs: ${fitSeconds.toFixed(3)} s`);

  return {
    epochMsByBatch, backwardMatmulMs, fitSeconds, perStepMs, steps, kernelsPerStep: info.kernels.length / steps, profiledEpochMs, kernelMs, byKernel,
    reads: counts.read, readSyncs: counts.readSync, writes: counts.write, tinyKernelUs,
  };
}
