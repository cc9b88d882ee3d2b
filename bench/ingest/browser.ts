/**
 * Side (a) of bench/ingest: one import of the CSV through the studio's Data page in headless Chromium, in a fresh
 * profile (empty IndexedDB, so the version is really parsed, hashed, profiled and stored, never "already stored").
 *
 * Timings come from the page's own User Timing measures: 'enclave:import' (file chosen → worker job done: read,
 * hash, profile, store) and 'enclave:import:shown' (→ profile rendered). Stage boundaries are taken, without touching
 * the app, from the progress bar's aria-valuetext ("Reading: 40%" → "Fingerprinting" → "Profiling" → "Saving") by a
 * MutationObserver. The 'Profiling' label first shows after the first column is profiled (the job reports profile
 * progress per finished column), so 'hash' below includes the first column's profile.
 * Long tasks: a buffered PerformanceObserver('longtask') registered before any page script, on the page's main thread.
 */
import { CHROMIUM_ARGS, FreshProfile } from '../shared/chromium.ts';
import { TreeSampler, type MemoryStats } from './memory.ts';

const IMPORT_TIMEOUT_MS = 10 * 60_000;
/** How long after the profile is shown we keep observing (late layout/paint work of the charts). */
const SETTLE_MS = 1500;
/** Memory sampling period (ms); BENCH_SAMPLE_MS=100000 all but turns it off, to check it does not slow the import. */
const SAMPLE_MS = Number(process.env.BENCH_SAMPLE_MS) || 100;

/**
 * BENCH_CHUNK_STORE=indexeddb|opfs: where the studio stores new versions' chunks (its 'chunkStore' setting, read by the
 * data worker when it first saves; src/lib/store/chunk-backing.ts). Unset: the studio's own choice (OPFS in Chromium).
 */
const CHUNK_STORE = process.env.BENCH_CHUNK_STORE;

/** Writes the setting into the page's database (already opened by the Data page, so its schema is there). */
async function chooseChunkStore(page: import('@playwright/test').Page, value: string): Promise<void> {
  await page.evaluate((value) => new Promise<void>((resolve, reject) => {
    const req = indexedDB.open('enclave');
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains('settings')) return (db.close(), reject(new Error('the studio has not opened its database yet')));
      const tx = db.transaction('settings', 'readwrite');
      tx.objectStore('settings').put({ key: 'chunkStore', value, updated: Date.now() });
      tx.oncomplete = () => (db.close(), resolve());
      tx.onerror = () => reject(tx.error);
    };
  }), value);
}

export interface LongTask { start: number; duration: number }

export interface BrowserRun {
  importMs: number;
  shownMs: number;
  /** Node-side wall clock: setInputFiles() called → summary visible. */
  wallMs: number;
  stagesMs: Record<string, number>;
  /** Profile steps after the first (each column, duplicates, correlations), from the progress bar. */
  profileStepsMs: Record<string, number>;
  /** When the import started, on the page's clock (long tasks are given on it too). */
  importStart: number;
  longest: { all: number; duringImport: number; pageLoad: number };
  over50: { all: number; duringImport: number };
  longTasks: LongTask[];
  memory: { baselineRss: number; baselineByType: Record<string, number>; peakRss: number; peakPss: number; peakByType: Record<string, number>; maxProcesses: number; samples: number };
  userAgent: string;
  deviceMemory: number | null;
  hardwareConcurrency: number;
  rowsShown: string;
}

const INIT = `(() => {
  const b = (window.__bench = { longtasks: [], stages: [] });
  try {
    new PerformanceObserver((l) => { for (const e of l.getEntries()) b.longtasks.push({ start: e.startTime, duration: e.duration }); })
      .observe({ type: 'longtask', buffered: true });
  } catch (e) { b.noLongtask = String(e); }
  let last = '';
  const watch = () => {
    new MutationObserver(() => {
      const bar = document.querySelector('[role=progressbar]');
      const text = bar ? bar.getAttribute('aria-valuetext') || '' : '';
      if (text && text !== last) { last = text; b.stages.push({ text, at: performance.now() }); }
    }).observe(document.documentElement, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuetext'] });
  };
  if (document.documentElement) watch(); else document.addEventListener('DOMContentLoaded', watch);
})();`;

interface PageFigures {
  start: number; importMs: number; shownMs: number; shownEnd: number;
  stages: { text: string; at: number }[]; longtasks: LongTask[]; noLongtask?: string;
  ua: string; deviceMemory: number | null; cores: number;
}

/**
 * Stage durations from the progress-bar transitions, the last ending with the 'enclave:import' measure's end. The
 * job reports profile progress once per finished step (each column, then duplicate rows, then correlations), so the
 * 'Profiling: N%' transitions also time each step after the first.
 */
function stageDurations(f: PageFigures, stepNames: string[]): { stages: Record<string, number>; profileSteps: Record<string, number> } {
  const names: Record<string, string> = { Reading: 'read', Fingerprinting: `hash (+ profile of ${stepNames[0] ?? 'column 1'})`, Profiling: 'profile', Saving: 'save' };
  const marks = [...f.stages].sort((x, y) => x.at - y.at).map((m) => ({ ...m, stage: m.text.split(':')[0] }));
  const firsts = marks.filter((m, i) => i === 0 || marks[i - 1].stage !== m.stage);
  const end = f.start + f.importMs;
  const stages: Record<string, number> = {};
  firsts.forEach((m, i) => {
    const from = i === 0 ? f.start : m.at;
    const to = i + 1 < firsts.length ? firsts[i + 1].at : end;
    stages[names[m.stage] ?? m.stage] = Math.max(0, to - from);
  });
  stages['ui: job done → profile shown'] = f.shownMs - f.importMs;
  const profiling = marks.filter((m) => m.stage === 'Profiling');
  const profileSteps: Record<string, number> = {};
  for (let i = 1; i < profiling.length; i++) profileSteps[stepNames[i] ?? `step ${i + 1}`] = profiling[i].at - profiling[i - 1].at;
  return { stages, profileSteps };
}

export async function importInBrowser(baseUrl: string, csvPath: string, stepNames: string[], log: (s: string) => void, onCleanup: (fn: () => Promise<void> | void) => void): Promise<BrowserRun> {
  const profile = new FreshProfile('enclave-bench-ingest-');
  const sampler = new TreeSampler(profile.dir, SAMPLE_MS, 10);
  profile.beforeClose = () => sampler.stop();
  onCleanup(() => profile.close());
  try {
    const context = await profile.launch(CHROMIUM_ARGS, { viewport: { width: 1280, height: 900 } });
    await context.addInitScript(INIT);
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => log(`  page error: ${e.message}`));
    sampler.start();
    await page.goto(baseUrl + '/', { waitUntil: 'load' });
    const input = page.getByLabel('Choose a data file');
    await input.waitFor({ state: 'attached' });
    await page.waitForTimeout(1000); // let hydration and first paints finish before the baseline
    if (CHUNK_STORE) await chooseChunkStore(page, CHUNK_STORE);
    const baseline = sampler.sampleNow();
    const baselineRss = baseline.rss;
    sampler.reset();

    const t0 = performance.now();
    await input.setInputFiles(csvPath);
    const summary = page.getByLabel('Dataset summary');
    const alert = page.getByRole('alert');
    await Promise.race([
      summary.waitFor({ state: 'visible', timeout: IMPORT_TIMEOUT_MS }),
      alert.first().waitFor({ state: 'visible', timeout: IMPORT_TIMEOUT_MS }),
    ]);
    const wallMs = performance.now() - t0;
    if (await alert.count()) throw new Error(`the page reported an error: ${(await alert.first().innerText()).trim()}`);
    await page.waitForFunction(() => performance.getEntriesByName('enclave:import:shown', 'measure').length > 0, null, { timeout: 30_000 });
    await page.waitForTimeout(SETTLE_MS);
    const mem: MemoryStats = sampler.stop();

    const f = (await page.evaluate(() => {
      const w = window as unknown as { __bench: { stages: { text: string; at: number }[]; longtasks: LongTask[]; noLongtask?: string } };
      const imp = performance.getEntriesByName('enclave:import', 'measure').at(-1)!;
      const shown = performance.getEntriesByName('enclave:import:shown', 'measure').at(-1)!;
      const nav = navigator as Navigator & { deviceMemory?: number };
      return {
        start: imp.startTime, importMs: imp.duration, shownMs: shown.duration, shownEnd: shown.startTime + shown.duration,
        stages: w.__bench.stages, longtasks: w.__bench.longtasks, noLongtask: w.__bench.noLongtask,
        ua: navigator.userAgent, deviceMemory: nav.deviceMemory ?? null, cores: navigator.hardwareConcurrency,
      };
    })) as PageFigures;
    if (f.noLongtask) log(`  warning: longtask observer unavailable: ${f.noLongtask}`);
    const rowsShown = await summary.locator('div').filter({ has: page.getByText('Rows', { exact: true }) }).locator('dd').first().innerText().catch(() => '?');

    const during = f.longtasks.filter((t) => t.start + t.duration >= f.start && t.start <= f.shownEnd + SETTLE_MS);
    const before = f.longtasks.filter((t) => t.start + t.duration < f.start);
    const max = (xs: LongTask[]) => xs.reduce((m, t) => Math.max(m, t.duration), 0);
    const { stages, profileSteps } = stageDurations(f, stepNames);
    return {
      importMs: f.importMs,
      shownMs: f.shownMs,
      wallMs,
      stagesMs: stages,
      profileStepsMs: profileSteps,
      importStart: f.start,
      longest: { all: max(f.longtasks), duringImport: max(during), pageLoad: max(before) },
      over50: { all: f.longtasks.filter((t) => t.duration > 50).length, duringImport: during.filter((t) => t.duration > 50).length },
      longTasks: f.longtasks,
      memory: { baselineRss, baselineByType: baseline.byType, peakRss: mem.peakRss, peakPss: mem.peakPss, peakByType: mem.peakByType, maxProcesses: mem.maxProcesses, samples: mem.samples },
      userAgent: f.ua,
      deviceMemory: f.deviceMemory,
      hardwareConcurrency: f.cores,
      rowsShown,
    };
  } finally {
    await profile.close();
  }
}
