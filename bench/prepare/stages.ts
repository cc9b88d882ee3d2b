/**
 * The studio side of bench/prepare in Node (V8 as in Chromium, no worker): `node --import tsx bench/prepare/stages.ts
 * [--runs N] [--no-breakdown]`. Same functions as the Chromium worker (pipeline.ts), for a quick look or a CPU profile:
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/prepare/stages.ts --runs 1 --no-breakdown
 * The figures that count are the Chromium worker's (bench/prepare/run.ts).
 */
import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import { readTable } from '../../src/lib/core/io/index.ts';
import { ensureData } from './generate.ts';
import { breakdown, timePrepare } from './pipeline.ts';

const argv = process.argv.slice(2);
const RUNS = Math.max(1, Number(argv[argv.indexOf('--runs') + 1]) || 2);
const ms = (t: number) => `${t.toFixed(0).padStart(6)} ms`;

async function main() {
  const data = ensureData(() => undefined);
  const blob = await openAsBlob(data.path);
  const t0 = performance.now();
  const { table } = await readTable({ name: basename(data.path), size: blob.size, stream: () => blob.stream() as ReadableStream<Uint8Array>, slice: (a, b) => blob.slice(a, b) }, { engine: 'fast' });
  console.log(`# prepare in Node ${process.version} — read ${table.rowCount.toLocaleString('en')} rows in ${ms(performance.now() - t0)} (not timed below); columns: ${table.columns.map((c) => `${c.name}:${c.type}`).join(' ')}`);
  for (let i = 1; i <= RUNS; i++) {
    const r = timePrepare(table);
    console.log(`run ${i}: prepareTable ${ms(r.totalMs)} = split ${ms(r.splitMs)} + fit ${ms(r.fitMs)} + apply ${ms(r.applyMs)} + validate ${ms(r.validateMs)}; pipeline alone ${ms(r.pipelineMs)}; out ${r.rows.join('/')} rows × ${r.columns} columns`);
  }
  if (argv.includes('--no-breakdown')) return;
  for (const [name, t, detail] of breakdown(table)) console.log(`${name.padEnd(58)} ${ms(t)}  ${detail}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
