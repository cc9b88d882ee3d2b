/**
 * bench/prepare: `npm run bench:prepare` [-- --runs N] [--no-breakdown] [--port N]
 *
 *   1. generates the seeded 1,000,000-row CSV when missing (bench/prepare/generate.ts),
 *   2. builds the studio when build/index.html is missing, serves build/ (aggregator/server.ts: COOP/COEP/CSP as in
 *      production) and opens it in headless Chromium,
 *   3. (a) in a dedicated module Worker on that origin (worker-entry.ts, bundled by esbuild): reads the CSV into a Table
 *      once (not timed), then times prepareTable(table, RECIPE, { split: { seed: 42 } }) N times (default 2) — split,
 *      fit on train, apply to validation/test, validate — and then the same work piece by piece (the breakdown),
 *   4. (b) /usr/bin/python3 bench/prepare/sklearn_prepare.py: read_csv once (not timed), then N times two stratified
 *      train_test_split calls (60/20/20) + a ColumnTransformer fitted on train and applied to all three splits,
 *   5. prints a report and, last, one JSON line.
 *
 * Best (fastest) run of each side: ratio = a / b with a = the whole prepareTable (what a person runs: it includes the
 * validation — schema, anomalies, drift — that sklearn does not do); ratio_pipeline = a_pipeline / b with a_pipeline =
 * prepareTable's split + fit + apply alone (from its own progress marks in the same runs): the like-for-like figure.
 */
import { TreeSampler, type MemoryStats } from '../ingest/memory.ts';
import { cleanupAll, ensureBuild, onCleanup, startServer } from '../ingest/serve.ts';
import { bundleWorker, CHROMIUM, CHROMIUM_ARGS, chromiumVersion, FreshProfile, serveWorker } from '../shared/chromium.ts';
import { runPython } from '../shared/python.ts';
import { ensureData, type DataInfo } from './generate.ts';
import type { PrepareTiming } from './pipeline.ts';
import type { WorkerRequest, WorkerResult } from './worker-entry.ts';

const WORKER_PATH = '/__bench/prepare-worker.js';
const ARGS = [...CHROMIUM_ARGS, '--js-flags=--expose-gc'];

const argv = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? Number(argv[i + 1]) : fallback;
};
const RUNS = Math.max(1, option('--runs', 2));
const log = (s = '') => console.log(s);
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;

// ---- (a) Chromium worker -----------------------------------------------------------------------------------------
async function inChromium(base: string, data: DataInfo, code: string): Promise<{ result: WorkerResult; memory: MemoryStats; baselineRss: number }> {
  const profile = new FreshProfile('enclave-bench-prepare-');
  const sampler = new TreeSampler(profile.dir, 100, 10);
  profile.beforeClose = () => sampler.stop();
  onCleanup(() => profile.close());
  try {
    const context = await profile.launch(ARGS);
    await serveWorker(context, base, WORKER_PATH, code);
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => { if (m.text().startsWith('[bench] ')) log(`    ${m.text().slice(8)}`); });
    page.on('pageerror', (e) => log(`    page error: ${e.message}`));
    sampler.start();
    await page.goto(base + '/', { waitUntil: 'load' });
    await page.waitForTimeout(1000); // hydration and first paints done before the baseline
    const baselineRss = sampler.sampleNow().rss;
    sampler.reset();
    await page.evaluate(() => document.body.insertAdjacentHTML('beforeend', '<input type="file" id="bench-prepare-file">'));
    await page.locator('#bench-prepare-file').setInputFiles(data.path);
    const request = { runs: RUNS, breakdown: !argv.includes('--no-breakdown') };
    const result = await page.evaluate(({ url, request }) => new Promise<WorkerResult>((resolve) => {
      const worker = new Worker(url, { type: 'module' });
      worker.onmessage = (e) => {
        if (e.data.log) console.log(`[bench] ${e.data.log}`);
        if (e.data.result) { resolve(e.data.result); worker.terminate(); }
      };
      worker.onerror = (e) => resolve({ ok: false, error: e.message || 'the worker did not start', runs: [], breakdown: [], userAgent: '', cores: 0, isolated: false });
      const file = (document.getElementById('bench-prepare-file') as HTMLInputElement).files![0];
      worker.postMessage({ ...request, file } satisfies WorkerRequest);
    }), { url: WORKER_PATH, request });
    const memory = sampler.stop();
    if (!result.ok) throw new Error(`the worker failed: ${result.error}`);
    return { result, memory, baselineRss };
  } finally {
    await profile.close();
  }
}

// ---- (b) pandas + scikit-learn -----------------------------------------------------------------------------------
interface SklearnRun { seconds: number; split_seconds: number; fit_seconds: number; transform_seconds: number; shapes: number[][]; classes_train: Record<string, number> }
interface SklearnResult { best: SklearnRun; runs: SklearnRun[]; read_seconds: number; rows: number; peak_rss_bytes: number; pandas: string; numpy: string; sklearn: string; python: string }

function inSklearn(csv: string): SklearnResult {
  return runPython('the scikit-learn run', 'prepare/sklearn_prepare.py', [csv, String(RUNS)], ['ignore', 'pipe', 'pipe']);
}

// ---- main --------------------------------------------------------------------------------------------------------
async function main() {
  log('# bench/prepare');
  const data = ensureData(log);
  ensureBuild(false, log);
  const code = await bundleWorker('bench/prepare/worker-entry.ts', 'esm');
  const base = await startServer(option('--port', 4393));
  log(`server: ${base}`);
  log(`(a) prepareTable in a module Worker in headless Chromium, ${RUNS} runs ...`);
  const a = await inChromium(base, data, code);
  await cleanupAll(); // browser closed already; stop the server before (b)
  log(`(b) pandas + scikit-learn, ${RUNS} runs in one process (read_csv once, not timed) ...`);
  const b = inSklearn(data.path);
  for (const [i, r] of b.runs.entries()) log(`    run ${i + 1}/${RUNS}: ${r.seconds.toFixed(2)} s (split ${r.split_seconds.toFixed(2)} + fit_transform train ${r.fit_seconds.toFixed(2)} + transform val/test ${r.transform_seconds.toFixed(2)})`);

  const runs = a.result.runs;
  const best = runs.reduce((x, y) => (y.totalMs < x.totalMs ? y : x));
  const bestPipeline = runs.reduce((x, y) => (y.pipelineMs < x.pipelineMs ? y : x));
  const aSec = best.totalMs / 1000, aPipe = bestPipeline.pipelineMs / 1000, bSec = b.best.seconds;
  const ratio = aSec / bSec, ratioPipeline = aPipe / bSec;
  const version = chromiumVersion() ?? a.result.userAgent;
  const shape = (r: PrepareTiming) => `${r.rows.join(' / ')} rows × ${r.columns} columns (${r.columns - 1} features + target)`;

  log('\n## Report');
  log(`data        ${data.path}: ${data.bytes.toLocaleString('en')} bytes, ${data.rows.toLocaleString('en')} rows × ${data.columns} columns (seed ${data.seed}); classes ${JSON.stringify(data.classes)}`);
  log(`machine     ${a.result.cores} cores (navigator), Node ${process.version}, Chromium ${version} (${CHROMIUM}, crossOriginIsolated ${a.result.isolated}), pandas ${b.pandas} / numpy ${b.numpy} / scikit-learn ${b.sklearn} / Python ${b.python}`);
  log(`recipe      impute median *numeric → scale minmax *numeric → impute most_frequent *categorical → onehot *categorical (target "label"); split stratified 60/20/20, seed 42`);
  log(`(a) studio  prepareTable ${runs.map((r) => sec(r.totalMs)).join(', ')} → best ${sec(best.totalMs)} = split ${sec(best.splitMs)} + fit ${sec(best.fitMs)} + apply ${sec(best.applyMs)} + validate ${sec(best.validateMs)}`);
  log(`            pipeline alone (split + fit + apply) ${runs.map((r) => sec(r.pipelineMs)).join(', ')} → best ${sec(bestPipeline.pipelineMs)}`);
  log(`            out: ${shape(best)}; split method ${best.method}, train classes ${JSON.stringify(best.trainClasses)}; anomalies: ${best.anomalies.join(', ') || 'none'}; (read, not timed: ${sec(a.result.readMs!)})`);
  log(`(b) sklearn ${b.runs.map((r) => `${r.seconds.toFixed(2)} s`).join(', ')} → best ${bSec.toFixed(2)} s = split ${b.best.split_seconds.toFixed(2)} + fit_transform(train) ${b.best.fit_seconds.toFixed(2)} + transform(val, test) ${b.best.transform_seconds.toFixed(2)}`);
  log(`            out: ${b.best.shapes.map((s) => s.join('×')).join(' / ')}; train classes ${JSON.stringify(b.best.classes_train)}; (read_csv, not timed: ${b.read_seconds.toFixed(2)} s)`);
  log(`ratio a/b            ${ratio.toFixed(2)}  (goal ≤ 1.0: ${ratio <= 1 ? 'met' : 'NOT met'})  — the whole prepare, validation included`);
  log(`ratio a_pipeline/b   ${ratioPipeline.toFixed(2)}  (${ratioPipeline <= 1 ? 'met' : 'NOT met'})  — like for like: split + fit + apply`);
  log(`memory      Chromium peak summed RSS ${mb(a.memory.peakRss)} (${mb(a.baselineRss)} after page load; at the peak: ${Object.entries(a.memory.peakByType).map(([k, v]) => `${k} ${mb(v)}`).join(', ')}); Python peak RSS ${mb(b.peak_rss_bytes)}`);
  if (a.result.breakdown.length) {
    log('\n## Where the time goes (Chromium worker, each piece timed alone, one pass after the runs)');
    for (const [name, ms, detail] of a.result.breakdown) log(`${name.padEnd(58)} ${ms.toFixed(0).padStart(6)} ms  ${detail}`);
  }
  log(JSON.stringify({
    a_seconds: +aSec.toFixed(3),
    a_pipeline_seconds: +aPipe.toFixed(3),
    b_seconds: +bSec.toFixed(3),
    ratio: +ratio.toFixed(3),
    ratio_pipeline: +ratioPipeline.toFixed(3),
    rows: data.rows,
  }));
}

main().catch(async (err) => {
  console.error(`bench/prepare failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  await cleanupAll();
  process.exit(1);
});
