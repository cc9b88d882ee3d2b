/**
 * Where the studio's import time goes, stage by stage, with the same core code in Node (V8 as in Chromium, no worker,
 * no IndexedDB): `node --import tsx bench/ingest/stages.ts [--papa] [--runs N] [--csv PATH]`
 *
 *   read     readTable(fs.openAsBlob(csv)) with engine 'fast' (the default) and, with --papa, 'papa'
 *   hash     hashTable(table); and, to split it, SHA-256 alone (crypto.subtle, 16 MiB pieces) over as many bytes
 *   profile  profileTable(table), and each piece of it: every column, duplicate rows, the correlation matrix
 *
 * The store's save (Dexie/IndexedDB) is not run here: fake-indexeddb would measure a JavaScript stand-in, not the
 * browser; bench/ingest/run.ts reports the browser's 'save' stage from the page's progress bar instead.
 */
import { openAsBlob, statSync } from 'node:fs';
import { basename } from 'node:path';
import { ensureData } from './generate.ts';
import { readTable } from '../../src/lib/core/io/index.ts';
import type { ByteSource } from '../../src/lib/core/io/source.ts';
import { hashTable } from '../../src/lib/core/hash.ts';
import { profileTable } from '../../src/lib/core/profile.ts';
import { profileBoolean, profileIdentifier, profileString } from '../../src/lib/core/profile/categorical.ts';
import { pearsonMatrix } from '../../src/lib/core/profile/correlation.ts';
import { duplicateRows } from '../../src/lib/core/profile/duplicates.ts';
import { firstAppearance } from '../../src/lib/core/profile/first-appearance.ts';
import { profileNumeric } from '../../src/lib/core/profile/numeric.ts';
import type { NumericColumn, Table } from '../../src/lib/core/table.ts';

const argv = process.argv.slice(2);
const RUNS = Math.max(1, Number(argv[argv.indexOf('--runs') + 1]) || 1);
/** Another CSV to break down (e.g. a variant of the benchmark file); default: the benchmark's own. */
const CSV = argv.includes('--csv') ? argv[argv.indexOf('--csv') + 1] : null;
const ms = (t: number) => `${t.toFixed(0).padStart(6)} ms`;

async function time<T>(fn: () => Promise<T> | T): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await fn();
  return [r, performance.now() - t0];
}

async function source(path: string): Promise<ByteSource> {
  const blob = await openAsBlob(path);
  return { name: basename(path), size: blob.size, stream: () => blob.stream() as ReadableStream<Uint8Array>, slice: (a, b) => blob.slice(a, b) };
}

async function sha256Only(bytes: number): Promise<number> {
  const piece = new Uint8Array(16 << 20).fill(7);
  const t0 = performance.now();
  for (let left = bytes; left > 0; left -= piece.length) await crypto.subtle.digest('SHA-256', piece.subarray(0, Math.min(left, piece.length)));
  return performance.now() - t0;
}

function canonicalBytes(t: Table): number {
  return t.columns.reduce((s, c) => s + t.rowCount * (1 + (c.kind === 'numeric' ? 8 : 4)), 0);
}

async function main() {
  const data = CSV ? { path: CSV, bytes: statSync(CSV).size, rows: NaN } : ensureData(() => undefined);
  console.log(`# stage breakdown in Node ${process.version} — ${data.path} (${data.bytes.toLocaleString('en')} bytes, ${data.rows.toLocaleString('en')} rows)`);
  for (let run = 1; run <= RUNS; run++) {
    if (RUNS > 1) console.log(`\n## run ${run}/${RUNS}`);
    const [fast, readFast] = await time(async () => readTable(await source(data.path), { engine: 'fast' }));
    const table = fast.table;
    console.log(`read (fast)     ${ms(readFast)}   ${(data.bytes / 1e6 / (readFast / 1000)).toFixed(0)} MB/s; columns: ${table.columns.map((c) => `${c.name}:${c.type}`).join(' ')}`);
    if (argv.includes('--papa')) {
      const [papa, readPapa] = await time(async () => readTable(await source(data.path), { engine: 'papa' }));
      console.log(`read (papa)     ${ms(readPapa)}   (${papa.table.rowCount.toLocaleString('en')} rows)`);
    }

    const [, hashMs] = await time(() => hashTable(table));
    const bytes = canonicalBytes(table);
    const digestMs = await sha256Only(bytes);
    const [, faMs] = await time(() => { for (const c of table.columns) if (c.kind === 'string') firstAppearance(c, table.rowCount); });
    console.log(`hash            ${ms(hashMs)}   of which SHA-256 alone over ${(bytes / 2 ** 20).toFixed(0)} MiB ≈ ${digestMs.toFixed(0)} ms, firstAppearance of string columns ≈ ${faMs.toFixed(0)} ms, the rest (canonical bytes, copies) ≈ ${(hashMs - digestMs - faMs).toFixed(0)} ms`);

    const [, profileMs] = await time(() => profileTable(table));
    console.log(`profile         ${ms(profileMs)}`);
    const n = table.rowCount;
    for (const col of table.columns) {
      const [, t] = await time(() => {
        if (col.kind === 'string') profileString(col, n, 10);
        else if (col.type === 'boolean') profileBoolean(col, n, 10);
        else if (col.type === 'identifier') profileIdentifier(col, n, 10);
        else profileNumeric(col as NumericColumn & { type: 'integer' | 'float' | 'datetime' }, n, 20);
      });
      console.log(`  ${col.name.padEnd(13)} ${ms(t)}   ${col.type}`);
    }
    const [, dupMs] = await time(() => duplicateRows(table));
    console.log(`  ${'duplicates'.padEnd(13)} ${ms(dupMs)}`);
    const measured = table.columns.filter((c): c is NumericColumn => c.kind === 'numeric' && (c.type === 'integer' || c.type === 'float'));
    const [, corrMs] = await time(() => pearsonMatrix(measured, n));
    console.log(`  ${'correlations'.padEnd(13)} ${ms(corrMs)}   (${measured.length} columns)`);
    console.log(`total read+hash+profile (fast) ${ms(readFast + hashMs + profileMs)}`);
  }
  const mu = process.memoryUsage();
  console.log(`\nNode RSS now ${(mu.rss / 2 ** 20).toFixed(0)} MiB (heap ${(mu.heapUsed / 2 ** 20).toFixed(0)} MiB, array buffers ${(mu.arrayBuffers / 2 ** 20).toFixed(0)} MiB)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
