/**
 * The WebAssembly binary logistic pass (assembly/logistic.ts through src/lib/ml/native/logistic.ts), row by row
 * against the textbook definitions in float64: CE = softplus(−t·z) with Math.log1p and Math.exp, and the residual
 * σ(z) − y. The kernel computes log1p its own way (no branches on the argument's range) and works in blocks of rows;
 * each row's loss must still be within a few ulps of Math.log1p's, over the whole range of z.
 */
import { describe, expect, it } from 'vitest';
import { BinaryLogisticKernel, partialSize } from '../../src/lib/ml/native/logistic.ts';

const EPS = 2 ** -52;

/** One dense column x and the bias: z = v·x + c for each row. */
async function kernelOf(x: Float32Array, y: Int32Array, rowWeight: Float32Array | null = null) {
  const n = x.length;
  const k = await BinaryLogisticKernel.create([{
    layout: { n, d: 1, denseColumns: Int32Array.of(0), nonZeros: 0 },
    fill: (out) => {
      out.dense.set(x);
      for (let i = 0; i <= n; i++) out.rowStart[i] = 0;
    },
    y,
  }], rowWeight);
  if (!k) throw new Error('no WebAssembly SIMD here');
  return k;
}

const softplusLoss = (z: number, t: number) => {
  const margin = t === 1 ? -z : z;
  return Math.max(margin, 0) + Math.log1p(Math.exp(-Math.abs(z)));
};
const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

describe('the WebAssembly logistic pass', () => {
  // z from −40 to 40: e^−|z| covers (0, 1], where log1p's cases (u ≤ √2 or not, tiny e) all occur.
  const zs = Float32Array.from({ length: 8001 }, (_, i) => -40 + i / 100);
  const labels = Int32Array.from(zs, (_, i) => (i * 7919) % 3 === 0 ? 1 : 0);

  it('gives each row its cross-entropy within 4 ulps of softplus by Math.log1p, and σ(z) − y as its gradient', async () => {
    const k = await kernelOf(zs, labels);
    k.setWeights(Float64Array.of(1, 0));
    const out = new Float64Array(partialSize(1));
    let worst = 0;
    for (let i = 0; i < zs.length; i++) {
      k.chunk(0, i, i + 1, true, out, 0);
      const z = zs[i], want = softplusLoss(z, labels[i]);
      worst = Math.max(worst, Math.abs(out[1] - want) / want);
      expect(out[0]).toBe(out[1]); // unweighted: Σ s·CE = Σ CE
      expect(out[2]).toBe((z > 0 ? 1 : 0) === labels[i] ? 1 : 0);
      const r = sigmoid(z) - labels[i];
      expect(Math.abs(out[3] - r * z)).toBeLessThanOrEqual(4 * EPS * Math.abs(r * z) + 1e-300); // ∂/∂v = r·x, x = z
      expect(Math.abs(out[4] - r)).toBeLessThanOrEqual(4 * EPS * Math.abs(r) + 1e-300); // ∂/∂c = r
    }
    expect(worst).toBeLessThanOrEqual(4 * EPS);
  });

  it('sums a chunk of many blocks as the rows one by one (class weights on)', async () => {
    const weights = Float32Array.of(0.75, 1.5);
    const k = await kernelOf(zs, labels, weights);
    k.setWeights(Float64Array.of(0.5, -0.25));
    const whole = new Float64Array(partialSize(1));
    k.chunk(0, 0, zs.length, true, whole, 0);
    const want = new Float64Array(5);
    for (let i = 0; i < zs.length; i++) {
      const z = 0.5 * zs[i] - 0.25, s = weights[labels[i]], ce = softplusLoss(z, labels[i]), r = s * (sigmoid(z) - labels[i]);
      want[0] += s * ce;
      want[1] += ce;
      want[2] += (z > 0 ? 1 : 0) === labels[i] ? 1 : 0;
      want[3] += r * zs[i];
      want[4] += r;
    }
    expect(whole[2]).toBe(want[2]);
    for (const j of [0, 1, 3, 4]) expect(Math.abs(whole[j] - want[j])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want[j])));
  });
});
