/**
 * Stage breakdown of the import inside Chromium: `node --import tsx bench/ingest/worker-stages.ts [--papa] [--runs N]`
 *
 * Bundles bench/ingest/worker-entry.ts (esbuild, which tsx already brings) and starts it as a Worker on the studio's
 * own origin (the page is served with COOP/COEP/CSP as in production; the CSP's worker-src 'self' rules out a blob:
 * worker, so Playwright answers a same-origin URL with the bundle), hands it the CSV as a File from an <input type=file>, and prints what
 * each stage took: read, hash, profile (and each of its pieces), save to IndexedDB. Same core code as the app's data
 * worker, so it says where the time of bench/ingest/run.ts's (a) goes; a fresh browser profile per run.
 */
import { bundleWorker, CHROMIUM_ARGS, chromiumVersion, FreshProfile, serveWorker } from '../shared/chromium.ts';
import { ensureData } from './generate.ts';
import { cleanupAll, ensureBuild, onCleanup, startServer } from './serve.ts';
import type { StageTimings } from './worker-entry.ts';

const argv = process.argv.slice(2);
const RUNS = Math.max(1, Number(argv[argv.indexOf('--runs') + 1]) || 1);
const WORKER_PATH = '/__bench/ingest-stages-worker.js';

async function runOnce(base: string, csv: string, code: string): Promise<StageTimings> {
  const profile = new FreshProfile('enclave-bench-stages-');
  onCleanup(() => profile.close());
  try {
    const context = await profile.launch(CHROMIUM_ARGS);
    await serveWorker(context, base, WORKER_PATH, code);
    const page = context.pages()[0] ?? (await context.newPage());
    if (process.env.BENCH_DEBUG) {
      page.on('console', (m) => console.log('console:', m.text()));
      page.on('requestfailed', (r) => console.log('failed:', r.url(), r.failure()?.errorText));
    }
    await page.goto(base + '/', { waitUntil: 'load' });
    await page.evaluate(() => document.body.insertAdjacentHTML('beforeend', '<input type="file" id="bench-stages-file">'));
    await page.locator('#bench-stages-file').setInputFiles(csv);
    return await page.evaluate(({ url, papa }) => new Promise<StageTimings>((resolve) => {
      const worker = new Worker(url);
      worker.onmessage = (e) => { resolve(e.data); worker.terminate(); };
      worker.onerror = (e) => resolve({ ok: false, error: e.message ?? 'the worker did not start', timings: [] });
      worker.postMessage({ file: (document.getElementById('bench-stages-file') as HTMLInputElement).files![0], papa });
    }), { url: WORKER_PATH, papa: argv.includes('--papa') });
  } finally {
    await profile.close();
  }
}

async function main() {
  const data = ensureData(() => undefined);
  ensureBuild(false, console.log);
  const code = await bundleWorker('bench/ingest/worker-entry.ts', 'iife');
  const base = await startServer(4392);
  const version = chromiumVersion() ?? '?';
  console.log(`# import stages in a Chromium ${version} worker — ${data.bytes.toLocaleString('en')} bytes, ${data.rows.toLocaleString('en')} rows`);
  for (let i = 1; i <= RUNS; i++) {
    const r = await runOnce(base, data.path, code);
    if (RUNS > 1) console.log(`\n## run ${i}/${RUNS}`);
    for (const [name, ms, detail] of r.timings) console.log(`${name.padEnd(36)} ${ms.toFixed(0).padStart(6)} ms  ${detail}`);
    const top = r.timings.filter(([name]) => !name.startsWith(' ') && !name.includes('papa'));
    console.log(`${'total (read + hash + profile + save)'.padEnd(36)} ${top.reduce((s, [, ms]) => s + ms, 0).toFixed(0).padStart(6)} ms`);
    if (!r.ok) throw new Error(`the worker failed: ${r.error}`);
  }
}

main().then(cleanupAll, async (err) => {
  console.error(`worker-stages failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  await cleanupAll();
  process.exit(1);
});
