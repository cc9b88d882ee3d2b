/**
 * Where an epoch of the studio's MLP training goes, on the active tfjs backend (called by worker-entry.ts after the
 * timed runs). Four looks, none of them changing the app's code:
 *   1. batch size: an epoch at batch 256 / 2048 / 20,000 (the same arithmetic in fewer, bigger steps). The difference
 *      between 256 and 2048, over the difference in steps, is the fixed cost per step;
 *   2. kernels: tf.profile over one epoch at batch 256: kernels per step, by name, with their own time (the per-kernel
 *      times are taken synchronously, so the profiled epoch is slower than a plain one: only counts and shares count);
 *   3. traffic: calls to the backend's read / readSync (device → JS) and write (JS → device) during one epoch;
 *   4. dispatch: the cost of one tiny kernel (an add of two 1-element tensors, inside tidy) on this backend.
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
}

type Patched = Record<'read' | 'readSync' | 'write', (...a: unknown[]) => unknown>;

async function epochMs(data: Dataset, batchSize: number): Promise<number> {
  const marks: number[] = [];
  const out = await trainModel(mlpSpec(2, batchSize), data, { seed: 3, onEpoch: () => marks.push(performance.now()) });
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
    const out = await trainModel(mlpSpec(1, batchSize), data, { seed: 3 });
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
      counts[name]++;
      return originals[name].apply(this, a);
    };
  }
  try {
    (await trainModel(mlpSpec(1, batchSize), data, { seed: 3 })).model.dispose();
  } finally {
    Object.assign(backend, originals);
  }
  log(`  traffic in one epoch: ${counts.read} read, ${counts.readSync} readSync, ${counts.write} write`);

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

  return {
    epochMsByBatch, perStepMs, steps, kernelsPerStep: info.kernels.length / steps, profiledEpochMs, kernelMs, byKernel,
    reads: counts.read, readSyncs: counts.readSync, writes: counts.write, tinyKernelUs,
  };
}
