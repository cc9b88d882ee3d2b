import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { rows, rowArrays, type Table } from '../../src/lib/core/table.ts';
import { importFile, preview } from '../../src/lib/jobs/import-job.ts';
import { createDb } from '../../src/lib/store/db.ts';

describe('columns named like JavaScript internals', () => {
  const table = (): Table => ({
    rowCount: 2,
    columns: [
      { kind: 'numeric', name: '__proto__', type: 'integer', values: new Float64Array([1, 2]), valid: new Uint8Array([1, 1]) },
      { kind: 'string', name: 'constructor', type: 'categorical', codes: new Int32Array([0, 1]), dictionary: ['a', 'b'], valid: new Uint8Array([1, 1]) },
      { kind: 'numeric', name: 'toString', type: 'integer', values: new Float64Array([3, 4]), valid: new Uint8Array([1, 1]) }
    ]
  });

  it('rows() makes "__proto__" a field of each record, not its prototype', () => {
    const t = table();
    expect(t.columns.map((c) => c.name)).toEqual(['__proto__', 'constructor', 'toString']);
    const [first] = rows(t);
    expect(Object.keys(first)).toEqual(['__proto__', 'constructor', 'toString']);
    expect(Object.getOwnPropertyDescriptor(first, '__proto__')?.value).toBe(1);
    expect(Object.getPrototypeOf(first)).toBe(Object.prototype);
    expect(rowArrays(t)).toEqual([[1, 'a', 3], [2, 'b', 4]]);
  });

  it('the data preview shows the values of a column named "__proto__"', async () => {
    const database = createDb(`keys-${crypto.randomUUID()}`);
    const blob = new Blob(['__proto__,constructor\n1,a\n2,b\n']);
    const { hash } = await importFile({ file: { name: 'keys.csv', size: blob.size, stream: () => blob.stream() } }, { database });
    const p = await preview(hash, 0, 10, database);
    expect(p.rows).toEqual([[1, 'a'], [2, 'b']]);
    database.close();
    await database.delete();
  });
});

describe('error details with keys from data', () => {
  it('keep a "__proto__" key as a key', async () => {
    const { EnclaveError } = await import('../../src/lib/core/errors.ts');
    const detail = JSON.parse('{"__proto__": {"polluted": true}, "column": "x"}');
    const e = new EnclaveError('invalid-argument', 'bad', detail);
    expect(Object.keys(e.detail!)).toEqual(['__proto__', 'column']);
    expect((e.detail as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('cells that read like JavaScript internals', () => {
  it('"constructor", "toString" and "__proto__" cells are text, not booleans', async () => {
    const { ColumnBuilder, parseBoolean } = await import('../../src/lib/core/infer.ts');
    for (const s of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) expect(parseBoolean(s)).toBeNaN();
    const b = new ColumnBuilder('word');
    for (const s of ['constructor', 'toString', 'constructor']) b.pushText(s);
    expect(b.finish()).toMatchObject({ kind: 'string', dictionary: ['constructor', 'toString'], codes: new Int32Array([0, 1, 0]) });
    const flags = new ColumnBuilder('flag');
    for (const s of ['true', 'valueOf']) flags.pushText(s);
    expect(flags.finish()).toMatchObject({ kind: 'string', dictionary: ['true', 'valueOf'] });
  });
});
