/** A window of a stored version's rows reads only the chunks it touches (previews of large tables stay quick). */
import { freshDatabases } from './fresh-db.ts';
import { describe, expect, it } from 'vitest';
import { rowArrays, type Table } from '../../src/lib/core/table.ts';
import { numericColumn, stringColumn } from '../../src/lib/core/table-ops.ts';
import { chunkStore, setChunkStore, type ChunkAt } from '../../src/lib/store/chunk-store.ts';
import { loadRows, loadTable } from '../../src/lib/store/load-table.ts';
import { CHUNK_ROWS, saveImport } from '../../src/lib/store/tables.ts';

const source = { fileName: 'big.csv', size: 1, lastModified: 1, format: 'csv' };
const freshDb = freshDatabases('rows');

/** 2.5 chunks of rows: x = row number (every 7th missing), a text column cycling through 3 values. */
function big(): Table {
  const n = Math.floor(CHUNK_ROWS * 2.5);
  const x = Float64Array.from({ length: n }, (_, i) => i);
  const valid = Uint8Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 0 : 1));
  return { rowCount: n, columns: [numericColumn('x', 'float', x, valid), stringColumn('kind', 'categorical', Array.from({ length: n }, (_, i) => ['a', 'b', 'c'][i % 3]))] };
}

describe('loadRows', () => {
  it('gives exactly the rows of the whole table in a window across a chunk boundary, and the whole row count', async () => {
    const d = freshDb();
    const table = big();
    const hash = 'ef'.repeat(32);
    await saveImport(d, { datasetName: 'big', source, table, hash, profile: { columns: 2 } as never, warnings: [] });
    const asked: (readonly ChunkAt[] | undefined)[] = [];
    const idb = chunkStore(d);
    setChunkStore(d, { ...idb, read: (h, keys) => (asked.push(keys), idb.read(h, keys)) });

    const start = CHUNK_ROWS * 2 - 3;
    const { table: window, rowCount } = await loadRows(d, hash, start, 10);
    expect(rowCount).toBe(table.rowCount);
    expect(rowArrays(window)).toEqual(rowArrays(table, start, 10));
    // Chunks 1 and 2 of both columns, and chunk 0 of the text column (its dictionary): not the whole table.
    expect([...asked[0]!].map((k) => k.join('/')).sort()).toEqual(['0/1', '0/2', '1/0', '1/1', '1/2']);

    const end = await loadRows(d, hash, table.rowCount - 4, 100);
    expect(rowArrays(end.table)).toEqual(rowArrays(table, table.rowCount - 4, 4));
    expect((await loadRows(d, hash, table.rowCount + 5, 10)).table.rowCount).toBe(0);
    expect(rowArrays((await loadRows(d, hash, 0, 5)).table)).toEqual(rowArrays(await loadTable(d, hash), 0, 5));
  });

  it('says a missing chunk in the window is damaged, and an unknown version is not found', async () => {
    const d = freshDb();
    const table = big();
    const hash = 'ab'.repeat(32);
    await saveImport(d, { datasetName: 'big', source, table, hash, profile: { columns: 2 } as never, warnings: [] });
    await d.chunks.delete([hash, 0, 1]);
    await expect(loadRows(d, hash, CHUNK_ROWS, 5)).rejects.toMatchObject({ code: 'storage', message: expect.stringMatching(/missing chunk 1/) });
    expect(rowArrays((await loadRows(d, hash, 0, 5)).table)).toEqual(rowArrays(table, 0, 5)); // other chunks still read
    await expect(loadRows(d, 'cd'.repeat(32), 0, 5)).rejects.toMatchObject({ code: 'not-found' });
  });
});
