/**
 * NetworkModel's JavaScript forward pass for networks without hidden layers (src/lib/ml/models/linear-forward.ts)
 * against tfjs computing the same model (tf.matMul, tf.softmax in float32): equal to float32 precision.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { linearForward, linearForwardRows } from '../../src/lib/ml/models/linear-forward.ts';
import { compactRows } from '../../src/lib/ml/solvers/compact-rows.ts';
import { seeded } from '../../src/lib/core/random.ts';

function data(n: number, d: number, k: number, seed: number) {
  const rng = seeded(seed);
  // Half the features one-hot (mostly zeros), half dense: the zeros are skipped, the rest summed.
  const X = Float32Array.from({ length: n * d }, (_, i) => (i % d < d / 2 ? (rng.next() < 0.2 ? 1 : 0) : rng.normal() * 3));
  const kernel = Float32Array.from({ length: d * k }, () => rng.normal());
  const bias = Float32Array.from({ length: k }, () => rng.normal());
  return { X, kernel, bias };
}

describe('linearForward', () => {
  for (const k of [2, 3, 7])
    it(`softmax of X·W + b equals tfjs's for ${k} classes`, async () => {
      const n = 70_000, d = 12; // more than one block of rows
      const { X, kernel, bias } = data(n, d, k, k);
      const got = await linearForward(X, n, d, { kernel, bias }, 'softmax');
      const want = tf.tidy(() => tf.softmax(tf.add(tf.matMul(tf.tensor2d(X, [n, d]), tf.tensor2d(kernel, [d, k])), tf.tensor1d(bias))).dataSync() as Float32Array);
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
      expect(worst).toBeLessThan(2e-6);
      // each row sums to 1
      for (let i = 0; i < n; i += 997) expect(got.subarray(i * k, (i + 1) * k).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    });

  it("a linear output is z · std + mean in the target's units", async () => {
    const n = 1_000, d = 5;
    const { X, kernel, bias } = data(n, d, 1, 9);
    const got = await linearForward(X, n, d, { kernel, bias }, 'linear', { mean: 100, std: 20 });
    for (let i = 0; i < n; i++) {
      let z = bias[0];
      for (let j = 0; j < d; j++) z += X[i * d + j] * kernel[j];
      expect(got[i]).toBeCloseTo(z * 20 + 100, 3);
    }
  });
});

describe('linearForwardRows', () => {
  for (const k of [2, 3])
    it(`gives linearForward's probabilities, bit for bit, from compact rows (${k} classes, dense columns first)`, async () => {
      const n = 70_000, d = 12;
      const rng = seeded(100 + k);
      // Dense columns first, then one-hot ones: the compact sums then run in the same order as the dense matrix's.
      // A zero in a dense column and NaN-free, extreme logits (±80) included.
      const X = Float32Array.from({ length: n * d }, (_, i) => (i % d >= d / 2 ? (rng.next() < 0.2 ? 1 : 0) : i % 97 === 0 ? 0 : rng.normal() * 3));
      const kernel = Float32Array.from({ length: d * k }, (_, i) => (i < k ? 20 : rng.normal()));
      const bias = Float32Array.from({ length: k }, () => rng.normal());
      const rows = compactRows({ X, n, d });
      expect(rows.denseColumns.length).toBe(d / 2);
      const got = await linearForwardRows(rows, { kernel, bias }, 'softmax');
      const want = await linearForward(X, n, d, { kernel, bias }, 'softmax');
      let differ = 0; // counted, not toEqual: a diff of 140,000 floats takes minutes to print
      for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) differ++;
      expect(differ).toBe(0);
    });
});
