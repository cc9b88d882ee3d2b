import * as tf from '@tensorflow/tfjs';
import { initBackend } from './src/lib/ml/backend.ts';
import { trainModel } from './src/lib/ml/train.ts';
import { seeded } from './src/lib/core/random.ts';
await initBackend((process.env.BE as any) ?? 'wasm');
const rng = seeded(1);
const n = 900, d = Number(process.env.D ?? 4), k = 5;
const ds = { X: Float32Array.from({ length: n * d }, () => rng.normal()), n, d, y: Int32Array.from({ length: n }, () => rng.int(k)), shape: { task: 'classification' as const, features: Array.from({ length: d }, (_, i) => 'x' + i), classNames: ['a', 'b', 'c', 'd', 'e'] } };
const bs = Number(process.env.BS ?? 32);
for (let rep = 0; rep < 2; rep++) {
  const t0 = performance.now();
  let ops = 0;
  const prof = rep === 1 && process.env.PROF ? await tf.profile(async () => { const o = await trainModel({ algorithm: 'mlp', hyperparameters: { units: [64, 32], epochs: 1, batchSize: bs, l2: Number(process.env.L2 ?? 1e-4) } }, ds, { seed: 1 }); o.model.dispose(); }) : null;
  if (prof) { ops = prof.kernels.length; const c: Record<string, number> = {}; for (const kk of prof.kernels) c[kk.name] = (c[kk.name] ?? 0) + 1; console.log('kernels/step', ops / Math.ceil(n / bs), Object.entries(c).sort((a, b) => b[1] - a[1]).map(([a, b]) => `${a}:${(b / Math.ceil(n / bs)).toFixed(1)}`).join(' ')); continue; }
  const o = await trainModel({ algorithm: 'mlp', hyperparameters: { units: [64, 32], epochs: 20, batchSize: bs, l2: Number(process.env.L2 ?? 1e-4) } }, ds, { seed: 1 });
  const ms = performance.now() - t0;
  o.model.dispose();
  console.log(`rep ${rep}: ${(ms / (20 * Math.ceil(n / bs))).toFixed(3)} ms/step, ${Math.round(20 * n / ms * 1000)} samples/s`);
}
