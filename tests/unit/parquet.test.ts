import { openAsBlob, readFileSync } from 'node:fs';
import { parquetMetadata } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { readTable } from '../../src/lib/core/io/index.ts';
import { readParquet } from '../../src/lib/core/io/parquet.ts';
import { bytesSource, type ByteSource, type ReadProgress } from '../../src/lib/core/io/source.ts';
import { missingCount, rows } from '../../src/lib/core/table.ts';
import { tinyParquet, type TinyColumn } from '../fixtures/tiny-parquet.ts';
import { fails } from './errors.ts';

const FLIGHTS = 'node_modules/vega-datasets/data/flights-3m.parquet';
const SIMPLE = 'tests/fixtures/simple.parquet';

async function fileSource(path: string, name = path.split('/').pop()!): Promise<ByteSource> {
  const blob = await openAsBlob(path);
  return Object.assign(blob, { name });
}

const N = 1000;
const COLUMNS: TinyColumn[] = [
  { name: 'n', kind: 'int32', values: Array.from({ length: N }, (_, i) => (i % 50 === 7 ? null : i % 90)) },
  { name: 'x', kind: 'double', values: Array.from({ length: N }, (_, i) => i / 8) },
  { name: 'cat', kind: 'string', values: Array.from({ length: N }, (_, i) => (i % 100 === 3 ? null : ['a', 'b', 'c'][i % 3])) },
  { name: 'ok', kind: 'boolean', values: Array.from({ length: N }, (_, i) => i % 3 === 0) },
];
const tiny = (name = 't.parquet', groupSize = 300) => bytesSource(name, tinyParquet(COLUMNS, groupSize), 4096);

describe('readParquet', () => {
  it('reads a real Snappy file written by pyarrow', async () => {
    const { table, format, warnings } = await readParquet(await fileSource(SIMPLE));
    expect([format, warnings]).toEqual(['parquet', []]);
    expect(table.columns.map((c) => [c.name, c.type])).toEqual([['A', 'integer'], ['B', 'categorical']]);
    expect(rows(table)).toEqual([{ A: 1, B: 'foo' }, { A: 2, B: 'foo' }, { A: 3, B: 'foo' }]);
  });

  it('reads several row groups with nulls, counting rows per row group read', async () => {
    const events: ReadProgress[] = [];
    const { table } = await readParquet(tiny(), { onProgress: (p) => events.push(p) });
    expect(table.rowCount).toBe(N);
    expect(table.columns.map((c) => [c.name, c.type])).toEqual([['n', 'integer'], ['x', 'float'], ['cat', 'categorical'], ['ok', 'boolean']]);
    expect(table.columns.map(missingCount)).toEqual([20, 0, 10, 0]);
    expect(rows(table, 697, 1)).toEqual([{ n: 67, x: 697 / 8, cat: 'b', ok: false }]);
    expect(rows(table, 7, 1)).toEqual([{ n: null, x: 7 / 8, cat: 'b', ok: false }]);
    expect([...new Set(events.map((e) => e.rows))]).toEqual([0, 300, 600, 900, 1000]); // rows counted per row group read
    expect(events.at(-1)!.done).toBe(events.at(-1)!.total);
  });

  it('reports decoding progress from the start and column by column, never going back, up to the file size', async () => {
    const events: ReadProgress[] = [];
    const source = tiny();
    await readParquet(source, { onProgress: (p) => events.push(p) });
    expect(events[0]).toEqual({ stage: 'read', done: 0, total: source.size, rows: 0 }); // before the first row group decodes
    // 4 row groups × 4 columns, each chunk over 1% of the file: a step per column, then once more at the end.
    expect(events.length).toBeGreaterThanOrEqual(4 * 4 + 1);
    for (let i = 1; i < events.length; i++) {
      expect(events[i].done).toBeGreaterThanOrEqual(events[i - 1].done);
      expect(events[i].rows).toBeGreaterThanOrEqual(events[i - 1].rows);
    }
    expect(events.filter((e) => e.rows === 0).length).toBeGreaterThan(1); // moving inside the first row group
    expect(events.at(-1)).toEqual({ stage: 'read', done: source.size, total: source.size, rows: N });
  });

  it('reaches the total when a row limit stops after the first row group', async () => {
    const events: ReadProgress[] = [];
    const source = tiny();
    await readParquet(source, { rowLimit: 250, onProgress: (p) => events.push(p) });
    // The last group read (rows 0–299, trimmed to 250) is the whole of the work: the bar ends full.
    expect(events.filter((e) => e.rows > 0).every((e) => e.done === source.size)).toBe(true);
  });

  it('columns and rowLimit select part of the file', async () => {
    const { table, warnings } = await readParquet(tiny(), { columns: ['cat', 'x'], rowLimit: 450 });
    expect([table.rowCount, table.columns.map((c) => c.name)]).toEqual([450, ['cat', 'x']]);
    expect(warnings).toEqual(['Read the first 450 of 1000 rows.']);
    expect((await fails(readParquet(tiny(), { columns: ['nope'] }))).code).toBe('invalid-argument');
  });

  it('inferTypes: false gives string columns', async () => {
    const { table } = await readParquet(tiny(), { inferTypes: false, rowLimit: 2 });
    expect(rows(table)).toEqual([{ n: '0', x: '0', cat: 'a', ok: 'true' }, { n: '1', x: '0.125', cat: 'b', ok: 'false' }]);
  });

  it('the real flights-3m file (ZSTD): reads the first rows of chosen columns, quickly', async () => {
    const md = parquetMetadata(readFileSync(FLIGHTS).buffer as ArrayBuffer);
    expect(Number(md.num_rows)).toBe(3_000_000);
    expect(md.row_groups.length).toBe(11);
    const t0 = performance.now();
    const { table, format } = await readParquet(await fileSource(FLIGHTS), { columns: ['delay', 'origin', 'destination'], rowLimit: 1000 });
    expect(format).toBe('parquet');
    expect(table.rowCount).toBe(1000);
    expect(table.columns.map((c) => [c.name, c.kind])).toEqual([['delay', 'numeric'], ['origin', 'string'], ['destination', 'string']]);
    const origin = table.columns[1];
    if (origin.kind !== 'string') throw new Error('origin should be a string column');
    expect(origin.dictionary.every((code) => /^[A-Z]{3}$/.test(code))).toBe(true);
    expect(performance.now() - t0).toBeLessThan(10_000);
  });

  it('a codec with no decompressor available is refused with a clear message', async () => {
    const e = await fails(readParquet(await fileSource(FLIGHTS), { columns: ['delay'], rowLimit: 10, compressors: {} }));
    expect(e.code).toBe('unsupported-format');
    expect(e.message).toMatch(/compressed with ZSTD/);
  });

  describe('corrupt files: invalid-parquet', () => {
    it('magic bytes but no valid footer', async () => {
      const bytes = new TextEncoder().encode('PAR1 this is not really parquet at all PAR1');
      const e = await fails(readParquet(bytesSource('c.parquet', bytes)));
      expect(e.code).toBe('invalid-parquet');
      expect(e.message).toMatch(/metadata \(footer\) could not be read/);
    });
    it('truncated', async () => {
      const bytes = new Uint8Array(readFileSync(SIMPLE)).slice(0, 1500);
      expect((await fails(readParquet(bytesSource('t.parquet', bytes)))).message).toMatch(/"PAR1" marker/);
    });
    it('damaged data pages', async () => {
      const bytes = tinyParquet(COLUMNS, 300);
      for (let i = 4; i < 200; i++) bytes[i] = 0xff;
      const e = await fails(readParquet(bytesSource('d.parquet', bytes)));
      expect(e.code).toBe('invalid-parquet');
      expect(e.message).toMatch(/row group 1 of 4 could not be decoded/);
    });
    it('not parquet at all, and empty', async () => {
      expect((await fails(readParquet(bytesSource('x.parquet', 'a,b\n1,2\n')))).code).toBe('invalid-parquet');
      expect((await fails(readParquet(bytesSource('x.parquet', '')))).code).toBe('empty-file');
    });
  });

  it('too large and cancelled', async () => {
    expect((await fails(readParquet(tiny(), { maxBytes: 100 }))).code).toBe('too-large');
    expect((await fails(readParquet(tiny(), { signal: AbortSignal.abort() }))).code).toBe('cancelled');
  });

  it('readTable: by extension, and by PAR1 magic whatever the name', async () => {
    expect((await readTable(tiny('t.parquet'))).format).toBe('parquet');
    expect((await readTable(tiny('export.csv'))).table.rowCount).toBe(N);
    expect((await readTable(tiny('blob'))).format).toBe('parquet');
    expect((await readTable(await fileSource(SIMPLE, 'download'))).table.rowCount).toBe(3);
  });

  it('readTable names formats it does not read (spreadsheets, ZIP, gzip) instead of calling them binary', async () => {
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0]);
    for (const [name, data] of [['book.ods', 'a,b\n1,2\n'], ['export.csv', zip], ['data.csv', new Uint8Array([0x1f, 0x8b, 8, 0])]] as const) {
      const e = await fails(readTable(bytesSource(name, data)));
      expect(e.code).toBe('unsupported-format');
      expect(e.message).toMatch(/Enclave reads CSV, TSV, JSON/);
    }
  });

  it('keeps both columns of a file that repeats a column name, each with its own values (the second renamed a.1)', async () => {
    const cols: TinyColumn[] = [
      { name: 'a', kind: 'int32', values: [1, 2, 3, 4, 5] },
      { name: 'b', kind: 'string', values: ['p', 'q', 'r', 's', 't'] },
      { name: 'a', kind: 'double', values: [0.5, null, 2.5, 3.5, 4.5] },
    ];
    for (const groupSize of [5, 2]) {
      const { table, warnings } = await readParquet(bytesSource('dup.parquet', tinyParquet(cols, groupSize)));
      expect(table.columns.map((c) => [c.name, c.type])).toEqual([['a', 'integer'], ['b', 'categorical'], ['a.1', 'float']]);
      expect(rows(table).map((r) => [r.a, r['a.1']])).toEqual([[1, 0.5], [2, null], [3, 2.5], [4, 3.5], [5, 4.5]]);
      expect(warnings).toEqual(['Column 3 ("a") was renamed "a.1".']);
    }
    // Asking for the repeated name reads both.
    const { table } = await readParquet(bytesSource('dup.parquet', tinyParquet(cols, 5)), { columns: ['a'] });
    expect(rows(table)[0]).toEqual({ a: 1, 'a.1': 0.5 });
  });
});
