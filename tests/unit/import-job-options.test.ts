/** The import job applies the options the Data page sends, and checks them first (they cross the worker boundary). */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { importFile, previewFile } from '../../src/lib/jobs/import-job.ts';
import { createDb, type EnclaveDB } from '../../src/lib/store/db.ts';
import { loadTable } from '../../src/lib/store/load-table.ts';
import { fails } from './errors.ts';

let dbs: EnclaveDB[] = [];
function fresh(): EnclaveDB {
  const d = createDb(`import-job-options-${crypto.randomUUID()}`);
  dbs.push(d);
  return d;
}
function file(name: string, body: Uint8Array<ArrayBuffer> | string) {
  const blob = new Blob([body]);
  return { name, size: blob.size, lastModified: 0, stream: () => blob.stream(), slice: (s: number, e: number) => blob.slice(s, e) };
}
afterEach(async () => {
  for (const d of dbs) { d.close(); await d.delete(); }
  dbs = [];
});

describe('import job with options', () => {
  it('stores the table read with the options: a Latin-1 ";" file with decimal commas (pandas: café, 1.5)', async () => {
    const db = fresh();
    const body = Uint8Array.from('name;value\ncaf\xe9;1,5\nth\xe9;2,25\n', (c) => c.charCodeAt(0));
    const s = await importFile({ file: file('cafe.csv', body), options: { encoding: 'windows-1252', decimalComma: true } }, { database: db });
    expect(s.rowCount).toBe(2);
    expect(s.warnings.join(' ')).not.toMatch(/UTF-8/);
    const t = await loadTable(db, s.hash);
    const name = t.columns[0];
    expect(name.kind === 'string' && name.dictionary).toEqual(['café', 'thé']);
    const value = t.columns[1];
    expect(value.kind === 'numeric' && Array.from(value.values)).toEqual([1.5, 2.25]);
  });

  it('refuses options that are not what the page may send, before reading', async () => {
    const e = await fails(importFile({ file: file('a.csv', 'a\n1\n'), options: { skipLines: -3 } }, { database: fresh() }));
    expect(e.code).toBe('invalid-argument');
    expect((await fails(previewFile(file('a.csv', 'a\n1\n'), { encoding: 'klingon' as never }))).code).toBe('invalid-argument');
  });

  it('previewFile gives the first rows with the options', async () => {
    const p = await previewFile(file('n.csv', 'count line\nx,y\n1,2\n'), { skipLines: 1 });
    expect(p.columns.map((c) => c.name)).toEqual(['x', 'y']);
    expect(p.rows).toEqual([[1, 2]]);
  });
});
