import * as tf from '@tensorflow/tfjs';
import { initBackend } from './src/lib/ml/backend.ts';
import { trainModel } from './src/lib/ml/train.ts';
import { seeded } from './src/lib/core/random.ts';
await initBackend('cpu');
const rng = seeded(1);
const n = 32, d = 4, k = 5;
const ds = { X: Float32Array.from({ length: n * d }, () => rng.normal()), n, d, y: Int32Array.from({ length: n }, () => rng.int(k)), shape: { task: 'classification' as const, features: Array.from({ length: d }, (_, i) => 'x' + i), classNames: ['a', 'b', 'c', 'd', 'e'] } };
const eng = tf.engine() as any;
const orig = eng.runKernel.bind(eng);
const counts: Record<string, number> = {};
eng.runKernel = (name: string, inputs: any, attrs: any) => {
  if (name === 'Identity' || name === 'Cast' || name === 'Reshape') {
    const st = new Error().stack!.split('\n').slice(2, 14).map((l) => l.trim().replace(/\(.*node_modules\//, '(').replace(/\(\/work\/main\//, '(')).slice(0, 6).join(' < ');
    const key = name + ' ' + st;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return orig(name, inputs, attrs);
};
const o = await trainModel({ algorithm: 'mlp', hyperparameters: { units: [64, 32], epochs: 1, batchSize: 32, l2: 1e-4 } }, ds, { seed: 1 });
for (const [k2, v] of Object.entries(counts).sort((a, b) => b[1] - a[1])) console.log(v, k2.slice(0, 400));
