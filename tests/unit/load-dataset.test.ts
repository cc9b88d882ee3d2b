import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { importFile } from '../../src/lib/jobs/import-job.ts';
import { loadDataset } from '../../src/lib/jobs/load-dataset.ts';
import { prepare } from '../../src/lib/jobs/prepare-job.ts';
import { toDataset } from '../../src/lib/ml/matrix.ts';
import { chunkStore, setChunkStore, type ChunkStore } from '../../src/lib/store/chunk-store.ts';
import { createDb, type EnclaveDB } from '../../src/lib/store/db.ts';
import { loadTable } from '../../src/lib/store/load-table.ts';
import { errorOf } from './errors.ts';

const penguins = new Uint8Array(readFileSync('static/samples/penguins.csv'));
const recipe = JSON.parse(readFileSync('tests/fixtures/penguins-recipe.json', 'utf8'));
let dbs: Dexie[] = [];
afterEach(async () => {
  for (const d of dbs) (d.close(), await d.delete());
  dbs = [];
});

async function stored(steps: unknown[] = recipe.steps) {
  const database = createDb(`load-dataset-${crypto.randomUUID()}`);
  dbs.push(database);
  const blob = new Blob([penguins]);
  const imported = await importFile({ file: { name: 'penguins.csv', size: blob.size, stream: () => blob.stream() } }, { database });
  const r = await prepare({ source: imported.hash, recipe: { ...recipe, steps, target: 'Species' }, split: { seed: 42 } }, { database });
  if (r.status !== 'saved') throw new Error('expected the preparation to be saved');
  return { database, prep: r.preparation, source: imported.hash };
}

/** Counts the columns each chunk read asks for. */
function spyReads(database: EnclaveDB): number[][] {
  const inner: ChunkStore = chunkStore(database);
  const asked: number[][] = [];
  setChunkStore(database, { ...inner, read: (hash, keys) => (asked.push(keys ? [...new Set(keys.map(([c]) => c))] : [-1]), inner.read(hash, keys)) });
  return asked;
}

describe('loadDataset', () => {
  it('gives toDataset(loadTable(…))’s Dataset bit for bit: training split, then validation with its shape', async () => {
    const { database, prep } = await stored();
    const train = await loadDataset(database, prep.splits.train, 'Species');
    const expected = toDataset(await loadTable(database, prep.splits.train), 'Species');
    expect(train.shape).toEqual(expected.shape);
    expect([train.n, train.d]).toEqual([expected.n, expected.d]);
    expect(Buffer.from(train.X.buffer).equals(Buffer.from(expected.X.buffer))).toBe(true);
    expect(Array.from(train.y)).toEqual(Array.from(expected.y));
    const validation = await loadDataset(database, prep.splits.validation, 'Species', train.shape);
    const expectedV = toDataset(await loadTable(database, prep.splits.validation), 'Species', expected.shape);
    expect(Buffer.from(validation.X.buffer).equals(Buffer.from(expectedV.X.buffer))).toBe(true);
    expect(Array.from(validation.y)).toEqual(Array.from(expectedV.y));
  });

  it('reads a few columns at a time (at most 8), never the whole split at once, each column once', async () => {
    const { database, prep } = await stored();
    const asked = spyReads(database);
    const data = await loadDataset(database, prep.splits.train, 'Species');
    expect(asked).toHaveLength(1 + Math.ceil(data.d / 8)); // the target, then the features 8 by 8
    expect(asked.every((cols) => cols.length >= 1 && cols.length <= 8 && cols.every((c) => c >= 0))).toBe(true);
    const all = asked.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(data.d + 1);
  });

  it('a table toDataset refuses is refused in toDataset’s words (the source itself: text features not encoded)', async () => {
    const { database, source } = await stored();
    const table = await loadTable(database, source);
    const wanted = errorOf(() => toDataset(table, 'Species'));
    const got = await loadDataset(database, source, 'Species').then(() => null, (e: unknown) => e);
    expect(got).toEqual(wanted);
    expect(wanted.message).toMatch(/Models learn from numbers/);
  });
});
