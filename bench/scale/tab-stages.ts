/**
 * The studio's stages in one Chromium tab, for bench/scale/browser.ts: each stage started by a click, ended by its
 * page's "done" state, an alert, the tab's crash or a timeout; the progress bar's labels (by a MutationObserver) split
 * it further, and the memory sampler's peak window is the stage.
 */
import type { Page } from '@playwright/test';
import { DEFAULT_RECIPE_STEPS } from '../../src/lib/ml/default-recipe.ts';
import type { MemoryStats, TreeSampler } from '../ingest/memory.ts';

export type StageName = 'import' | 'prepare' | 'train' | 'promote';
export type Outcome = 'done' | 'crashed' | 'page-error' | 'timeout' | 'failed';

export interface StageResult {
  stage: StageName;
  outcome: Outcome;
  /** Click (or file choice) → the page's done state, Node's clock. */
  wallMs: number;
  /** The progress bar's stages ("Fitting on training rows" → ms), from the page's clock. */
  parts: Record<string, number>;
  /** Whether a progress bar and a Cancel button were on the page while the stage ran. */
  progressShown: boolean;
  cancelShown: boolean;
  /** The longest main-thread task while the stage ran (ms). */
  longestTaskMs: number;
  /** Summed RSS of the Chromium tree as the stage started. */
  startRss: number;
  memory: MemoryStats;
  message?: string;
}

/** Records the progress bar's transitions (with whether a Cancel button is beside it) and long tasks, on the page's clock. */
export const INIT = `(() => {
  const b = (window.__scale = { bars: [], longtasks: [] });
  try {
    new PerformanceObserver((l) => { for (const e of l.getEntries()) b.longtasks.push({ start: e.startTime, duration: e.duration }); })
      .observe({ type: 'longtask', buffered: true });
  } catch { /* no long-task timing: reported as 0 */ }
  let last = '';
  const watch = () => new MutationObserver(() => {
    const bar = document.querySelector('[role=progressbar]');
    const text = bar ? bar.getAttribute('aria-valuetext') || '' : '';
    if (text === last) return;
    last = text;
    const job = bar && bar.closest('section');
    const cancel = !!(job && [...job.querySelectorAll('button')].some((x) => /^Cancel/.test(x.textContent.trim())));
    b.bars.push({ text, at: performance.now(), cancel });
  }).observe(document.documentElement, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuetext'] });
  if (document.documentElement) watch(); else document.addEventListener('DOMContentLoaded', watch);
})();`;

interface Bars { bars: { text: string; at: number; cancel: boolean }[]; longtasks: { start: number; duration: number }[] }
const pageNow = (page: Page) => page.evaluate(() => performance.now());
const pageMarks = (page: Page) => page.evaluate(() => (window as unknown as { __scale: Bars }).__scale);

/** The progress-bar stages between `from` and `to` (page clock): each label's time until the next label (or `to`). */
function partsOf(marks: Bars, from: number, to: number) {
  const inside = marks.bars.filter((m) => m.at >= from && m.at <= to);
  const parts: Record<string, number> = {};
  const named = inside.map((m) => ({ ...m, name: m.text.replace(/: \d+%$/, '') }));
  const firsts = named.filter((m, i) => m.name && (i === 0 || named[i - 1].name !== m.name));
  for (const m of firsts) {
    const next = named.find((x) => x.at > m.at && x.name !== m.name)?.at ?? to;
    parts[m.name] = (parts[m.name] ?? 0) + (next - m.at);
  }
  const longest = marks.longtasks.filter((t) => t.start + t.duration >= from && t.start <= to).reduce((x, t) => Math.max(x, t.duration), 0);
  return { parts, progressShown: inside.some((m) => m.text), cancelShown: inside.some((m) => m.cancel), longestTaskMs: longest };
}

export class StageFailure extends Error {
  constructor(readonly outcome: Outcome, message: string) { super(message); }
}

/**
 * Runs one stage: `act` starts it, then the first of `done` (resolves), an alert on the page, the tab's crash or the
 * timeout decides its outcome. The memory sampler's peak window is this stage.
 */
export async function runStage(stage: StageName, page: Page, sampler: TreeSampler, crashed: Promise<never>, timeoutMs: number, act: () => Promise<void>, done: () => Promise<unknown>): Promise<StageResult> {
  sampler.reset();
  // What the tab holds as the stage starts (what earlier stages left behind) beside its peak.
  const startRss = sampler.sampleNow().rss;
  let from = 0;
  try { from = await pageNow(page); } catch { /* measured from 0 */ }
  const t0 = performance.now();
  let outcome: Outcome = 'done';
  let message: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => { timer = setTimeout(() => fail(new StageFailure('timeout', `no result within ${(timeoutMs / 1000).toFixed(0)} s`)), timeoutMs); });
  const alert = page.getByRole('alert').first();
  try {
    await Promise.race([act(), crashed, timeout]);
    await Promise.race([
      done(),
      alert.waitFor({ state: 'visible', timeout: timeoutMs + 60_000 }).then(async () => { throw new StageFailure('page-error', (await alert.innerText()).trim()); }),
      crashed, timeout,
    ]);
  } catch (e) {
    outcome = e instanceof StageFailure ? e.outcome : 'failed';
    message = e instanceof Error ? e.message.split('\n')[0] : String(e);
  } finally {
    clearTimeout(timer);
  }
  const wallMs = performance.now() - t0;
  const memory = sampler.read();
  let marks: ReturnType<typeof partsOf> = { parts: {}, progressShown: false, cancelShown: false, longestTaskMs: 0 };
  if (outcome !== 'crashed') {
    try { marks = partsOf(await pageMarks(page), from, await pageNow(page)); } catch { /* the page is gone */ }
  }
  return { stage, outcome, wallMs, ...marks, startRss, memory, ...(message ? { message } : {}) };
}

/** The Prepare page's "Add a step" form, one DEFAULT_RECIPE_STEPS step at a time (columns, strategy, method). */
export async function addRecipeSteps(page: Page): Promise<void> {
  const form = page.getByRole('form', { name: 'Add a step' });
  for (const step of DEFAULT_RECIPE_STEPS) {
    const s = step as Record<string, unknown>;
    await form.getByLabel('Step').selectOption(String(s.kind));
    if (typeof s.columns === 'string') await form.getByLabel('Columns', { exact: true }).selectOption(s.columns);
    if (typeof s.strategy === 'string') await form.getByLabel('Fill with').selectOption(s.strategy);
    if (typeof s.method === 'string') await form.getByLabel('Method').selectOption(s.method);
    const before = await page.getByRole('list', { name: 'Recipe steps' }).getByRole('listitem').count().catch(() => 0);
    await form.getByRole('button', { name: 'Add step' }).click();
    await page.waitForFunction((n) => (document.querySelector('ol[aria-label="Recipe steps"]')?.children.length ?? 0) > n, before, { timeout: 30_000 });
  }
}

export const accuracyIn = (text: string) => { const m = /accuracy ([\d.]+)/.exec(text); return m ? Number(m[1]) : null; };
