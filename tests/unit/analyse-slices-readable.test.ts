import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/lib/ml/backend.ts';
import { analyseModel } from '../../src/lib/services/analyse.ts';
import { seeded } from '../../src/lib/core/random.ts';
import { numericColumn, selectColumns, takeRows } from '../../src/lib/core/table-ops.ts';
import { splitTable } from '../../src/lib/core/split.ts';
import type { Table } from '../../src/lib/core/table.ts';
import { toDataset } from '../../src/lib/ml/matrix.ts';
import { KnnModel } from '../../src/lib/ml/models/knn.ts';

beforeAll(async () => {
  await initBackend('cpu');
});

/** A 1-NN regression on `a`, with a date column and a column of millions in the source to slice by. */
async function analyseBy(sliceColumn: string) {
  const rng = seeded(3);
  const n = 200;
  const a = Float64Array.from({ length: n }, () => rng.normal());
  const y = Float64Array.from(a, (v) => 2 * v + 1);
  // Whole days from 2012-01-01 (UTC) on, one per row; and counts between 1,000,000 and 3,000,000.
  const day = Float64Array.from({ length: n }, (_, i) => Date.UTC(2012, 0, 1) + i * 86_400_000);
  const big = Float64Array.from({ length: n }, (_, i) => 1_000_000 + i * 10_000);
  const source: Table = { rowCount: n, columns: [numericColumn('a', 'float', a), numericColumn('day', 'datetime', day), numericColumn('big', 'integer', big), numericColumn('y', 'float', y)] };
  const split = { seed: 5, target: 'y' };
  const idx = splitTable(source, split).indices;
  const features = (rows: Uint32Array) => selectColumns(takeRows(source, rows), ['a', 'y']);
  const train = toDataset(features(idx.train), 'y');
  const validation = toDataset(features(idx.validation), 'y', train.shape);
  const model = KnnModel.fit(train, { k: 1, distance: 'euclidean' } as never, 1);
  try {
    return await analyseModel({ model, validation, source, split, seed: 11, sliceColumn, repeats: 1 });
  } finally {
    model.dispose();
  }
}

describe('error-analysis slices people read', () => {
  it('name the quartiles of a date column with dates, not milliseconds', async () => {
    const r = await analyseBy('day');
    const names = r.slices!.rows.map((s) => s.name);
    expect(names).toHaveLength(4);
    for (const name of names) expect(name).toMatch(/^2012-\d\d-\d\d( \d\d:\d\d:\d\d)? – 2012-\d\d-\d\d( \d\d:\d\d:\d\d)?$/);
  }, 60_000);

  it('name the quartiles of a column of millions with separators, not exponents', async () => {
    const r = await analyseBy('big');
    for (const { name } of r.slices!.rows) {
      expect(name).not.toMatch(/e\+/);
      expect(name).toMatch(/^\d,\d{3},\d{3} – \d,\d{3},\d{3}$/);
    }
  }, 60_000);
});
