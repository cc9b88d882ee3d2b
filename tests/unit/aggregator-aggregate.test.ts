/**
 * The close arithmetic against hand-computed values: the plain mean, the trim count, the trimmed mean of one
 * coordinate, and the chunked coordinate-wise trimmed mean across a chunk boundary.
 */
import { describe, expect, it } from 'vitest';
import { applyMean, applyTrimmedMean, trimCount, trimmedMean } from '../../aggregator/federation/aggregate.ts';
import { KEPT_CHUNK_VALUES } from '../../aggregator/federation/store.ts';

describe('aggregate', () => {
  it('applyMean: old + sum / count, in float32', () => {
    expect([...applyMean(Float32Array.of(1, 2), Float64Array.of(3, -0.3), 3)]).toEqual([2, Math.fround(1.9)]);
  });

  it('trimCount drops floor(trim · n) at each end, always leaving one value', () => {
    expect([trimCount(10, 0.2), trimCount(10, 0.25), trimCount(3, 0.4), trimCount(1, 0.49), trimCount(2, 0.49)]).toEqual([2, 2, 1, 0, 0]);
  });

  it('trimmedMean: (2 + 3 + 4) / 3 after dropping −100 and 50', () => {
    expect(trimmedMean(Float64Array.of(4, -100, 3, 50, 2), 1)).toBe(3);
  });

  it('applyTrimmedMean reads chunk by chunk; coordinates on both sides of a chunk boundary are right', async () => {
    const d = KEPT_CHUNK_VALUES + 3;
    // 5 clients; coordinate j of client k is k + j/1000, client 4 sends 1e6 instead (dropped with trim 0.2 → 1 per end).
    const rows = Array.from({ length: 5 }, (_, k) => Float32Array.from({ length: d }, (_, j) => (k === 4 ? 1e6 : k + j / 1000)));
    const reads: number[] = [];
    const out = await applyTrimmedMean(new Float32Array(d).fill(1), 5, 0.2, async (chunk) => {
      reads.push(chunk);
      const start = chunk * KEPT_CHUNK_VALUES;
      return rows.map((r) => r.subarray(start, start + KEPT_CHUNK_VALUES));
    });
    expect(reads).toEqual([0, 1]);
    // Kept: clients 1, 2, 3 → mean 2 + j/1000 (in float32 arithmetic of the inputs).
    for (const j of [0, 1, KEPT_CHUNK_VALUES - 1, KEPT_CHUNK_VALUES, d - 1]) {
      const kept = [1, 2, 3].map((k) => rows[k][j]);
      expect(out[j]).toBe(Math.fround(1 + (kept[0] + kept[1] + kept[2]) / 3));
    }
  });

  it('applyTrimmedMean refuses a chunk with the wrong number of updates', async () => {
    await expect(applyTrimmedMean(new Float32Array(3), 2, 0.1, async () => [new Float32Array(3)])).rejects.toThrow(/holds 1 kept updates/);
  });
});
