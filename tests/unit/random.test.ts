import { describe, expect, it } from 'vitest';
import { seeded } from '../../src/lib/core/random.ts';

describe('seeded', () => {
  it('gives the same stream for the same seed and a different one for another seed', () => {
    const a = seeded(42), b = seeded(42), c = seeded(43);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
  });
  it('is uniform on [0, 1): mean ≈ 1/2 and variance ≈ 1/12 over 100,000 draws', () => {
    const r = seeded(7);
    let s = 0, s2 = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) { const x = r.next(); expect(x >= 0 && x < 1).toBe(true); s += x; s2 += x * x; }
    const mean = s / n;
    expect(mean).toBeCloseTo(0.5, 2);
    expect(s2 / n - mean * mean).toBeCloseTo(1 / 12, 2);
  });
  it('int(n) covers 0..n-1 evenly', () => {
    const r = seeded(1);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[r.int(6)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
  });
  it('normal() has mean 0 and standard deviation 1', () => {
    const r = seeded(3);
    let s = 0, s2 = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) { const x = r.normal(); s += x; s2 += x * x; }
    expect(s / n).toBeCloseTo(0, 1);
    expect(Math.sqrt(s2 / n)).toBeCloseTo(1, 1);
  });
});
