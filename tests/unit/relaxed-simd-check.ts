/**
 * Run by ml-native.test.ts in a child Node with --experimental-wasm-relaxed-simd (Node 20 does not enable relaxed SIMD
 * by default; Chromium does): trains the same network with the plain and the relaxed-SIMD (FMA) builds and prints the
 * largest weight difference and both final losses as JSON.
 */
import { plainSimd, relaxedSimd } from '../../src/lib/ml/native/kernels.ts';
import { DenseTrainer } from '../../src/lib/ml/native/dense.ts';
import type { Architecture } from '../../src/lib/ml/models/network.ts';
import { seeded } from '../../src/lib/core/random.ts';

const rng = seeded(5);
const n = 600, d = 12;
const X = Float32Array.from({ length: n * d }, () => rng.normal());
const y = Int32Array.from({ length: n }, (_, i) => (X[i * d] + X[i * d + 1] > 0 ? 1 : 0) + (X[i * d + 2] > 1 ? 1 : 0));
const arch: Architecture = { sizes: [d, 24, 16, 3], activation: 'relu', dropout: 0, output: 'softmax' };
const size = d * 24 + 24 + 24 * 16 + 16 + 16 * 3 + 3;
const initial = Float32Array.from({ length: size }, () => (rng.next() - 0.5) * 0.4);
const order = Int32Array.from({ length: n }, (_, i) => i);
const train = (b64: string) => {
  const bytes = Uint8Array.from(Buffer.from(b64, 'base64'));
  if (!WebAssembly.validate(bytes)) throw new Error('this build does not validate here');
  const t = new DenseTrainer({ module: new WebAssembly.Module(bytes), fma: false }, arch, initial, { optimizer: 'adam', learningRate: 0.01, l2: 1e-4, batchSize: 32 }, { X, y, n }, null);
  let loss = 0;
  for (let epoch = 0; epoch < 5; epoch++) {
    t.begin(order);
    t.run(0, 1000);
    loss = t.sums()[0] / n;
  }
  return { w: t.weights(), loss };
};
const a = train(plainSimd), b = train(relaxedSimd);
let maxDiff = 0;
a.w.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - b.w[i]))));
console.log(JSON.stringify({ maxDiff, plainLoss: a.loss, relaxedLoss: b.loss }));
