/**
 * Hostile shapes (issue 9, items 4 and 10): files whose shape, not size, used to cost gigabytes or overflow the stack.
 * Memory is checked by counting the bytes of every typed array created while reading (the readers keep cells in
 * typed arrays, so this is their memory, deterministically, without wall-clock or GC-dependent measures).
 * bench/ingest/probes.ts prints wall time and peak RSS for the same shapes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readCsv } from '../../src/lib/core/io/csv.ts';
import { readJson } from '../../src/lib/core/io/json.ts';
import { MAX_ABSENT_CELLS, MAX_COLUMNS, MAX_JSON_DEPTH } from '../../src/lib/core/io/limits.ts';
import { bytesSource } from '../../src/lib/core/io/source.ts';
import { rows } from '../../src/lib/core/table.ts';
import { fails } from './errors.ts';

const KINDS = ['Int8Array', 'Uint8Array', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array'] as const;
const g = globalThis as unknown as Record<string, unknown>;
const originals = new Map(KINDS.map((k) => [k, g[k]]));
let allocated = 0;

/** Counts the bytes of each typed array constructed from now until `stopCounting` (subarray views count as new arrays too: an overestimate). */
function startCounting(): void {
  allocated = 0;
  for (const k of KINDS) {
    const Base = originals.get(k) as new (...args: unknown[]) => ArrayBufferView;
    g[k] = class extends Base {
      constructor(...args: unknown[]) {
        super(...args);
        if (typeof args[0] === 'number' || Array.isArray(args[0])) allocated += this.byteLength;
      }
    };
  }
}
function stopCounting(): void {
  for (const k of KINDS) g[k] = originals.get(k);
}
afterEach(stopCounting);

function wideCsv(columns: number, rowCount: number): string {
  const lines = [Array.from({ length: columns }, (_, i) => `c${i + 1}`).join(',')];
  for (let r = 0; r < rowCount; r++) lines.push(Array.from({ length: columns }, (_, i) => String((i + r) % 10)).join(','));
  return lines.join('\n') + '\n';
}

describe.each(['fast', 'papa'] as const)('wide CSV files cost memory for their cells, not their columns (engine: %s)', (engine) => {
  it('reads 10,000 columns × 3 rows allocating under 400 bytes of typed arrays per cell', async () => {
    const text = wideCsv(10_000, 3);
    startCounting();
    const { table } = await readCsv(bytesSource('wide.csv', text), { engine });
    stopCounting();
    expect([table.rowCount, table.columns.length]).toEqual([3, 10_000]);
    expect(rows(table)[2].c10000).toBe((9_999 + 2) % 10);
    // Before: a 4,096-entry cell cache and 1,024-row buffers per column, ~150 KB a column (1.5 GB here).
    expect(allocated / 30_000).toBeLessThan(400);
  });

  it(`refuses a header of 100,000 columns, naming the limit of ${MAX_COLUMNS.toLocaleString('en-US')} (MAX_COLUMNS)`, async () => {
    const text = wideCsv(100_000, 1);
    startCounting();
    const err = await fails(readCsv(bytesSource('wider.csv', text), { engine }));
    stopCounting();
    expect(err.code).toBe('too-large');
    expect(err.message).toContain('65,536');
    expect(err.message).toContain('MAX_COLUMNS');
    expect(err.detail).toMatchObject({ limit: MAX_COLUMNS });
    expect(allocated).toBeLessThan(64 << 20);
  });
});

describe('JSON records that each bring new keys', () => {
  it('refuses 10,000 records each with a key of its own (a table of 100,000,000 mostly empty cells), naming MAX_ABSENT_CELLS, without allocating it', async () => {
    let text = '';
    for (let i = 0; i < 10_000; i++) text += `{"k${i}":${i % 10}}\n`;
    startCounting();
    const err = await fails(readJson(bytesSource('sparse.ndjson', text)));
    stopCounting();
    expect(err.code).toBe('too-large');
    expect(err.message).toContain('MAX_ABSENT_CELLS');
    expect(err.message).toContain(MAX_ABSENT_CELLS.toLocaleString('en-US'));
    // Refused once absent cells pass the limit: about √20M ≈ 4,473 records in, having stored only their values.
    expect(err.detail).toMatchObject({ records: 4_473, fields: 4_473 });
    expect(allocated).toBeLessThan(64 << 20);
  });

  it('reads moderately sparse records, filling the absent keys in as missing (work per record is its own fields)', async () => {
    const recs = [{ a: 1 }, { b: 'x' }, { a: 3, c: true }, {}, { b: 'y' }];
    const { table } = await readJson(bytesSource('r.json', recs.map((r) => JSON.stringify(r)).join('\n')));
    expect(rows(table)).toEqual([
      { a: 1, b: null, c: null },
      { a: null, b: 'x', c: null },
      { a: 3, b: null, c: true },
      { a: null, b: null, c: null },
      { a: null, b: 'y', c: null },
    ]);
  });

  it(`refuses one record with more than MAX_COLUMNS fields`, async () => {
    const rec: Record<string, number> = {};
    for (let i = 0; i <= MAX_COLUMNS; i++) rec[`f${i}`] = i;
    const err = await fails(readJson(bytesSource('wide.json', JSON.stringify([rec]))));
    expect(err.code).toBe('too-large');
    expect(err.message).toContain('MAX_COLUMNS');
  });
});

describe('deeply nested JSON', () => {
  const deep = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
  const arrays = (depth: number) => '['.repeat(depth) + '1' + ']'.repeat(depth);

  it.each([
    ['an array of records', `[{"id":1,"x":2},{"id":2,"x":${deep(10_000)}}]`, 'r.json', 'record 2'],
    ['JSON Lines', `{"id":1,"x":2}\n{"id":2,"x":${arrays(10_000)}}\n`, 'r.ndjson', 'line 2'],
    ['one object', deep(10_000), 'r.json', 'line 1'],
  ])('refuses a value nested 10,000 deep in %s with a clear error naming the depth limit and where', async (_what, text, name, where) => {
    const err = await fails(readJson(bytesSource(name, text)));
    expect(err.code).toBe('invalid-json');
    expect(err.message).toContain(`${MAX_JSON_DEPTH.toLocaleString('en-US')} levels`);
    expect(err.message).toContain(where);
    expect(err.message).not.toMatch(/call stack/i);
  });

  it('keeps a value nested as deep as the limit, as its JSON text, and refuses one level more', async () => {
    const inner = deep(MAX_JSON_DEPTH);
    const { table } = await readJson(bytesSource('r.json', `[{"x":${inner}}]`));
    expect(rows(table)[0].x).toBe(inner);
    const err = await fails(readJson(bytesSource('r.json', `[{"x":${deep(MAX_JSON_DEPTH + 1)}}]`)));
    expect(err.code).toBe('invalid-json');
  });

  it('refuses deep nesting in a file read without type inference too', async () => {
    const err = await fails(readJson(bytesSource('r.json', `[{"x":${deep(5_000)}}]`), { inferTypes: false }));
    expect(err.code).toBe('invalid-json');
  });
});
