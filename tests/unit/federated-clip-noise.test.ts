/**
 * Clipping and Gaussian noise of the federated mode. Norms are checked against a float64 sum written out here; the
 * noise against the normal distribution's own moments (sample std within 1%, mean within 4 standard errors) and
 * against Box–Muller's closed form for fixed random words.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EnclaveError } from '../../src/lib/core/errors.ts';
import { seeded } from '../../src/lib/core/random.ts';
import { clipUpdate, l2Norm } from '../../src/lib/federated/clip.ts';
import { addGaussianNoise, MAX_RANDOM_WORDS } from '../../src/lib/federated/noise.ts';

const norm64 = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));

function errorOf(f: () => unknown): EnclaveError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(EnclaveError);
    return e as EnclaveError;
  }
  throw new Error('expected an EnclaveError, got none');
}

/** A stand-in for getRandomValues from the seeded PRNG, that fails the test if asked for more than crypto allows. */
function stub(seed: number, calls: number[] = []) {
  const r = seeded(seed);
  return (out: Uint32Array) => {
    expect(out.byteLength).toBeLessThanOrEqual(65_536);
    calls.push(out.length);
    for (let i = 0; i < out.length; i++) out[i] = Math.floor(r.next() * 2 ** 32);
  };
}

describe('l2Norm and clipUpdate', () => {
  it('l2Norm is the float64 Euclidean norm (3-4-5, and a vector float32 squares would round)', () => {
    expect(l2Norm(new Float32Array([3, 4]))).toBe(5);
    expect(l2Norm(new Float32Array(0))).toBe(0);
    const v = Float32Array.from({ length: 100_000 }, (_, i) => Math.sin(i) * 1e-3 + 1);
    expect(l2Norm(v)).toBeCloseTo(norm64(v), 10);
  });

  it('scales an update above C to norm C (within float32 rounding, never above), keeping its direction', () => {
    const r = seeded(7);
    for (const [n, C] of [[10, 1], [1000, 0.5], [100_000, 3]] as const) {
      const delta = Float32Array.from({ length: n }, () => r.normal() * 2);
      const before = norm64(delta);
      expect(before).toBeGreaterThan(C);
      const clipped = clipUpdate(delta, C);
      const after = norm64(clipped);
      expect(after).toBeLessThanOrEqual(C);
      expect(Math.abs(after - C) / C).toBeLessThan(1e-6);
      for (let i = 0; i < n; i += Math.ceil(n / 50)) expect(clipped[i]).toBeCloseTo((delta[i] * C) / before, 5);
      expect(clipped).not.toBe(delta);
    }
  });

  it('leaves an update at or below C unchanged (equal values, a new array), and a zero vector zero', () => {
    const small = new Float32Array([0.1, -0.2, 0.3]);
    const out = clipUpdate(small, 1);
    expect(out).toEqual(small);
    expect(out).not.toBe(small);
    expect(clipUpdate(new Float32Array([3, 4]), 5)).toEqual(new Float32Array([3, 4]));
    expect(Array.from(clipUpdate(new Float32Array(8), 1))).toEqual(new Array(8).fill(0));
  });

  it('refuses a bound that is not a finite number > 0, and an update holding NaN or Infinity', () => {
    for (const C of [0, -1, NaN, Infinity]) {
      const err = errorOf(() => clipUpdate(new Float32Array([1]), C));
      expect(err.code).toBe('invalid-argument');
      expect(err.message).toMatch(/clipping bound C must be a finite number > 0/);
    }
    const err = errorOf(() => clipUpdate(new Float32Array([1, NaN, 2]), 1));
    expect(err.code).toBe('non-finite');
    expect(err.message).toMatch(/NaN at coordinate 1/);
    expect(errorOf(() => clipUpdate([1, 2] as never, 1)).message).toMatch(/Float32Array/);
  });
});

describe('addGaussianNoise', () => {
  afterEach(() => vi.restoreAllMocks());

  it('1,000,000 draws from crypto.getRandomValues at std 0.7: sample std within 1%, mean within 4 standard errors, all finite', () => {
    const spy = vi.spyOn(globalThis.crypto, 'getRandomValues');
    const n = 1_000_000, std = 0.7;
    const noisy = addGaussianNoise(new Float32Array(n), std);
    // Every call within getRandomValues' 65,536-byte limit, and together exactly the 4 words per pair of normals.
    const bytes = spy.mock.calls.map(([a]) => (a as Uint32Array).byteLength);
    expect(Math.max(...bytes)).toBeLessThanOrEqual(65_536);
    expect(bytes.reduce((s, b) => s + b, 0)).toBe(4 * 4 * (n / 2));
    let sum = 0, sumSq = 0, nonFinite = 0;
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(noisy[i])) nonFinite++;
      sum += noisy[i];
      sumSq += noisy[i] * noisy[i];
    }
    expect(nonFinite).toBe(0);
    const mean = sum / n;
    const sd = Math.sqrt((sumSq - n * mean * mean) / (n - 1));
    expect(Math.abs(sd - std) / std).toBeLessThan(0.01);
    expect(Math.abs(mean)).toBeLessThan((4 * std) / Math.sqrt(n));
  });

  it('adds to the update (a new array; the input is untouched), and std 0 adds nothing', () => {
    const update = Float32Array.from({ length: 1001 }, (_, i) => i);
    const noisy = addGaussianNoise(update, 0.01, stub(1));
    expect(update[1000]).toBe(1000);
    expect(noisy).not.toBe(update);
    for (let i = 0; i < update.length; i++) expect(Math.abs(noisy[i] - i)).toBeLessThan(0.1);
    expect(addGaussianNoise(update, 0)).toEqual(update);
    expect(addGaussianNoise(new Float32Array(0), 1)).toEqual(new Float32Array(0));
  });

  it('is Box–Muller on 53-bit uniforms: all-zero words give r = std·√(106 ln 2) (never log 0), all-one words give 0', () => {
    const zeros = addGaussianNoise(new Float32Array(4), 2, (out) => out.fill(0));
    expect(zeros[0]).toBeCloseTo(Math.fround(2 * Math.sqrt(106 * Math.LN2)), 5);
    expect(zeros[1]).toBe(0);
    expect(Array.from(zeros).every(Number.isFinite)).toBe(true);
    const ones = addGaussianNoise(new Float32Array([1, 2, 3]), 5, (out) => out.fill(0xffffffff));
    // u1 = 1 → radius 0: nothing added, whatever the angle.
    expect(Array.from(ones)).toEqual([1, 2, 3]);
  });

  it('draws in chunks of at most 16,384 words for more than 16,384 coordinates; the same stub gives the same noise', () => {
    const n = 50_001; // odd: the last pair uses one normal of two
    const calls: number[] = [];
    const a = addGaussianNoise(new Float32Array(n), 1, stub(42, calls));
    expect(Math.max(...calls)).toBe(MAX_RANDOM_WORDS);
    expect(calls.length).toBe(Math.ceil((4 * Math.ceil(n / 2)) / MAX_RANDOM_WORDS));
    expect(calls.reduce((s, c) => s + c, 0)).toBe(4 * Math.ceil(n / 2));
    const b = addGaussianNoise(new Float32Array(n), 1, stub(42));
    expect(b).toEqual(a);
    // Each chunk is fresh randomness: the second chunk's noise is not the first's again, and the tail is drawn too.
    const perChunk = MAX_RANDOM_WORDS / 2;
    expect(Array.from(a.subarray(perChunk, 2 * perChunk))).not.toEqual(Array.from(a.subarray(0, perChunk)));
    expect(a[n - 1]).not.toBe(0);
    expect(Array.from(a).every(Number.isFinite)).toBe(true);
    // And it is N(0, 1) across chunks.
    const sd = norm64(a) / Math.sqrt(n);
    expect(Math.abs(sd - 1)).toBeLessThan(0.02);
  });

  it('refuses a standard deviation that is not a finite number ≥ 0', () => {
    for (const std of [-0.1, NaN, Infinity]) {
      const err = errorOf(() => addGaussianNoise(new Float32Array(2), std));
      expect(err.code).toBe('invalid-argument');
      expect(err.message).toMatch(/noise standard deviation must be a finite number ≥ 0/);
    }
  });
});
