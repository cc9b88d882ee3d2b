/**
 * Staged rollout assignment. The hash is checked against scikit-learn 1.2.1's MurmurHash3 (Debian /usr/bin/python3):
 *
 *   from sklearn.utils import murmurhash3_32 as m
 *   for k, s in [('', 0), ('', 1), …]: print(repr(k), s, m(k, seed=s, positive=True))
 *
 * (the '' seed 1, 'Hello, world!' seed 1234 and quick-brown-fox values are also the published test vectors
 * 0x514E28B7, 0xFAF6CDB3 and 0x2E4FF723).
 */
import { describe, expect, it } from 'vitest';
import { murmur3, ROLLOUT_STAGES, rolloutArm, rolloutPosition } from '../../src/lib/core/rollout.ts';

const SKLEARN: [string, number, number][] = [
  ['', 0, 0],
  ['', 1, 1364076727],
  ['', 4294967295, 2180083513],
  ['a', 0, 1009084850],
  ['abc', 0, 3017643002],
  ['aaaa', 2538058380, 1519878282],
  ['test', 0, 3127628307],
  ['Hello, world!', 1234, 4210478515],
  ['The quick brown fox jumps over the lazy dog', 0, 776992547],
  ['row-17', 42, 1763091347],
  ['12345', 7, 1501068026],
  ['café ☕', 99, 3841517434],
];

const KEYS = 100_000;

describe('rolloutArm', () => {
  it('hashes keys as MurmurHash3 x86 32-bit over UTF-8 (scikit-learn murmurhash3_32)', () => {
    const enc = new TextEncoder();
    for (const [key, seed, expected] of SKLEARN) expect(murmur3(enc.encode(key), seed)).toBe(expected);
    expect(rolloutPosition('row-17', 42)).toBe(1763091347 / 2 ** 32);
    // A number key is its decimal text.
    expect(rolloutPosition(12345, 7)).toBe(1501068026 / 2 ** 32);
  });

  it.each(ROLLOUT_STAGES.map((s) => [s]))('sends %f of 100,000 keys to the challenger, within ±1%', (share) => {
    for (const key of [(i: number) => i, (i: number) => `customer-${i}`]) {
      let n = 0;
      for (let i = 0; i < KEYS; i++) if (rolloutArm(key(i), share, 7) === 'challenger') n++;
      expect(Math.abs(n / KEYS - share)).toBeLessThanOrEqual(0.01);
    }
  });

  it('keeps every row the challenger had at one stage with the challenger at every later stage', () => {
    let backwards = 0, atFivePercent = 0;
    for (let i = 0; i < KEYS; i++) {
      const arms = ROLLOUT_STAGES.map((s) => rolloutArm(`id${i}`, s, 3));
      if (arms[0] === 'challenger') atFivePercent++;
      for (let s = 1; s < arms.length; s++) if (arms[s - 1] === 'challenger' && arms[s] !== 'challenger') backwards++;
    }
    expect(backwards).toBe(0);
    expect(atFivePercent).toBeGreaterThan(4000); // the check above had rows to check
    expect(ROLLOUT_STAGES).toEqual([0.05, 0.25, 0.5, 1]);
  });

  it('gives the same arm for the same key, share and seed; another seed picks other rows', () => {
    const pick = (seed: number) => Array.from({ length: 2000 }, (_, i) => rolloutArm(i, 0.25, seed));
    expect(pick(11)).toEqual(pick(11));
    const a = pick(11), b = pick(12);
    const differ = a.filter((x, i) => x !== b[i]).length;
    // Independent 25% picks disagree on 2·0.25·0.75 = 37.5% of rows.
    expect(differ / a.length).toBeGreaterThan(0.3);
    expect(differ / a.length).toBeLessThan(0.45);
  });

  it('sends no row to the challenger at share 0 and every row at share 1', () => {
    for (let i = 0; i < 1000; i++) {
      expect(rolloutArm(i, 0, 5)).toBe('champion');
      expect(rolloutArm(i, 1, 5)).toBe('challenger');
    }
  });

  it('refuses a share outside [0, 1], a bad seed, or a key that is not text or a finite number', () => {
    expect(() => rolloutArm('a', 1.5, 1)).toThrow(/between 0 and 1/);
    expect(() => rolloutArm('a', NaN, 1)).toThrow(/between 0 and 1/);
    expect(() => rolloutArm('a', 0.5, -1)).toThrow(/seed/i);
    expect(() => rolloutArm(NaN, 0.5, 1)).toThrow(/row key/);
  });
});
