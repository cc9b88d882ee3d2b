import { describe, expect, it } from 'vitest';
import { releaseTable, type Table } from '../../src/lib/core/table.ts';
import { toDataset } from '../../src/lib/ml/matrix.ts';

function oneHotTable(n: number): Table {
  const ones = new Uint8Array(n).fill(1); // shared by the indicators, as the one-hot step makes them
  const a = Float64Array.from({ length: n }, (_, i) => i % 2);
  const b = Float64Array.from(a, (v) => 1 - v);
  return {
    rowCount: n,
    columns: [
      { kind: 'numeric', name: 'c=a', type: 'integer', values: a, valid: ones },
      { kind: 'numeric', name: 'c=b', type: 'integer', values: b, valid: ones },
      { kind: 'string', name: 'label', type: 'categorical', codes: Int32Array.from({ length: n }, (_, i) => i % 2), dictionary: ['no', 'yes'], valid: new Uint8Array(n).fill(1) },
    ],
  };
}

describe('releaseTable (a table nothing will read again gives its memory back now)', () => {
  it('empties every column, a mask shared by several columns included', () => {
    const t = oneHotTable(10);
    releaseTable(t);
    for (const c of t.columns) {
      expect(c.valid.length).toBe(0);
      expect(c.kind === 'numeric' ? c.values.length : c.codes.length).toBe(0);
    }
  });

  it('leaves columns in shared memory as they are (they cannot be detached; another thread may read them) and releases the rest', () => {
    const shared = new Float64Array(new SharedArrayBuffer(8 * 10)).fill(2);
    const t: Table = { rowCount: 10, columns: [{ kind: 'numeric', name: 's', type: 'float', values: shared, valid: new Uint8Array(10).fill(1) }] };
    releaseTable(t);
    expect(Array.from(shared)).toEqual(new Array(10).fill(2));
    expect(t.columns[0].valid.length).toBe(0);
  });

  it('is harmless on a table already released', () => {
    const t = oneHotTable(10);
    releaseTable(t);
    expect(() => releaseTable(t)).not.toThrow();
  });

  it('leaves what was built from the table before intact (the matrix copies its cells)', () => {
    const t = oneHotTable(6);
    const d = toDataset(t, 'label');
    releaseTable(t);
    expect(Array.from(d.X)).toEqual([0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0]);
    expect(Array.from(d.y)).toEqual([0, 1, 0, 1, 0, 1]);
  });
});

describe('releaseTable with tables to spare', () => {
  it('keeps the buffers a table made from it still holds (a column passed through), and empties the rest', () => {
    const source = oneHotTable(4);
    const made: Table = { rowCount: 4, columns: [source.columns[2]] }; // the label, passed through unchanged
    releaseTable(source, [made]);
    expect(source.columns[0].valid.length).toBe(0);
    expect(made.columns[0].kind === 'string' && Array.from(made.columns[0].codes)).toEqual([0, 1, 0, 1]);
  });
});

describe('fitRecipe / applyRecipe with release (the input table is the caller\'s to give up)', () => {
  const recipe = { target: 'label', steps: [{ kind: 'impute', columns: ['x'], strategy: 'mean' }, { kind: 'scale', columns: ['x'], method: 'standard' }, { kind: 'onehot', columns: ['c'] }] };
  const input = (): Table => ({
    rowCount: 4,
    columns: [
      { kind: 'numeric', name: 'x', type: 'float', values: Float64Array.from([1, 0, 3, 5]), valid: Uint8Array.from([1, 0, 1, 1]) },
      { kind: 'string', name: 'c', type: 'categorical', codes: Int32Array.from([0, 1, 1, 0]), dictionary: ['a', 'b'], valid: new Uint8Array(4).fill(1) },
      { kind: 'numeric', name: 'label', type: 'integer', values: Float64Array.from([0, 1, 1, 0]), valid: new Uint8Array(4).fill(1) },
    ],
  });
  const cells = (t: Table) => JSON.stringify(t.columns.map((c) => [c.name, Array.from(c.kind === 'numeric' ? c.values : c.codes), Array.from(c.valid)]));

  it('makes the same table and fitted state, and empties the input\'s replaced columns but not those passed on', async () => {
    const { fitRecipe, applyRecipe, parseRecipe } = await import('../../src/lib/core/recipe/index.ts');
    const plain = fitRecipe(input(), parseRecipe(recipe));
    const given = input();
    const released = fitRecipe(given, parseRecipe(recipe), { release: true });
    expect(cells(released.table)).toBe(cells(plain.table));
    expect(released.fitted).toEqual(plain.fitted);
    expect(given.columns[0].valid.length).toBe(0); // x: imputed, then scaled
    expect(given.columns[1].valid.length).toBe(0); // c: one-hot encoded
    expect(cells({ rowCount: 4, columns: [given.columns[2]] })).toBe(JSON.stringify([['label', [0, 1, 1, 0], [1, 1, 1, 1]]])); // passed on
    const other = input();
    expect(cells(applyRecipe(other, plain.fitted, 'eval', { release: true }))).toBe(cells(applyRecipe(input(), plain.fitted, 'eval')));
    expect(other.columns[1].valid.length).toBe(0);
  });
});

describe('one-hot indicators come with their cell counts', () => {
  it('are counted as a scan would count them: none missing, none beyond float32', async () => {
    const { fitRecipe, parseRecipe } = await import('../../src/lib/core/recipe/index.ts');
    const { cellCounts } = await import('../../src/lib/core/validate/missing-cell.ts');
    const t = oneHotTable(6);
    const { table } = fitRecipe(t, parseRecipe({ target: 'c=a', steps: [{ kind: 'onehot', columns: ['label'] }] }));
    for (const c of table.columns.filter((c) => c.name.startsWith('label='))) {
      expect(cellCounts(c, 6)).toEqual({ missing: 0, beyondFloat32: 0 });
      // The same as a fresh scan of a copy (a column the record does not know).
      expect(cellCounts({ ...c }, 6)).toEqual({ missing: 0, beyondFloat32: 0 });
    }
  });
});
