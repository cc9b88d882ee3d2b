/**
 * bench/train: `npm run bench:train` [-- --runs N] [--webgpu-runs N] [--sklearn-runs N] [--backends webgpu,webgl,wasm,wasm-tfjs,cpu]
 *                                     [--profile webgl,wasm-tfjs,cpu (default)|…|none] [--port N]
 *   (BENCH_DEBUG=1: every console message, worker and request of the page)
 *
 *   1. generates the seeded 20,000 × 32 binary task when missing (bench/train/generate.ts),
 *   2. serves build/ (aggregator/server.ts: COOP/COEP/CSP as in production; built when missing) and, per backend, opens
 *      it in a fresh headless Chromium (WebGPU: on SwiftShader, with the flags below),
 *   3. (a) in a dedicated module Worker on that origin (worker-entry.ts, bundled by esbuild): trainModel (on 'wasm',
 *      Enclave's WebAssembly SIMD kernels, as in the app; 'wasm-tfjs' is the tfjs loop on the same backend) with the
 *      studio's mlp spec (units [64, 32], relu, adam, learningRate 0.001, batch 256, l2 1e-4 default, no validation
 *      set so no early stopping): one warm-up epoch, then N (default 3) timed trainings of 3 epochs; then, for the
 *      backends in --profile, where an epoch's time goes (profile.ts),
 *   4. (b) /usr/bin/python3 bench/train/sklearn_train.py: MLPClassifier, same architecture, batch, epochs, optimiser,
 *      learning rate and L2, 3 fits before the browsers and 3 after (the machine's load changes): the best of the 6,
 *   5. prints samples/s per backend and its ratio to scikit-learn, and, last, one JSON line.
 *
 * samples/s = 3 epochs × 20,000 rows / seconds of the whole trainModel call (upload, 3 epochs, weights read back) or
 * of the whole fit(). Best (fastest) run of each. Goal (the issue): best backend ≥ 1.5 × scikit-learn.
 */
import type { Plugin } from 'esbuild';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { basename, join } from 'node:path';
import { cleanupAll, ensureBuild, onCleanup, ROOT, startServer } from '../ingest/serve.ts';
import { bundleWorker, CHROMIUM_ARGS, chromiumVersion, FreshProfile, SAME_ORIGIN_HEADERS } from '../shared/chromium.ts';
import { runPython } from '../shared/python.ts';
import { ensureData, type TrainData } from './generate.ts';
import type { BenchBackend, WorkerRequest, WorkerResult } from './worker-entry.ts';

const EPOCHS = 3, BATCH = 256;
const WASM_DIR = join(ROOT, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
const P = { worker: '/__bench/train-worker.js', wasm: '/__bench/wasm/', data: '/__bench/train-data.bin' };
const ARGS = [...CHROMIUM_ARGS, '--js-flags=--expose-gc'];
const WEBGPU_ARGS = ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-webgpu-adapter=swiftshader', '--enable-unsafe-swiftshader'];
const ALL: BenchBackend[] = ['webgpu', 'webgl', 'wasm', 'wasm-tfjs', 'cpu'];

const argv = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
};
const RUNS = Math.max(1, Number(option('--runs', '3')));
/** WebGPU here is SwiftShader (a software GPU, ~1 min per timed run): a correctness check, so one timed run by default. */
const WEBGPU_RUNS = Math.max(1, Number(option('--webgpu-runs', '1')));
const SK_RUNS = Math.max(1, Number(option('--sklearn-runs', '3')));
const BACKENDS = option('--backends', ALL.join(',')).split(',') as BenchBackend[];
const PROFILE = option('--profile', 'webgl,wasm-tfjs,cpu').split(',');
const log = (s = '') => console.log(s);
const fmt = (x: number) => Math.round(x).toLocaleString('en');

/** The app imports the WASM binaries as Vite `?url` assets; here they are answered by a route under P.wasm. */
const urlAssets: Plugin = {
  name: 'url-assets',
  setup(b) {
    b.onResolve({ filter: /\?url$/ }, (a) => ({ path: basename(a.path.replace(/\?url$/, '')), namespace: 'url-asset' }));
    b.onLoad({ filter: /.*/, namespace: 'url-asset' }, (a) => ({ contents: `export default ${JSON.stringify(P.wasm + a.path)};`, loader: 'js' }));
  },
};

// ---- (a) Chromium worker, one fresh browser per backend ------------------------------------------------------------
async function inChromium(base: string, data: TrainData, backend: BenchBackend, code: string): Promise<WorkerResult> {
  const profile = new FreshProfile('enclave-bench-train-');
  onCleanup(() => profile.close());
  try {
    const context = await profile.launch([...ARGS, ...(backend === 'webgpu' ? WEBGPU_ARGS : [])]);
    // The CSP's worker-src 'self' rules out a blob: worker, so the bundle is answered on the studio's own origin.
    await context.route(`${base}/__bench/**`, (route) => {
      const path = new URL(route.request().url()).pathname;
      if (path === P.worker) return route.fulfill({ status: 200, contentType: 'text/javascript', headers: SAME_ORIGIN_HEADERS, body: code });
      if (path === P.data) return route.fulfill({ status: 200, contentType: 'application/octet-stream', headers: SAME_ORIGIN_HEADERS, body: readFileSync(data.path) });
      if (path.startsWith(P.wasm)) return route.fulfill({ status: 200, contentType: 'application/wasm', headers: SAME_ORIGIN_HEADERS, body: readFileSync(join(WASM_DIR, basename(path))) });
      return route.fulfill({ status: 404, body: 'not found' });
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => { if (m.text().startsWith('[bench] ')) log(`    ${m.text().slice(8)}`); });
    if (process.env.BENCH_DEBUG) { page.on('console', (m) => log(`    console: ${m.text()}`)); page.on('worker', (w) => log(`    worker: ${w.url()}`)); context.on('request', (r) => log(`    request ${r.url()}`)); }
    page.on('pageerror', (e) => log(`    page error: ${e.message}`));
    await page.goto(base + '/', { waitUntil: 'load' });
    await page.waitForTimeout(1000); // hydration done before the worker starts
    const request: WorkerRequest = { backend, dataUrl: P.data, n: data.n, d: data.d, runs: backend === 'webgpu' ? WEBGPU_RUNS : RUNS, epochs: EPOCHS, batchSize: BATCH, profile: PROFILE.includes(backend) && backend !== 'wasm', wasmPaths: P.wasm };
    return await page.evaluate(({ url, request }) => new Promise<WorkerResult>((resolve) => {
      const worker = new Worker(url, { type: 'module' });
      worker.onmessage = (e) => {
        if (e.data.log) console.log(`[bench] ${e.data.log}`);
        if (e.data.result) { resolve(e.data.result); worker.terminate(); }
      };
      worker.onerror = (e) => resolve({ ok: false, error: e.message || 'the worker did not start', runs: [], userAgent: '', cores: 0, isolated: false });
      worker.postMessage(request);
    }), { url: P.worker, request });
  } finally {
    await profile.close();
  }
}

// ---- (b) scikit-learn ----------------------------------------------------------------------------------------------
interface BlasPool { user_api: string; internal_api: string; version: string | null; num_threads: number; threading_layer?: string | null; architecture?: string | null }
interface SklearnResult { seconds: number[]; best: number; samples_per_second: number; one_thread_best: number | null; epochs: number; loss: number; train_accuracy: number; dtype: string; blas: BlasPool[] | null; sklearn: string; numpy: string; python: string }

function inSklearn(data: TrainData): SklearnResult {
  return runPython('the scikit-learn run', 'train/sklearn_train.py', [data.path, String(data.n), String(data.d), String(SK_RUNS)]);
}

// ---- main ----------------------------------------------------------------------------------------------------------
async function main() {
  log('# bench/train');
  const data = ensureData(log);
  ensureBuild(false, log);
  const code = await bundleWorker('bench/train/worker-entry.ts', 'esm', [urlAssets]);
  // scikit-learn runs before and after the browsers (best of both): the machine is shared, and its load moves by the minute.
  const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');
  const loads = [load()];
  log(`(b) scikit-learn MLPClassifier, ${SK_RUNS} fits in one process (before the browsers) ...`);
  const b0 = inSklearn(data);
  const base = await startServer(Number(option('--port', '4395')));
  log(`server: ${base}`);
  const results: Partial<Record<BenchBackend, WorkerResult>> = {};
  for (const backend of BACKENDS) {
    log(`(a) ${backend}: trainModel in a module Worker in headless Chromium, warm-up epoch + ${backend === 'webgpu' ? WEBGPU_RUNS : RUNS} × ${EPOCHS} epochs ...`);
    try {
      results[backend] = await inChromium(base, data, backend, code);
    } catch (e) {
      results[backend] = { ok: false, error: e instanceof Error ? e.message : String(e), runs: [], userAgent: '', cores: 0, isolated: false };
    }
    if (!results[backend]!.ok) log(`    ${backend} failed: ${results[backend]!.error}`);
  }
  await cleanupAll(); // browsers closed already; stop the server before (b)
  log(`(b) scikit-learn MLPClassifier, ${SK_RUNS} fits in one process (after the browsers) ...`);
  const b1 = inSklearn(data);
  loads.push(load());
  const b = b1.best <= b0.best ? b1 : b0;
  const bRate = b.samples_per_second;

  const version = chromiumVersion() ?? '?';
  const any = Object.values(results).find((r) => r?.ok);
  const blas = b.blas?.find((p) => p.user_api === 'blas');
  log('\n## Report');
  log(`data        ${data.path}: ${data.n.toLocaleString('en')} × ${data.d} float32, binary (${(data.positive * 100).toFixed(1)}% positive), seed ${data.seed}`);
  log(`machine     ${any?.cores ?? '?'} cores (navigator), Node ${process.version}, Chromium ${version} (crossOriginIsolated ${any?.isolated}), scikit-learn ${b.sklearn} / numpy ${b.numpy} / Python ${b.python}`);
  log(`model       MLP ${data.d}-64-32-2 relu (tfjs: softmax over 2; sklearn: one logistic output), adam lr 0.001, batch ${BATCH}, ${EPOCHS} epochs, L2 1e-4`);
  log(`load avg    ${loads.join(' → ')} (1, 5, 15 min; at the start → at the end)`);
  log(`(b) sklearn ${[b0, b1].map((x) => x.seconds.map((s) => s.toFixed(3)).join(', ')).join(' (before) · ')} (after) s → best ${b.best.toFixed(3)} s = ${fmt(bRate)} samples/s; train accuracy ${(b.train_accuracy * 100).toFixed(1)}%, loss ${b.loss.toFixed(4)}, ${b.dtype}`);
  log(`            BLAS: ${blas ? `${blas.internal_api} ${blas.version} (${blas.architecture}), ${blas.num_threads} threads (${blas.threading_layer})` : 'threadpoolctl not available'}` +
    (b.one_thread_best ? `; held to 1 thread: best ${b.one_thread_best.toFixed(3)} s = ${fmt((EPOCHS * data.n) / b.one_thread_best)} samples/s` : ''));
  log('\nbackend        samples/s   ratio   best s   runs (s)                 epochs of the best run (ms)   accuracy   runs on');
  const json: Record<string, unknown> = { load_avg: loads, sklearn_samples_per_second: Math.round(bRate), sklearn_seconds: +b.best.toFixed(4), sklearn_blas_threads: blas?.num_threads ?? null };
  let bestName = '', bestRatio = 0;
  for (const backend of BACKENDS) {
    const r = results[backend]!;
    if (!r.ok || !r.runs.length) {
      log(`${backend.padEnd(14)} failed: ${r.error}`);
      json[backend] = null;
      continue;
    }
    const best = r.runs.reduce((x, y) => (y.seconds < x.seconds ? y : x));
    const rate = (EPOCHS * data.n) / best.seconds, ratio = rate / bRate;
    if (ratio > bestRatio) (bestRatio = ratio), (bestName = backend);
    json[backend] = { samples_per_second: Math.round(rate), ratio: +ratio.toFixed(3), seconds: +best.seconds.toFixed(4) };
    log(`${backend.padEnd(14)} ${fmt(rate).padStart(9)}   ${ratio.toFixed(3).padStart(5)}   ${best.seconds.toFixed(3).padStart(6)}   ${r.runs.map((x) => x.seconds.toFixed(3)).join(', ').padEnd(24)} ` +
      `${best.epochMs.map((m) => m.toFixed(0)).join(' / ').padEnd(29)} ${(best.accuracy * 100).toFixed(1).padStart(7)}%   ${r.detail || r.active} (warm-up ${r.warmupSeconds?.toFixed(2)} s)`);
  }
  log(`\nbest backend ${bestName || 'none'}: ratio ${bestRatio.toFixed(3)}  (goal ≥ 1.5: ${bestRatio >= 1.5 ? 'met' : 'NOT met'})`);
  for (const backend of BACKENDS) {
    const p = results[backend]?.profile;
    if (!p) continue;
    log(`\n## Where the time goes: ${backend}`);
    log(`epoch by batch size   ${p.epochMsByBatch.map((e) => `${e.batchSize}: ${e.ms.toFixed(0)} ms (${e.steps} steps)`).join(' · ')}`);
    const small = p.epochMsByBatch[0];
    log(`fixed cost per step   ${p.perStepMs.toFixed(2)} ms → ${((p.perStepMs * small.steps * 100) / small.ms).toFixed(0)}% of the batch-${BATCH} epoch; the rest (same arithmetic at any batch size) ≈ ${(small.ms - p.perStepMs * small.steps).toFixed(0)} ms`);
    log(`kernels per step      ${p.kernelsPerStep.toFixed(1)} (${p.steps} steps); one tiny kernel ${p.tinyKernelUs.toFixed(1)} µs → ≈ ${((p.kernelsPerStep * p.tinyKernelUs) / 1000).toFixed(2)} ms/step of dispatch alone`);
    log(`kernel time           ${p.kernelMs.toFixed(0)} ms of ${p.profiledEpochMs.toFixed(0)} ms (profiled epoch; profiling slows it)`);
    log(`backward matmuls      ${p.backwardMatmulMs.transposed.toFixed(2)} ms/step as the gradients call them (transposeA/B) vs ${p.backwardMatmulMs.explicit.toFixed(2)} ms/step with explicit transposes → ${(p.backwardMatmulMs.transposed * small.steps).toFixed(0)} vs ${(p.backwardMatmulMs.explicit * small.steps).toFixed(0)} ms per epoch`);
    // Multiply-adds per row of the 32-64-32-2 network: forward 4,160; the 5 backward products 6,272 (input gradient not needed).
    const fwd = data.d * 64 + 64 * 32 + 32 * 2, bwd = 2 * fwd - data.d * 64;
    const gflops = (2 * bwd * BATCH) / (p.backwardMatmulMs.explicit * 1e6);
    const floor = (2 * (fwd + bwd) * data.n * EPOCHS) / (gflops * 1e9);
    log(`matmul floor          the explicit-transpose products run at ${gflops.toFixed(1)} GFLOP/s (dispatch included); all ${((2 * (fwd + bwd) * data.n * EPOCHS) / 1e9).toFixed(2)} GFLOP of 3 epochs at that rate: ${(floor * 1000).toFixed(0)} ms → at best ${(b.best / floor).toFixed(2)} × scikit-learn with nothing else but matmuls (sklearn: ${((2 * (fwd + bwd) * data.n * EPOCHS) / b.best / 1e9).toFixed(1)} GFLOP/s, everything included)`);
    log(`plain model.fit       ${p.fitSeconds.toFixed(3)} s for 3 epochs = ${fmt((EPOCHS * data.n) / p.fitSeconds)} samples/s (${((EPOCHS * data.n) / p.fitSeconds / bRate).toFixed(3)} × scikit-learn), against the studio loop's best ${results[backend]!.runs.reduce((m, x) => Math.min(m, x.seconds), Infinity).toFixed(3)} s`);
    log(`JS ⇄ backend         ${p.reads} read, ${p.readSyncs} readSync, ${p.writes} writes of values in one epoch's trainModel (CPU: kernel outputs count as writes; WASM/CPU readSync is a memory view, WebGL's a GPU sync)`);
    log(`by kernel (count, ms) ${p.byKernel.slice(0, 14).map((k) => `${k.name} ${k.count} ${k.ms.toFixed(0)}`).join(' · ')}${p.byKernel.length > 14 ? ` · … (${p.byKernel.length} kinds)` : ''}`);
    json[`${backend}_profile`] = { per_step_ms: +p.perStepMs.toFixed(3), kernels_per_step: +p.kernelsPerStep.toFixed(1), tiny_kernel_us: +p.tinyKernelUs.toFixed(1), backward_matmul_ms: { transposed: +p.backwardMatmulMs.transposed.toFixed(3), explicit: +p.backwardMatmulMs.explicit.toFixed(3) }, matmul_floor_ratio: +(b.best / floor).toFixed(3), model_fit_ratio: +((EPOCHS * data.n) / p.fitSeconds / bRate).toFixed(3), reads: p.reads + p.readSyncs, writes: p.writes };
  }
  json.best_backend = bestName || null;
  json.best_ratio = +bestRatio.toFixed(3);
  json.goal_met = bestRatio >= 1.5;
  log(JSON.stringify(json));
}

main().catch(async (err) => {
  console.error(`bench/train failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  await cleanupAll();
  process.exit(1);
});
