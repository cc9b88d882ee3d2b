import { describe, expect, it } from 'vitest';
import { fitRecipe, applyRecipe, parseRecipe } from '../../src/lib/core/recipe/index.ts';
import { decimalCountsOf, writeSorted } from '../../src/lib/core/profile/decimal-counts.ts';
import { presentSorted, profileNumeric } from '../../src/lib/core/profile/numeric.ts';
import { hasLineage, mappedFrom, sortedFromCounts } from '../../src/lib/core/sorted-lineage.ts';
import { columnSample } from '../../src/lib/core/validate/drift/columns.ts';
import type { NumericColumn, Table } from '../../src/lib/core/table.ts';

const N = 40_000; // past the 32,768 rows from which columns are counted
let seed = 23;
const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);

/** A column as a CSV reader makes it: decimals of `digits` places, some cells missing, some NaN or infinite, some -0. */
function readings(digits: number, spread: number, odd = true): NumericColumn {
  const values = new Float64Array(N), valid = new Uint8Array(N);
  for (let i = 0; i < N; i++) {
    valid[i] = rand() < 0.03 ? 0 : 1;
    values[i] = valid[i] ? Number(((rand() - 0.4) * spread).toFixed(digits)) : rand(); // absent cells hold anything
    if (odd && i % 997 === 0) values[i] = [NaN, Infinity, -Infinity, -0][(i / 997) % 4];
  }
  return { kind: 'numeric', name: 'x', type: 'float', values, valid };
}

/** Present values (valid, not NaN) of a column, sorted by the built-in sort: the reference. */
function reference(col: NumericColumn): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < col.valid.length; i++) if (col.valid[i] && col.values[i] === col.values[i]) out.push(col.values[i]);
  return Float64Array.from(out).sort();
}

const bitwise = (a: Float64Array, b: Float64Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
/** The same cells in a new object: no counts or lineage kept for it, so it is sorted afresh. */
const copy = (c: NumericColumn): NumericColumn => ({ ...c, values: c.values.slice(), valid: c.valid.slice() });

describe('decimal counts of a column', () => {
  it('hold its present finite values: written in order they are a sorted copy of them, bit for bit, -0 before 0', () => {
    const col = readings(2, 200);
    const dc = decimalCountsOf(col)!;
    expect(dc).not.toBeNull();
    const finite = reference(col).filter((v) => Number.isFinite(v));
    const out = new Float64Array(dc.size);
    expect(writeSorted(dc, out)).toBe(finite.length);
    expect(bitwise(out, finite)).toBe(true);
    expect(dc.negativeZeros).toBeGreaterThan(0);
  });

  it('are not made below 32,768 rows, past 6 decimals, or for keys spanning more steps than rows', () => {
    const small: NumericColumn = { kind: 'numeric', name: 's', type: 'float', values: new Float64Array(100).fill(1.5), valid: new Uint8Array(100).fill(1) };
    expect(decimalCountsOf(small)).toBeNull();
    expect(decimalCountsOf(readings(7, 1, false))).toBeNull();
    expect(decimalCountsOf(readings(3, 1e5, false))).toBeNull(); // 10^8 steps of 0.001
  });
});

describe('prepared columns sort from their source column’s counts', () => {
  const steps = [
    [{ kind: 'impute', columns: ['x'], strategy: 'mean' }, { kind: 'scale', columns: ['x'], method: 'standard' }],
    [{ kind: 'impute', columns: ['x'], strategy: 'median' }, { kind: 'scale', columns: ['x'], method: 'minmax' }],
    [{ kind: 'impute', columns: ['x'], strategy: 'constant', value: 0 }, { kind: 'scale', columns: ['x'], method: 'robust' }],
    [{ kind: 'scale', columns: ['x'], method: 'standard' }],
    [{ kind: 'impute', columns: ['x'], strategy: 'most_frequent' }],
  ];

  it('gives the very sorted values and profile of the same cells sorted afresh, for impute and scale in any strategy', () => {
    for (const s of steps) {
      const source: Table = { rowCount: N, columns: [readings(2, 50)] };
      const { fitted, table } = fitRecipe(source, parseRecipe({ steps: s }));
      const applied = applyRecipe({ rowCount: N, columns: [readings(2, 50)] }, fitted, 'eval');
      for (const t of [table, applied]) {
        const col = t.columns[0] as NumericColumn;
        expect(hasLineage(col), JSON.stringify(s)).toBe(true);
        expect(bitwise(sortedFromCounts(col, N) ?? new Float64Array(0), reference(col)), JSON.stringify(s)).toBe(true);
        expect(bitwise(presentSorted(col, N), reference(col)), JSON.stringify(s)).toBe(true);
        expect(JSON.stringify(profileNumeric(col as NumericColumn & { type: 'float' }, N, 20))).toBe(JSON.stringify(profileNumeric(copy(col) as NumericColumn & { type: 'float' }, N, 20, { sort: true })));
      }
    }
  });

  it('still does once the source column is released (its counts are kept, not its values)', () => {
    const source: Table = { rowCount: N, columns: [readings(4, 3)] };
    const { table } = fitRecipe(source, parseRecipe({ steps: steps[0] }), { release: true });
    expect(source.columns[0].valid.byteLength).toBe(0); // released
    const col = table.columns[0] as NumericColumn;
    expect(bitwise(sortedFromCounts(col, N) ?? new Float64Array(0), reference(col))).toBe(true);
  });

  it('falls back to a sort when what a lineage gives is out of order (a function that is not non-decreasing)', () => {
    const from = readings(2, 10, false);
    const values = new Float64Array(N), valid = new Uint8Array(N);
    for (let i = 0; i < N; i++) if (from.valid[i]) (values[i] = -from.values[i]), (valid[i] = 1);
    const out: NumericColumn = { kind: 'numeric', name: 'neg', type: 'float', values, valid };
    mappedFrom(out, from, (x) => -x);
    expect(hasLineage(out)).toBe(true);
    expect(sortedFromCounts(out, N)).toBeNull();
    expect(bitwise(presentSorted(out, N), reference(out))).toBe(true);
  });
});

describe('drift samples of decimal columns', () => {
  it('sort from the counts: the same sorted values as a sorted copy of the finite present values', () => {
    const col = readings(2, 80);
    expect(decimalCountsOf(col)).not.toBeNull();
    const s = columnSample(col);
    const finite = reference(col).filter((v) => Number.isFinite(v));
    // Before anything is written out: the distinct count the test choice reads, from the counts (the smallest first).
    expect([...columnSample(col).keysUpTo(5)]).toEqual([...new Set(finite)].slice(0, 6));
    expect(s.size).toBe(finite.length);
    expect(bitwise(s.sorted(), finite)).toBe(true);
    expect(s.keysUpTo(5).size).toBe(6);
  });
});
