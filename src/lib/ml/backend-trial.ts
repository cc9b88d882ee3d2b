/**
 * The measured trial behind initBackend('auto'): a few batches of a tiny MLP through the real training loop on every
 * available backend, each checked against the CPU backend's result, the fastest correct one chosen. It takes 8–12 s in
 * Chromium (shader compilation, threads), which is why its result is remembered (backend-memory.ts).
 */
import { seeded } from '../core/random.ts';
import type { BackendName } from './backend-label.ts';
import type { BackendTrial } from './backend.ts';
import type { Dataset } from './matrix.ts';
import { trainModel } from './train.ts';

export interface Measurement {
  /** The fastest backend whose result matched the CPU's ('cpu' when none did). */
  name: BackendName;
  trials: BackendTrial[];
}

/** Measures `available` in turn; `start` activates a backend (initBackend's). Leaves the last one tried active. */
export type Measure = (available: readonly BackendName[], start: (name: BackendName) => Promise<void>) => Promise<Measurement>;

/** Trial data: 256 rows of 16 features, 4 classes (seeded), for a tiny MLP trained by the real training loop. */
function trialData(): Dataset {
  const rng = seeded(7);
  const n = 256, d = 16;
  return {
    X: Float32Array.from({ length: n * d }, () => rng.normal()),
    n,
    d,
    y: Int32Array.from({ length: n }, () => rng.int(4)),
    shape: { task: 'classification', features: Array.from({ length: d }, (_, j) => `x${j}`), classNames: ['a', 'b', 'c', 'd'] },
  };
}

/** Train the trial MLP for `epochs` (4 batches each) on the active backend; its time and its predictions for 8 rows. */
async function trialRun(epochs: number): Promise<{ ms: number; out: Float32Array }> {
  const data = trialData();
  const spec = { algorithm: 'mlp', hyperparameters: { units: [32], epochs, batchSize: 64, optimizer: 'sgd', learningRate: 0.1, l2: 0, patience: 0 } } as const;
  const t0 = performance.now();
  const { model } = await trainModel(spec, data, { seed: 7 });
  try {
    const out = await model.predict(data.X.subarray(0, 8 * data.d), 8);
    return { ms: performance.now() - t0, out };
  } finally {
    model.dispose();
  }
}

const close = (a: Float32Array, b: Float32Array, tol = 2e-3) => a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) <= tol * (1 + Math.abs(b[i])));
const describe = (e: unknown) => (e instanceof Error ? e.message : String(e));

export const measureBackends: Measure = async (available, start) => {
  await start('cpu');
  const reference = (await trialRun(1)).out;
  const trials: BackendTrial[] = [];
  const measured: { name: BackendName; ms: number }[] = [];
  for (const name of available) {
    try {
      await start(name);
      // The reference's steps first (correctness, and warm-up: shader compilation), then a timed run (speed).
      const { ms, out } = await trialRun(1);
      const ok = close(out, reference);
      const timed = ok ? (await trialRun(3)).ms : NaN;
      trials.push({ backend: name, ms: ok ? timed : ms, ok, ...(ok ? {} : { error: 'results differ from the CPU backend' }) });
      if (ok) measured.push({ name, ms: timed });
    } catch (e) {
      trials.push({ backend: name, ms: null, ok: false, error: describe(e) });
    }
  }
  measured.sort((a, b) => a.ms - b.ms);
  return { name: measured[0]?.name ?? 'cpu', trials };
};
