/**
 * Hostile-shape probes for the readers (issue 9, items 4 and 10): tiny files whose shape, not size, used to cost
 * gigabytes or overflow the stack. Each file is read in a child process of its own (so its peak memory is its own),
 * and the probe prints the outcome, wall time and peak resident memory per file.
 *
 *   node --import tsx bench/ingest/probes.ts            read each probe (readTable), as the importer does
 *   node --import tsx bench/ingest/probes.ts --profile  also hash and profile the table, as `enclave profile` does
 *
 * Files (written to bench/ingest/data/probes/, regenerated each run: they take milliseconds):
 *   wide-100k.csv     a header of 100,000 columns and one row (889 KB)
 *   wide-10k-3.csv    10,000 columns × 3 rows
 *   wide-65k-1.csv    65,536 columns × 1 row (the widest a table may be: MAX_COLUMNS)
 *   sparse.ndjson     10,000 lines, each bringing a key no earlier line had (129 KB)
 *   sparse-4k.ndjson  the same with 4,000 lines: 16,000,000 cells, just under MAX_ABSENT_CELLS (read)
 *   deep.json         one object nested 10,000 deep
 *   deep.ndjson       two records, the second nested 10,000 deep
 * A child gets CHILD_TIMEOUT_S seconds and a V8 heap of CHILD_HEAP_MB; past either it is reported as killed.
 * The peer, in the same run: pandas reading the same file (read_csv, read_json; with --profile also describe()), timed
 * and measured the same way (/usr/bin/time), with the ratio of wall times (Enclave / pandas).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openAsBlob, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PYTHON } from '../shared/python.ts';

const DIR = join(dirname(fileURLToPath(import.meta.url)), 'data', 'probes');
const CHILD_TIMEOUT_S = Number(process.env.PROBE_TIMEOUT_S ?? 120);
const CHILD_HEAP_MB = 8192;

function wideCsv(columns: number, rows: number): string {
  const header = Array.from({ length: columns }, (_, i) => `c${i + 1}`).join(',');
  const lines = [header];
  for (let r = 0; r < rows; r++) lines.push(Array.from({ length: columns }, (_, i) => String((i * 7 + r) % 10)).join(','));
  return lines.join('\n') + '\n';
}

function sparseNdjson(lines: number): string {
  let out = '';
  for (let i = 0; i < lines; i++) out += `{"k${i}":${i % 10}}\n`;
  return out;
}

function deep(depth: number): string {
  return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

const PROBES: [name: string, make: () => string][] = [
  ['wide-100k.csv', () => wideCsv(100_000, 1)],
  ['wide-10k-3.csv', () => wideCsv(10_000, 3)],
  ['wide-65k-1.csv', () => wideCsv(65_536, 1)],
  ['sparse.ndjson', () => sparseNdjson(10_000)],
  ['sparse-4k.ndjson', () => sparseNdjson(4_000)],
  ['deep.json', () => `[{"id":1,"x":${deep(10_000)}}]`],
  ['deep.ndjson', () => `{"id":1,"x":2}\n{"id":2,"x":${deep(10_000)}}\n`],
];

/** In the child: read one file (and, with `profile`, hash and profile it); print one JSON line. */
async function child(path: string, profile: boolean): Promise<void> {
  const { readTable } = await import('../../src/lib/core/io/index.ts');
  const { toErrorShape } = await import('../../src/lib/core/errors.ts');
  const t0 = performance.now();
  let outcome: Record<string, unknown>;
  try {
    const blob = await openAsBlob(path);
    const { table, warnings } = await readTable({ name: basename(path), size: blob.size, stream: () => blob.stream() as ReadableStream<Uint8Array> });
    outcome = { ok: true, rows: table.rowCount, columns: table.columns.length, warnings: warnings.length };
    if (profile) {
      const { hashTable } = await import('../../src/lib/core/hash.ts');
      const { profileTable } = await import('../../src/lib/core/profile.ts');
      await hashTable(table);
      profileTable(table);
    }
  } catch (err) {
    const e = toErrorShape(err);
    outcome = { ok: false, code: e.code, message: e.message };
  }
  const seconds = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ ...outcome, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
}

/** pandas on the same file in a child process: [seconds, peak RSS MB, outcome] or null when pandas is missing. */
function pandasPeer(path: string, profile: boolean): { seconds: number; rss: number; outcome: string } | null {
  const read = path.endsWith('.csv') ? 'pd.read_csv(p)' : path.endsWith('.ndjson') ? 'pd.read_json(p, lines=True)' : 'pd.read_json(p)';
  const script = `import sys, pandas as pd\np = sys.argv[1]\ntry:\n  df = ${read}\n${profile ? '  df.describe(include="all")\n' : ''}  print("read: %d rows x %d columns" % df.shape)\nexcept Exception as e:\n  print("refused: %s: %s" % (type(e).__name__, str(e)[:80]))`;
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %M', PYTHON, '-c', script, path], { encoding: 'utf8', timeout: CHILD_TIMEOUT_S * 1000 });
  if (r.status !== 0 && /No module named/.test(r.stderr ?? '')) return null;
  const timed = /TIME ([\d.]+) (\d+)/.exec(r.stderr ?? '');
  const outcome = r.error ? 'killed (timeout)' : (r.stdout.trim().split('\n').pop() ?? `exit ${r.status}`);
  return { seconds: timed ? Number(timed[1]) : NaN, rss: timed ? Number(timed[2]) / 1024 : NaN, outcome };
}

function parent(profile: boolean): void {
  mkdirSync(DIR, { recursive: true });
  const useTime = existsSync('/usr/bin/time');
  console.log(`probe${' '.repeat(12)}bytes   outcome${' '.repeat(94)}seconds  peak RSS (MB)${profile ? '   [read + hash + profile]' : '   [read]'}`);
  for (const [name, make] of PROBES) {
    const path = join(DIR, name);
    const text = make();
    writeFileSync(path, text);
    const args = [`--max-old-space-size=${CHILD_HEAP_MB}`, '--stack-size=984', '--import', 'tsx', fileURLToPath(import.meta.url), '--child', path, ...(profile ? ['--profile'] : [])];
    const cmd = useTime ? '/usr/bin/time' : process.execPath;
    const r = spawnSync(cmd, useTime ? ['-f', 'TIME %e %M', process.execPath, ...args] : args, { encoding: 'utf8', timeout: CHILD_TIMEOUT_S * 1000, maxBuffer: 64 << 20 });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    const timed = /TIME ([\d.]+) (\d+)/.exec(r.stderr ?? '');
    let outcome = r.error ? `killed (${(r.error as NodeJS.ErrnoException).code ?? r.error.message})` : r.status !== 0 ? `crashed (exit ${r.status}${r.signal ? `, ${r.signal}` : ''})` : '';
    let seconds = timed ? Number(timed[1]) : NaN;
    let rss = timed ? Number(timed[2]) / 1024 : NaN;
    if (!outcome) {
      try {
        const o = JSON.parse(line);
        outcome = o.ok ? `read: ${o.rows} rows × ${o.columns} columns, ${o.warnings} warnings` : `refused: ${o.code}: ${String(o.message).slice(0, 120)}`;
        if (!timed) { seconds = o.seconds; rss = o.maxRssMb; }
      } catch {
        outcome = `no result (${(r.stderr ?? '').trim().split('\n').slice(-1)[0]?.slice(0, 100)})`;
      }
    }
    console.log(`${name.padEnd(16)} ${String(text.length).padStart(8)}   ${outcome.slice(0, 100).padEnd(100)} ${seconds.toFixed(2).padStart(8)}  ${rss.toFixed(0).padStart(8)}`);
    const peer = useTime ? pandasPeer(path, profile) : null;
    if (peer) console.log(`${'  pandas'.padEnd(16)} ${''.padStart(8)}   ${peer.outcome.slice(0, 100).padEnd(100)} ${peer.seconds.toFixed(2).padStart(8)}  ${peer.rss.toFixed(0).padStart(8)}   ratio ${(seconds / peer.seconds).toFixed(2)}`);
  }
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') await child(argv[1], argv.includes('--profile'));
else parent(argv.includes('--profile'));
