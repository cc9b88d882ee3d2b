/**
 * The headless runner's second CSV reader (bin/csv-part.ts): a worker thread parses the file's second half. The table
 * read in two halves must be exactly the one a single pass reads; a failure in the thread arrives as a typed error.
 */
import { mkdtempSync, openAsBlob, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvPartReader } from '../../bin/csv-part.ts';
import { readTable } from '../../src/lib/core/io/index.ts';
import type { ByteSource } from '../../src/lib/core/io/source.ts';
import { seeded } from '../../src/lib/core/random.ts';
import { fails } from './errors.ts';

async function source(path: string): Promise<ByteSource> {
  const blob = await openAsBlob(path);
  return { name: 'big.csv', size: blob.size, stream: () => blob.stream() as ReadableStream<Uint8Array>, slice: (a, b) => blob.slice(a, b) };
}

describe('the CLI reads a large CSV in two threads', () => {
  it('gives the table one pass gives (numbers, text with quotes, missing cells, booleans)', async () => {
    const rng = seeded(3);
    const rows = ['id,price,color,ok'];
    for (let i = 0; i < 20_000; i++)
      rows.push([i + 1, rng.next() < 0.05 ? '' : (rng.next() * 1000).toFixed(2), ['red', '"blue, dark"', 'NA', ''][Math.floor(rng.next() * 4)], rng.next() < 0.5 ? 'true' : 'false'].join(','));
    const path = join(mkdtempSync(join(tmpdir(), 'enclave-csv-part-')), 'big.csv');
    writeFileSync(path, rows.join('\n') + '\n');
    let asked = 0;
    const reader = csvPartReader(path)!;
    expect(reader).toBeTypeOf('function'); // this machine has 2 cores
    const halves = await readTable(await source(path), { splitCsv: (r) => (asked++, reader(r)), splitMinBytes: 0 });
    const whole = await readTable(await source(path), {});
    expect(asked).toBe(1);
    expect(halves.table.rowCount).toBe(20_000);
    expect(halves.table).toEqual(whole.table);
  }, 60_000);

  it('rejects with a typed error when the thread cannot read the file', async () => {
    const reader = csvPartReader(join(tmpdir(), 'no-such-enclave-file.csv'))!;
    const e = await fails(reader({ start: 10, delimiter: ',', names: ['a'] }));
    expect(e.message).toMatch(/unable to open file|no such file|ENOENT/i);
  }, 60_000);
});
