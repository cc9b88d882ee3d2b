/**
 * bench/predict: `npm run bench:predict` [-- --runs N] [--sklearn-runs N] [--backends wasm,cpu,webgl] [--no-breakdown] [--port N]
 *   (BENCH_DEBUG=1: every console message of the page)
 *
 *   1. generates the seeded tables when missing (generate.ts: 1,000,000 rows to score, 20,000 to train on) and trains
 *      the model once in Node when missing (model.ts: trainPipeline, recipe impute/scale/one-hot, MLP [64, 32]),
 *   2. (b) /usr/bin/python3 bench/predict/sklearn_predict.py: the same model as a scikit-learn Pipeline (every fitted
 *      number copied from the saved model), predict_proba on all rows, N runs with BLAS as it comes and N held to one
 *      thread (the best of either is the headline) — before the browsers and after (the
 *      machine is shared and its load moves by the minute): the best of both,
 *   3. (a) serves build/ (aggregator/server.ts: COOP/COEP/CSP as in production) and, per backend, a fresh headless
 *      Chromium: in a dedicated module Worker on that origin (worker-entry.ts, bundled by esbuild) reads the CSV (not
 *      timed), then predictTable on the whole Table — a warm-up, then N timed runs — then the breakdown,
 *   4. checks that both sides give the same probabilities on the first 1,000 rows (max |Δ| ≤ 1e-5),
 *   5. prints rows/s per backend and its ratio to scikit-learn (goal ≥ 1.0) and, last, one JSON line.
 *
 * rows/s = 1,000,000 / seconds of the whole predictTable call (recipe, matrix, forward pass, probabilities read back
 * and shaped per row) or of the whole Pipeline.predict_proba call. Best (fastest) run of each; reading is not timed.
 */
import type { Plugin } from 'esbuild';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { basename, join } from 'node:path';
import type { BackendName } from '../../src/lib/ml/backend.ts';
import { cleanupAll, ensureBuild, onCleanup, ROOT, startServer } from '../ingest/serve.ts';
import { bundleWorker, CHROMIUM_ARGS, chromiumVersion, FreshProfile, SAME_ORIGIN_HEADERS } from '../shared/chromium.ts';
import { runPython } from '../shared/python.ts';
import { ensureTable, type TableFile } from './generate.ts';
import { ensureModel, MODEL_PATH, type ModelFile } from './model.ts';
import type { WorkerRequest, WorkerResult } from './worker-entry.ts';

const CHECK_ROWS = 1000, TOLERANCE = 1e-5, GOAL = 1.0;
const WASM_DIR = join(ROOT, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
const P = { worker: '/__bench/predict-worker.js', wasm: '/__bench/wasm/' };
const ARGS = [...CHROMIUM_ARGS, '--js-flags=--expose-gc'];

const argv = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
};
const RUNS = Math.max(1, Number(option('--runs', '3')));
const SK_RUNS = Math.max(1, Number(option('--sklearn-runs', '3')));
const BACKENDS = option('--backends', 'wasm').split(',') as BackendName[];
const log = (s = '') => console.log(s);
const fmt = (x: number) => Math.round(x).toLocaleString('en');
const ms = (x: number) => `${x.toFixed(0)} ms`;

/** The app imports the WASM binaries as Vite `?url` assets; here they are answered by a route under P.wasm. */
const urlAssets: Plugin = {
  name: 'url-assets',
  setup(b) {
    b.onResolve({ filter: /\?url$/ }, (a) => ({ path: basename(a.path.replace(/\?url$/, '')), namespace: 'url-asset' }));
    b.onLoad({ filter: /.*/, namespace: 'url-asset' }, (a) => ({ contents: `export default ${JSON.stringify(P.wasm + a.path)};`, loader: 'js' }));
  },
};

const failed = (error: string): WorkerResult => ({ ok: false, error, runs: [], userAgent: '', cores: 0, isolated: false });

// ---- (a) Chromium worker, one fresh browser per backend ------------------------------------------------------------
async function inChromium(base: string, data: TableFile, saved: ModelFile, backend: BackendName, code: string): Promise<WorkerResult> {
  const profile = new FreshProfile('enclave-bench-predict-');
  onCleanup(() => profile.close());
  try {
    const context = await profile.launch(ARGS);
    // The CSP's worker-src 'self' rules out a blob: worker, so the bundle is answered on the studio's own origin.
    await context.route(`${base}/__bench/**`, (route) => {
      const path = new URL(route.request().url()).pathname;
      if (path === P.worker) return route.fulfill({ status: 200, contentType: 'text/javascript', headers: SAME_ORIGIN_HEADERS, body: code });
      if (path.startsWith(P.wasm)) return route.fulfill({ status: 200, contentType: 'application/wasm', headers: SAME_ORIGIN_HEADERS, body: readFileSync(join(WASM_DIR, basename(path))) });
      return route.fulfill({ status: 404, body: 'not found' });
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => { if (m.text().startsWith('[bench] ')) log(`    ${m.text().slice(8)}`); });
    if (process.env.BENCH_DEBUG) page.on('console', (m) => log(`    console: ${m.text()}`));
    page.on('pageerror', (e) => log(`    page error: ${e.message}`));
    await page.goto(base + '/', { waitUntil: 'load' });
    await page.waitForTimeout(1000); // hydration done before the worker starts
    // The CSV goes in as a File, as a person's upload would (the worker reads it; not timed).
    await page.evaluate(() => document.body.insertAdjacentHTML('beforeend', '<input type="file" id="bench-predict-file">'));
    await page.locator('#bench-predict-file').setInputFiles(data.path);
    const request: Omit<WorkerRequest, 'file'> = {
      backend, model: saved.model, card: saved.card, runs: RUNS, checkRows: CHECK_ROWS, breakdown: !argv.includes('--no-breakdown'), wasmPaths: P.wasm,
    };
    return await page.evaluate(({ url, request }) => new Promise<WorkerResult>((resolve) => {
      const worker = new Worker(url, { type: 'module' });
      worker.onmessage = (e) => {
        if (e.data.log) console.log(`[bench] ${e.data.log}`);
        if (e.data.result) { resolve(e.data.result); worker.terminate(); }
      };
      worker.onerror = (e) => resolve({ ok: false, error: e.message || 'the worker did not start', runs: [], userAgent: '', cores: 0, isolated: false });
      const file = (document.getElementById('bench-predict-file') as HTMLInputElement).files![0];
      worker.postMessage({ ...request, file });
    }), { url: P.worker, request });
  } finally {
    await profile.close();
  }
}

// ---- (b) scikit-learn ----------------------------------------------------------------------------------------------
interface BlasPool { user_api: string; internal_api: string; version: string | null; num_threads: number; threading_layer?: string | null; architecture?: string | null }
interface SklearnResult {
  rows: number; read_seconds: number; seconds: number[]; one_thread_seconds: number[]; best: number; best_threads: string; rows_per_second: number; transform_seconds: number; mlp_seconds: number;
  matrix: [number, number]; dtype: string; predicted_share: number[]; head: number[]; blas: BlasPool[] | null; sklearn: string; numpy: string; pandas: string; python: string;
}

const runsOf = (r: SklearnResult) => `${r.seconds.map((s) => s.toFixed(3)).join(', ')} s; 1 BLAS thread ${r.one_thread_seconds.map((s) => s.toFixed(3)).join(', ')} s`;

function inSklearn(data: TableFile): SklearnResult {
  return runPython('the scikit-learn run', 'predict/sklearn_predict.py', [data.path, MODEL_PATH, String(SK_RUNS), String(CHECK_ROWS)]);
}

// ---- main ----------------------------------------------------------------------------------------------------------
async function main() {
  log('# bench/predict');
  const data = ensureTable('score', log);
  const saved = await ensureModel(log);
  ensureBuild(false, log);
  const code = await bundleWorker('bench/predict/worker-entry.ts', 'esm', [urlAssets]);
  const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');
  const loads = [load()];
  log(`(b) scikit-learn Pipeline.predict_proba, ${SK_RUNS} runs in one process (before the browsers) ...`);
  const b0 = inSklearn(data);
  log(`    ${runsOf(b0)} (read_csv ${b0.read_seconds.toFixed(2)} s, not timed)`);
  const base = await startServer(Number(option('--port', '4396')));
  log(`server: ${base}`);
  const results = new Map<BackendName, WorkerResult>();
  for (const backend of BACKENDS) {
    log(`(a) ${backend}: predictTable in a module Worker in headless Chromium, warm-up + ${RUNS} runs ...`);
    let r: WorkerResult;
    try {
      r = await inChromium(base, data, saved, backend, code);
    } catch (e) {
      r = failed(e instanceof Error ? e.message : String(e));
    }
    if (!r.ok) log(`    ${backend} failed: ${r.error}`);
    results.set(backend, r);
  }
  await cleanupAll(); // browsers closed already; stop the server before (b)
  log(`(b) scikit-learn Pipeline.predict_proba, ${SK_RUNS} runs in one process (after the browsers) ...`);
  const b1 = inSklearn(data);
  log(`    ${runsOf(b1)}`);
  loads.push(load());
  const b = b1.best <= b0.best ? b1 : b0;
  const bRate = b.rows_per_second;

  const version = chromiumVersion() ?? '?';
  const any = [...results.values()].find((r) => r.ok);
  const blas = b.blas?.find((p) => p.user_api === 'blas');
  const units = (saved.model.spec.hyperparameters as { units: number[] }).units;
  log('\n## Report');
  log(`data        ${data.path}: ${data.rows.toLocaleString('en')} rows × ${data.columns} columns (12 floats ~3% empty, 3 categoricals of 10 levels ~2% empty, a 0/1 label), seed ${data.seed}`);
  log(`model       ${MODEL_PATH}: recipe impute mean / most frequent → standard scale → one-hot (${saved.card.features.length} features), MLP ${[saved.card.features.length, ...units, 2].join('-')} relu + softmax; trained once on ${saved.report.rows.train.toLocaleString('en')} rows (${saved.report.backend}/${saved.report.engine}, ${saved.report.epochs} epochs, test accuracy ${((saved.report.testAccuracy ?? 0) * 100).toFixed(1)}%)`);
  log(`machine     ${any?.cores ?? '?'} cores (navigator), Node ${process.version}, Chromium ${version} (crossOriginIsolated ${any?.isolated}), scikit-learn ${b.sklearn} / numpy ${b.numpy} / pandas ${b.pandas} / Python ${b.python}`);
  log(`            BLAS: ${blas ? `${blas.internal_api} ${blas.version} (${blas.architecture}), ${blas.num_threads} threads (${blas.threading_layer})` : 'threadpoolctl not available'}`);
  log(`load avg    ${loads.join(' → ')} (1, 5, 15 min; at the start → at the end)`);
  log(`(b) sklearn before: ${runsOf(b0)} · after: ${runsOf(b1)} → best ${b.best.toFixed(3)} s (${b.best_threads === '1' ? 'BLAS held to 1 thread' : `BLAS's default ${blas?.num_threads ?? '?'} threads`}) = ${fmt(bRate)} rows/s`);
  log(`            of which ColumnTransformer.transform ${ms(b.transform_seconds * 1000)} + MLP predict_proba ${ms(b.mlp_seconds * 1000)} (best of 2 separate passes, same BLAS threads as the best run), ${b.dtype} ${b.matrix.join(' × ')}`);

  const json: Record<string, unknown> = { rows: data.rows, load_avg: loads, sklearn_rows_per_second: Math.round(bRate), sklearn_seconds: +b.best.toFixed(4), sklearn_blas_threads: b.best_threads === '1' ? 1 : blas?.num_threads ?? null };
  log('\nbackend   rows/s       ratio   best s   runs (s)                 max |Δp| vs sklearn (first 1,000 rows)   runs on');
  let bestName = '', bestRatio = 0, allClose = true;
  for (const backend of BACKENDS) {
    const r = results.get(backend)!;
    if (!r.ok || !r.runs.length) {
      log(`${backend.padEnd(9)} failed: ${r.error}`);
      json[backend] = null;
      allClose = false;
      continue;
    }
    const best = Math.min(...r.runs);
    const rate = r.rows! / best, ratio = rate / bRate;
    const head = r.head ?? [];
    let diff = head.length === b.head.length ? 0 : Infinity;
    for (let i = 0; i < head.length && i < b.head.length; i++) diff = Math.max(diff, Math.abs(head[i] - b.head[i]));
    const close = diff <= TOLERANCE;
    allClose &&= close;
    if (ratio > bestRatio) (bestRatio = ratio), (bestName = backend);
    json[backend] = { rows_per_second: Math.round(rate), ratio: +ratio.toFixed(3), seconds: +best.toFixed(4), max_abs_diff: diff, predicted_share: r.predictedShare };
    log(`${backend.padEnd(9)} ${fmt(rate).padStart(9)}   ${ratio.toFixed(3).padStart(6)}   ${best.toFixed(3).padStart(6)}   ${r.runs.map((x) => x.toFixed(3)).join(', ').padEnd(24)} ` +
      `${diff.toExponential(2)} (${close ? 'ok' : `OVER ${TOLERANCE}`})${' '.repeat(18)} ${r.detail || r.active} (warm-up ${r.warmupSeconds?.toFixed(2)} s; read ${r.readSeconds?.toFixed(1)} s untimed)`);
    log(`          predicted share ${r.predictedShare?.map((x) => (x * 100).toFixed(2) + '%').join(' / ')} (sklearn ${b.predicted_share.map((x) => (x * 100).toFixed(2) + '%').join(' / ')})`);
  }
  log(`\nbest backend ${bestName || 'none'}: ratio ${bestRatio.toFixed(3)}  (goal ≥ ${GOAL.toFixed(1)}: ${bestRatio >= GOAL ? 'met' : 'NOT met'}); probabilities ${allClose ? `agree within ${TOLERANCE}` : 'DO NOT agree'}`);

  for (const backend of BACKENDS) {
    const p = results.get(backend)?.breakdown;
    if (!p) continue;
    const n = results.get(backend)!.rows!;
    log(`\n## Where the time goes: ${backend} (one more predictTable, piece by piece)`);
    log(`matrix        ${ms(p.fusedMs)} (the app's road for this recipe: fusedFeatureMatrix, source columns → row-major float32)`);
    const gflops = (2 * p.macsPerRow * n) / (p.predictMs * 1e6);
    log(`predict       ${ms(p.predictMs)} (model.predict: upload + forward + read back, 8,192-row batches; ${(2 * p.macsPerRow * n / 1e9).toFixed(2)} GFLOP → ${gflops.toFixed(1)} GFLOP/s)`);
    log(`output        ${ms(p.outputMs)} (argmax, class names, one number[] of probabilities per row)`);
    log(`total         ${ms(p.totalMs)}`);
    log(`general road  ${ms(p.recipeMs + p.matrixMs)} for recipes with other steps: ${p.steps.map((s) => `${s.kind} ${s.columns} ${ms(s.ms)}`).join(' · ')} · featureMatrix ${ms(p.matrixMs)} (same matrix: ${p.sameMatrix})`);
    log(`batch size    ${p.forwardMsByBatch.map((f) => `${f.batch}: ${ms(f.ms)}`).join(' · ')} (the predict loop alone)`);
    json[`${backend}_breakdown`] = { fused_matrix_ms: +p.fusedMs.toFixed(1), recipe_ms: +p.recipeMs.toFixed(1), steps_ms: p.steps.map((s) => +s.ms.toFixed(1)), matrix_ms: +p.matrixMs.toFixed(1), predict_ms: +p.predictMs.toFixed(1), output_ms: +p.outputMs.toFixed(1), forward_ms_by_batch: Object.fromEntries(p.forwardMsByBatch.map((f) => [f.batch, +f.ms.toFixed(1)])), same_matrix: p.sameMatrix };
  }
  json.sklearn_breakdown = { transform_ms: +(b.transform_seconds * 1000).toFixed(1), mlp_ms: +(b.mlp_seconds * 1000).toFixed(1) };
  json.best_backend = bestName || null;
  json.best_ratio = +bestRatio.toFixed(3);
  json.goal_met = bestRatio >= GOAL;
  json.probabilities_agree = allClose;
  log(JSON.stringify(json));
  if (!allClose) process.exitCode = 1;
}

main().catch(async (err) => {
  console.error(`bench/predict failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  await cleanupAll();
  process.exit(1);
});
