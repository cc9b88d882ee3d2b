import { describe, expect, it } from 'vitest';
import { readTable } from '../../src/lib/core/io/index.ts';
import { findJsonError } from '../../src/lib/core/io/json-error.ts';
import { readJson } from '../../src/lib/core/io/json.ts';
import { bytesSource, type ByteSource } from '../../src/lib/core/io/source.ts';
import { rows } from '../../src/lib/core/table.ts';
import { fails } from './errors.ts';

const src = (name: string, data: string | Uint8Array, chunk: number | (() => number) = 1 << 16) => bytesSource(name, data, chunk);

const RECORDS = [
  { name: 'Ada', age: 36, member: true, joined: '2020-01-05' },
  { name: 'Bob', age: null, extra: { nested: [1, 2] } },
  { age: 41.5, name: 'Cy', member: false },
];

describe('readJson', () => {
  it('an array of records: union of keys in first-seen order, missing where a record lacks a key', async () => {
    const { table, format, warnings } = await readJson(src('r.json', JSON.stringify(RECORDS, null, 2)));
    expect([format, warnings]).toEqual(['json', []]);
    expect(table.columns.map((c) => [c.name, c.type])).toEqual([
      ['name', 'categorical'], ['age', 'float'], ['member', 'boolean'], ['joined', 'datetime'], ['extra', 'categorical'],
    ]);
    expect(rows(table)).toEqual([
      { name: 'Ada', age: 36, member: true, joined: '2020-01-05T00:00:00.000Z', extra: null },
      { name: 'Bob', age: null, member: null, joined: null, extra: '{"nested":[1,2]}' },
      { name: 'Cy', age: 41.5, member: false, joined: null, extra: null },
    ]);
  });

  it('NDJSON / JSON Lines, streamed in small chunks, with blank lines and CRLF', async () => {
    const text = RECORDS.map((r) => JSON.stringify(r)).join('\r\n\r\n') + '\n';
    for (const chunk of [1, 5, 1 << 16]) {
      const { table } = await readJson(src('r.ndjson', text, chunk));
      expect(rows(table)).toEqual(rows((await readJson(src('r.json', JSON.stringify(RECORDS)))).table));
    }
  });

  it('a single pretty-printed object is one record; a wrapper object uses its array of records', async () => {
    expect(rows((await readJson(src('o.json', '{\n  "a": 1,\n  "b": "x"\n}\n'))).table)).toEqual([{ a: 1, b: 'x' }]);
    const res = await readJson(src('w.json', JSON.stringify({ meta: { n: 2 }, data: [{ a: 1 }, { a: 2 }] }, null, 1)));
    expect(rows(res.table)).toEqual([{ a: 1 }, { a: 2 }]);
    expect(res.warnings).toEqual(['Read the records from the "data" field of the top-level object.']);
  });

  it('a BOM and surrounding whitespace are fine', async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('\n  [{"a": 1}]  \n')]);
    expect(rows((await readJson(src('b.json', bytes))).table)).toEqual([{ a: 1 }]);
  });

  it('empty and duplicate-after-trim keys are renamed with warnings', async () => {
    const res = await readJson(src('k.json', '[{"": 1, "a": 2, " a": 3}]'));
    expect(res.table.columns.map((c) => c.name)).toEqual(['column_1', 'a', 'a.1']);
    expect(res.warnings).toHaveLength(2);
  });

  it('inferTypes: false keeps values as text', async () => {
    const { table } = await readJson(src('r.json', '[{"a": 1, "b": "NA", "c": null}]'), { inferTypes: false });
    expect(rows(table)).toEqual([{ a: '1', b: 'NA', c: null }]);
  });

  describe('invalid JSON names the line and column', () => {
    it.each([
      ['[\n  {"a": 1},\n  {"a": 2,}\n]', 3, 11, /property name/],
      ['[\n  {"a": 1}\n  {"a": 2}\n]', 3, 3, /expected ',' or '\]'/],
      ['[{"a": "unterminated}]', 1, 8, /never closed/],
      ['[{"a": tru}]', 1, 8, /expected a value/],
      ['[{"a": 1}', 1, 10, /ends before/],
      ['{\n "a": 1\n "b": 2\n}', 3, 2, /expected ',' or '\}'/],
    ])('%j', async (text, line, column, what) => {
      const e = await fails(readJson(src('bad.json', text)));
      expect(e.code).toBe('invalid-json');
      expect(e.message).toContain(`line ${line}, column ${column}`);
      expect(e.message).toMatch(what);
      expect(e.detail).toEqual({ line, column });
    });

    it('in NDJSON, the bad line of the file', async () => {
      const e = await fails(readJson(src('bad.ndjson', '{"a": 1}\n{"a": 2}\n\n{"a": 3,, }\n{"a": 4}\n')));
      expect(e.code).toBe('invalid-json');
      expect(e.message).toMatch(/line 4, column 9/);
    });

    it('records that are not objects', async () => {
      expect((await fails(readJson(src('n.json', '[{"a":1}, 2]')))).message).toMatch(/Item 2 of the array is a number/);
      expect((await fails(readJson(src('n.ndjson', '{"a":1}\n[1]\n')))).message).toMatch(/Line 2 holds an array/);
      expect((await fails(readJson(src('n.json', '"just a string"')))).message).toMatch(/holds a string, not records/);
    });
  });

  it('empty input: empty-file', async () => {
    for (const text of ['', '   \n', '[]', '[ ]\n']) expect((await fails(readJson(src('e.json', text)))).code).toBe('empty-file');
    expect((await fails(readJson(src('e.json', '[{}, {}]')))).code).toBe('empty-file');
  });

  it('binary, too large and cancelled', async () => {
    expect((await fails(readJson(src('b.json', new Uint8Array([0x7b, 0, 0, 1, 2]))))).code).toBe('binary-file');
    expect((await fails(readJson(src('big.json', '[' + '{"a":1},'.repeat(100) + '{"a":1}]'), { maxBytes: 100 }))).code).toBe('too-large');
    expect((await fails(readJson(src('c.json', '[{"a":1}]'), { signal: AbortSignal.abort() }))).code).toBe('cancelled');
  });

  it('findJsonError accepts valid JSON and pinpoints errors', () => {
    for (const ok of ['[]', '{}', '[1, -2.5e3, "a\\n\\u00e9", true, false, null, {"x": [{}]}]', ' {"a" : [ ] } ']) expect(findJsonError(ok)).toBeNull();
    expect(findJsonError('[1,]')).toMatchObject({ offset: 3, message: "expected a value but found ']'" });
    expect(findJsonError('{"a":1} x')).toMatchObject({ offset: 8 });
    expect(findJsonError('["a\nb"]')).toMatchObject({ line: 1, column: 4 });
    expect(findJsonError('[' .repeat(100000))).toMatchObject({ message: "the file ends before a '[' is closed" });
  });
});

describe('readTable sniffs JSON', () => {
  it('by extension and by the first byte', async () => {
    expect((await readTable(src('x.jsonl', '{"a":1}\n'))).format).toBe('json');
    expect((await readTable(src('data', '  [{"a":1}]'))).format).toBe('json');
    expect((await readTable(src('data.dat', '{"a":1}\n{"a":2}'))).table.rowCount).toBe(2);
  });
  it('works on a stream-only source (no slice): the peeked bytes are replayed', async () => {
    const s = src('data', '[' + Array.from({ length: 5000 }, (_, i) => `{"i":${i}}`).join(',') + ']', 100);
    const streamOnly: ByteSource = { name: s.name, size: s.size, stream: () => s.stream() };
    expect((await readTable(streamOnly)).table.rowCount).toBe(5000);
  });
  it('works on a Blob', async () => {
    const blob = new Blob(['[{"a": 1}, {"a": 2}]']);
    const file: ByteSource = Object.assign(blob, { name: 'x' });
    expect((await readTable(file)).table.rowCount).toBe(2);
  });
});
