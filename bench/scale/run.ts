/**
 * bench/scale (issue 14, first increment: headless only):
 *   `npm run bench:scale -- [FILE] [--rows N] [--seed N] [--enclave DIR]`
 *
 *   1. the CSV: FILE, or bench/scale/data/scale-<N>.csv from generate.ts (seeded; --rows N, default 5,000,000 rows ×
 *      20 columns, ~562 MB), generated when missing; then read once to /dev/null so both sides find it in the page cache,
 *   2. (a) Enclave headless: `node --import tsx bin/enclave.ts train FILE --target label --algorithm logistic [--seed N]`
 *      as a child process — wall time and peak RSS of the process, and the stage timing from its JSON (timing.prepareMs,
 *      trainMs, evaluateMs; "start-up + read" is the wall time less totalMs: Node + tsx + tfjs start-up and the CSV read),
 *   3. (b) the peer: `/usr/bin/python3 bench/scale/sklearn_train.py FILE SEED` (pandas read_csv, a stratified 60/20/20
 *      split, impute/scale/one-hot by a ColumnTransformer with its defaults — so sparse output —, LogisticRegression
 *      lbfgs, accuracy), wall time and peak RSS the same way, its stage times from its JSON ("start-up + read": the wall
 *      time less the timed stages, plus read_csv),
 *      (--enclave DIR: the bin/enclave.ts of another checkout, e.g. `git archive HEAD` unpacked with node_modules
 *      linked in, so that the figures are those of a commit while this tree has uncommitted work),
 *   4. prints a table, the ratios (Enclave ÷ peer: time, peak memory; test accuracy difference in points) against the
 *      issue's goals (every ratio ≤ 1.0, peak ≤ the peer's, test accuracy within 0.1 point), and, last, one JSON line.
 *
 * Peak RSS: /usr/bin/time -f %M (the kernel's ru_maxrss of the child: its whole peak), else VmHWM from
 * /proc/<pid>/status polled every 50 ms. One run of each side (a 5M run takes minutes); the machine is shared, so the
 * load average is printed before, between and after. The import in Chromium (the issue's first row) is not measured
 * by this script: bench/scale/browser.ts (`npm run bench:scale:browser`) runs import, prepare and train in Chromium.
 */
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureData, parseRows, TARGET } from './generate.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PYTHON = process.env.PANDAS_PYTHON ?? '/usr/bin/python3';
const TIME = '/usr/bin/time';
const log = (s = '') => console.log(s);

interface Measured {
  stdout: string;
  wallSeconds: number;
  peakRssBytes: number;
  /** How the peak was read. */
  rssBy: 'time' | 'VmHWM';
}

/** Runs `cmd args` in ROOT; its wall time and peak RSS; throws with its stderr when it fails. */
export function measure(what: string, cmd: string, args: string[], cwd = ROOT): Promise<Measured> {
  const useTime = existsSync(TIME);
  const dir = mkdtempSync(join(tmpdir(), 'bench-scale-'));
  const timeOut = join(dir, 'time.txt');
  const [file, argv] = useTime ? [TIME, ['-o', timeOut, '-f', '%M', cmd, ...args]] : [cmd, args];
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const child = spawn(file, argv, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [], err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    let hwm = 0;
    const poll = useTime ? null : setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) hwm = Math.max(hwm, Number(m[1]) * 1024);
      } catch { /* exited */ }
    }, 50);
    child.on('error', fail);
    child.on('close', (code) => {
      const wallSeconds = (performance.now() - t0) / 1000;
      if (poll) clearInterval(poll);
      let peak = hwm;
      if (useTime) {
        const kib = Number(readFileSync(timeOut, 'utf8').trim().split('\n').at(-1));
        peak = kib * 1024;
      }
      rmSync(dir, { recursive: true, force: true });
      if (code !== 0) return fail(new Error(`${what} failed (exit ${code}): ${Buffer.concat(err).toString().slice(-4000)}`));
      done({ stdout: Buffer.concat(out).toString(), wallSeconds, peakRssBytes: peak, rssBy: useTime ? 'time' : 'VmHWM' });
    });
  });
}

interface EnclaveReport {
  algorithm: string;
  timing: { prepareMs: number; trainMs: number; evaluateMs: number; totalMs: number };
  metrics: Record<'train' | 'validation' | 'test', { accuracy: number }>;
  rows: { total: number; train: number; validation: number; test: number };
  features: string[];
  epochs: number;
  stoppedEarly: boolean;
  hyperparameters: Record<string, unknown>;
  backend: string;
  warnings: string[];
}

export interface PeerReport {
  seconds: number;
  read_seconds: number;
  split_seconds: number;
  prepare_seconds: number;
  fit_seconds: number;
  score_seconds: number;
  accuracy: Record<'train' | 'validation' | 'test', number>;
  n_iter: number;
  rows: { total: number; train: number; validation: number; test: number };
  features: number;
  sparse: boolean;
  peak_rss_bytes: number;
  pandas: string;
  sklearn: string;
  numpy: string;
  python: string;
}

const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const gb = (b: number) => `${(b / 1e9).toFixed(2)} GB`;
const s = (x: number) => `${x.toFixed(1)} s`;
const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

export function warmCache(path: string): Promise<number> {
  const t0 = performance.now();
  return new Promise((done, fail) => {
    const r = createReadStream(path, { highWaterMark: 4 << 20 });
    r.on('data', () => undefined);
    r.on('end', () => done((performance.now() - t0) / 1000));
    r.on('error', fail);
  });
}

async function main() {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { rows: { type: 'string' }, seed: { type: 'string' }, enclave: { type: 'string' }, hyperparameters: { type: 'string' } } });
  const seed = values.seed ?? '42';
  const enclaveDir = resolve(values.enclave ?? ROOT);
  log('# bench/scale');
  const path = positionals[0] ? resolve(positionals[0]) : ensureData(parseRows(values.rows), log).path;
  const bytes = statSync(path).size;
  log(`file        ${path} (${bytes.toLocaleString('en')} bytes); page cache warmed in ${s(await warmCache(path))}`);
  const loads = [load()];

  log(`(a) enclave train ${basename(path)} --target ${TARGET} --algorithm logistic --seed ${seed}${enclaveDir === ROOT ? '' : ` (in ${enclaveDir})`} ...`);
  // --hyperparameters '{"optimizer":"lbfgs"}' measures logistic regression solved by L-BFGS instead of Adam.
  const extra = values.hyperparameters ? ['--hyperparameters', values.hyperparameters] : [];
  const a = await measure('enclave train', process.execPath, ['--import', 'tsx', 'bin/enclave.ts', 'train', path, '--target', TARGET, '--algorithm', 'logistic', '--seed', seed, ...extra], enclaveDir);
  const e = JSON.parse(a.stdout) as EnclaveReport;
  loads.push(load());
  log(`    ${s(a.wallSeconds)}, peak ${gb(a.peakRssBytes)}`);

  log(`(b) ${PYTHON} bench/scale/sklearn_train.py ${basename(path)} ${seed} ...`);
  const b = await measure('sklearn_train.py', PYTHON, [join(ROOT, 'bench', 'scale', 'sklearn_train.py'), path, seed]);
  const p = JSON.parse(b.stdout.trim().split('\n').at(-1)!) as PeerReport;
  loads.push(load());
  log(`    ${s(b.wallSeconds)}, peak ${gb(b.peakRssBytes)}`);

  const t = e.timing;
  const eStart = a.wallSeconds - t.totalMs / 1000;
  const pStart = b.wallSeconds - p.seconds + p.read_seconds; // interpreter + imports, then read_csv
  const eAcc = e.metrics.test.accuracy, pAcc = p.accuracy.test;
  const timeRatio = a.wallSeconds / b.wallSeconds;
  const memRatio = a.peakRssBytes / b.peakRssBytes;
  const accDiff = eAcc - pAcc; // fraction; × 100 = points
  const hp = e.hyperparameters;

  log('\n## Report');
  log(`data        ${e.rows.total.toLocaleString('en')} rows × 20 columns → train/validation/test ${e.rows.train}/${e.rows.validation}/${e.rows.test} (peer ${p.rows.train}/${p.rows.validation}/${p.rows.test}); features ${e.features.length} (peer ${p.features})`);
  log(`machine     ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}; pandas ${p.pandas}, scikit-learn ${p.sklearn}, numpy ${p.numpy}, Python ${p.python}`);
  log(`load avg    ${loads.join(' → ')} (1, 5, 15 min: start → after Enclave → after the peer)`);
  log(`enclave     ${e.algorithm} on ${e.backend}: ${e.epochs} epochs${e.stoppedEarly ? ' (stopped early)' : ''}, ${Object.entries(hp).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  log(`peer        ColumnTransformer → ${p.sparse ? 'sparse (CSR)' : 'dense'} float64, LogisticRegression lbfgs C=1.0: ${p.n_iter} iterations`);
  if (e.warnings.length) log(`warnings    ${e.warnings.join(' · ')}`);
  log('');
  log('| | Enclave headless | pandas + scikit-learn | ratio |');
  log('|---|---|---|---|');
  log(`| start-up + read | ${s(eStart)} | ${s(pStart)} (read_csv ${s(p.read_seconds)}) | ${(eStart / pStart).toFixed(2)} |`);
  log(`| split + prepare | ${s(t.prepareMs / 1000)} | ${s(p.split_seconds + p.prepare_seconds)} | ${(t.prepareMs / 1000 / (p.split_seconds + p.prepare_seconds)).toFixed(2)} |`);
  log(`| train | ${s(t.trainMs / 1000)} | ${s(p.fit_seconds)} | ${(t.trainMs / 1000 / p.fit_seconds).toFixed(2)} |`);
  log(`| evaluate | ${s(t.evaluateMs / 1000)} | ${s(p.score_seconds)} | ${(t.evaluateMs / 1000 / p.score_seconds).toFixed(2)} |`);
  log(`| **whole process (wall)** | **${s(a.wallSeconds)}** | **${s(b.wallSeconds)}** | **${timeRatio.toFixed(2)}** |`);
  log(`| **peak RSS** | **${gb(a.peakRssBytes)}** | **${gb(b.peakRssBytes)}** | **${memRatio.toFixed(2)}** |`);
  log(`| test accuracy | ${pct(eAcc)} | ${pct(pAcc)} | ${(accDiff * 100).toFixed(2)} points |`);
  log('');
  const goals = { time: timeRatio <= 1.0, memory: memRatio <= 1.0, accuracy: Math.abs(accDiff) <= 0.001 };
  log(`goals       time ratio ≤ 1.0: ${goals.time ? 'met' : 'NOT met'} (${timeRatio.toFixed(2)}) · peak ≤ the peer's: ${goals.memory ? 'met' : 'NOT met'} (${memRatio.toFixed(2)}) · test accuracy within 0.1 point: ${goals.accuracy ? 'met' : 'NOT met'} (${(accDiff * 100).toFixed(2)})`);
  log(JSON.stringify({
    file: basename(path), bytes, enclave_dir: enclaveDir, rows: e.rows.total, load_avg: loads, peak_rss_by: a.rssBy,
    enclave: { seconds: +a.wallSeconds.toFixed(2), read_and_start_seconds: +eStart.toFixed(2), prepare_seconds: +(t.prepareMs / 1000).toFixed(2), train_seconds: +(t.trainMs / 1000).toFixed(2), evaluate_seconds: +(t.evaluateMs / 1000).toFixed(2), peak_rss_bytes: a.peakRssBytes, test_accuracy: eAcc, epochs: e.epochs },
    peer: { seconds: +b.wallSeconds.toFixed(2), start_and_read_seconds: +pStart.toFixed(2), read_seconds: +p.read_seconds.toFixed(2), split_seconds: +p.split_seconds.toFixed(2), prepare_seconds: +p.prepare_seconds.toFixed(2), fit_seconds: +p.fit_seconds.toFixed(2), score_seconds: +p.score_seconds.toFixed(2), peak_rss_bytes: b.peakRssBytes, test_accuracy: pAcc, n_iter: p.n_iter },
    time_ratio: +timeRatio.toFixed(3), memory_ratio: +memRatio.toFixed(3), accuracy_difference_points: +(accDiff * 100).toFixed(3),
    goals_met: goals,
  }));
}

// Only when run, not when bench/scale/browser.ts imports measure() and warmCache() from here.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err) => {
    console.error(`bench/scale failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    process.exit(1);
  });
}
