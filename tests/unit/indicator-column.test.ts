import { describe, expect, it } from 'vitest';
import { hashTable } from '../../src/lib/core/hash.ts';
import { countOnes, expandBits, indicatorBits, indicatorColumn, madeValues } from '../../src/lib/core/indicator-column.ts';
import { profileTable } from '../../src/lib/core/profile.ts';
import { duplicateRows } from '../../src/lib/core/profile/duplicates.ts';
import { fitRecipe, parseRecipe } from '../../src/lib/core/recipe/index.ts';
import { releaseTable, type Column, type NumericColumn, type Table } from '../../src/lib/core/table.ts';
import { checkTable } from '../../src/lib/core/validate/anomalies.ts';
import { inferSchema } from '../../src/lib/core/validate/schema.ts';
import { toDataset } from '../../src/lib/ml/matrix.ts';

/** Bits of 0/1 values, packed independently of the module: row r is bit r % 8 of byte ⌊r / 8⌋. */
function pack(values: number[]): Uint8Array {
  const out = new Uint8Array(Math.ceil(values.length / 8));
  values.forEach((v, r) => {
    if (v) out[Math.floor(r / 8)] += 2 ** (r % 8);
  });
  return out;
}

let seed = 7;
const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);

/** The same table twice: 0/1 columns as indicator columns (bits), and as plain columns of doubles. */
function twins(n: number, shares: number[]): { bits: Table; plain: Table } {
  const ones = new Uint8Array(n).fill(1);
  const label = Float64Array.from({ length: n }, () => (rand() < 0.5 ? 1 : 0));
  const x = Float64Array.from({ length: n }, () => Math.round(rand() * 100) / 10);
  const cols = shares.map((p) => Array.from({ length: n }, () => (rand() < p ? 1 : 0)));
  const dense: Column[] = [
    { kind: 'numeric', name: 'x', type: 'float', values: x, valid: ones },
    { kind: 'numeric', name: 'label', type: 'integer', values: label, valid: ones },
  ];
  return {
    bits: { rowCount: n, columns: [...dense, ...cols.map((v, k) => indicatorColumn(`c=${k}`, pack(v), ones, n))] },
    plain: { rowCount: n, columns: [...dense, ...cols.map((v, k): NumericColumn => ({ kind: 'numeric', name: `c=${k}`, type: 'integer', values: Float64Array.from(v), valid: ones }))] },
  };
}

const noDoubles = (t: Table) => t.columns.every((c) => !indicatorBits(c) || madeValues(c).length === 1);

describe('indicator columns (0/1 held as bits)', () => {
  it('read as the 0/1 numbers they stand for, and count their ones', () => {
    const v = [1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1];
    const col = indicatorColumn('a=b', pack(v), new Uint8Array(v.length).fill(1), v.length);
    expect(Array.from(col.values)).toEqual(v);
    expect(col.values).toBe(col.values); // made once, then kept
    expect(countOnes(pack(v), v.length)).toBe(5);
    expect(Array.from(expandBits(pack(v), v.length, 3))).toEqual(v.slice(3));
  });

  it('give the matrix, schema, anomalies, profile, content hash and duplicate count of the same plain columns — without ever making their doubles', async () => {
    for (const n of [5000, 5003]) {
      const { bits, plain } = twins(n, [0, 0.02, 0.5, 1]);
      expect(Array.from(toDataset(bits, 'label').X)).toEqual(Array.from(toDataset(plain, 'label').X));
      const schema = inferSchema(plain, { target: 'label' });
      expect(inferSchema(bits, { target: 'label' })).toEqual(schema);
      // Checked against a schema whose ranges exclude 0 or 1, so the out-of-range counts and extremes are exercised.
      const narrow = { ...schema, columns: schema.columns.map((c) => (c.name === 'c=2' ? { ...c, range: { min: 0.5, max: 2, p1: 0.5, p99: 2 } } : c.name === 'c=1' ? { ...c, range: { min: -1, max: 0.5, p1: -1, p99: 0.5 } } : c)) };
      expect(checkTable(bits, narrow)).toEqual(checkTable(plain, narrow));
      expect(checkTable(bits, narrow).length).toBeGreaterThan(0);
      expect(JSON.stringify(profileTable(bits, { maxCorrelationColumns: 0 }))).toBe(JSON.stringify(profileTable(plain, { maxCorrelationColumns: 0 })));
      expect(await hashTable(bits)).toBe(await hashTable(plain));
      expect(duplicateRows(bits)).toBe(duplicateRows(plain));
      expect(noDoubles(bits)).toBe(true);
    }
  });

  it('counts duplicate rows that differ only in an indicator as distinct', () => {
    const ones = new Uint8Array(4).fill(1);
    const t: Table = { rowCount: 4, columns: [indicatorColumn('a', pack([1, 1, 0, 1]), ones, 4), indicatorColumn('b', pack([0, 0, 0, 1]), ones, 4)] };
    expect(duplicateRows(t)).toBe(1); // rows 1 and 2 are (1, 0); row 3 is (0, 0), row 4 (1, 1)
  });

  it('come out of the one-hot step, and a copy of one ({ ...col }) is a plain column of the same numbers', () => {
    const n = 9;
    const c: Column = { kind: 'string', name: 'c', type: 'categorical', codes: Int32Array.from({ length: n }, (_, i) => i % 3), dictionary: ['a', 'b', 'c'], valid: new Uint8Array(n).fill(1) };
    const { table } = fitRecipe({ rowCount: n, columns: [c] }, parseRecipe({ steps: [{ kind: 'onehot', columns: ['c'] }] }));
    expect(table.columns.map((x) => [x.name, indicatorBits(x) !== undefined])).toEqual([['c=a', true], ['c=b', true], ['c=c', true]]);
    const copy = { ...table.columns[1] } as NumericColumn;
    expect(indicatorBits(copy)).toBeUndefined();
    expect(Array.from(copy.values)).toEqual([0, 1, 0, 0, 1, 0, 0, 1, 0]);
  });

  it('are released by releaseTable without their doubles ever being made', () => {
    const { bits } = twins(64, [0.5]);
    const col = bits.columns[2];
    const packed = indicatorBits(col)!;
    releaseTable(bits);
    expect(packed.length).toBe(0);
    expect(madeValues(col).length).toBe(1);
  });
});
