/**
 * Cancel stops a job where it is, even deep in synchronous work (the job's worker is terminated, and the next job
 * starts a fresh one), and stores nothing: a prepare of a million rows, a step preview, a promote and an analyse.
 */
import type { Page } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { test, expect, summaryValue, trainAdamLogistic } from './fixtures.ts';

/** `rows` rows of three numeric features and a binary label that depends on them (seeded, so every run is alike). */
function writeCsv(path: string, rows: number) {
  let s = 0x2545f491;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const lines = ['x1,x2,x3,label'];
  for (let i = 0; i < rows; i++) {
    const x1 = next() * 10, x2 = next() * 5, x3 = next();
    lines.push(`${x1.toFixed(3)},${x2.toFixed(3)},${x3.toFixed(4)},${x1 + x2 + next() * 4 > 9.5 ? 'pos' : 'neg'}`);
  }
  writeFileSync(path, lines.join('\n'));
}

/** Imports the file and opens the Prepare page with `label` as the target. */
async function importAndPrepare(page: Page, path: string, rows: string) {
  await page.goto('/');
  await page.getByLabel('Choose a data file').setInputFiles(path);
  await expect(summaryValue(page, 'Rows')).toHaveText(rows, { timeout: 120_000 });
  await page.getByRole('navigation', { name: 'Workflow' }).getByRole('link', { name: 'Prepare' }).click();
  await page.getByLabel('Target column (what to predict)').selectOption('label');
}

/** What a job could store: how many records each of these IndexedDB stores holds (read as durability.spec.ts does). */
async function storeCounts(page: Page): Promise<Record<string, number>> {
  return page.evaluate(async (stores) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('enclave');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const out: Record<string, number> = {};
    for (const name of stores.filter((n) => db.objectStoreNames.contains(n))) {
      out[name] = await new Promise<number>((resolve, reject) => {
        const req = db.transaction(name, 'readonly').objectStore(name).count();
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
    }
    db.close();
    // Chunks in OPFS files (src/lib/store/opfs-chunks.ts): one per stored version.
    out.chunkFiles = 0;
    const folder = await navigator.storage.getDirectory().then((r) => r.getDirectoryHandle('enclave-chunks')).then((d) => d.getDirectoryHandle('enclave')).catch(() => undefined);
    if (folder) for await (const name of (folder as unknown as { keys(): AsyncIterable<string> }).keys()) if (name.endsWith('.chunks')) out.chunkFiles++;
    return out;
  }, ['datasets', 'versions', 'chunks', 'recipes', 'preparations', 'runs', 'artifacts', 'models']);
}

/**
 * Clicks the button named `start`, then the Cancel button inside `container` as soon as it is in the DOM: a
 * MutationObserver callback runs before any message from a worker can be handled, so the job is certainly still
 * running however fast it is (polling each frame missed a step preview that ended within one). Returns the page's
 * clock at the cancel.
 */
async function startAndCancel(page: Page, start: string, container: string): Promise<number> {
  await expect(page.getByRole('button', { name: start, exact: true })).toBeEnabled({ timeout: 60_000 });
  return page.evaluate(({ start, container }) => new Promise<number>((resolve, reject) => {
    const named = (b: HTMLButtonElement, name: string) => b.getAttribute('aria-label')?.trim() === name || b.textContent?.trim() === name;
    const cancel = () => Array.from(document.querySelectorAll<HTMLButtonElement>(`${container} button`)).find((b) => named(b, 'Cancel') && !b.disabled);
    const timer = setTimeout(() => (observer.disconnect(), reject(new Error(`no Cancel button in ${container}`))), 60_000);
    const observer = new MutationObserver(() => {
      const b = cancel();
      if (!b) return;
      observer.disconnect();
      clearTimeout(timer);
      b.click();
      resolve(performance.now());
    });
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    const button = Array.from(document.querySelectorAll<HTMLButtonElement>('button')).find((b) => named(b, start));
    if (!button) return (observer.disconnect(), clearTimeout(timer), reject(new Error(`no button "${start}"`)));
    button.click();
  }), { start, container });
}

test('cancelling Prepare of 1,000,000 rows mid-computation ends its worker, returns to an idle page in under a second and stores nothing', async ({ page }, info) => {
  test.setTimeout(300_000);
  const path = info.outputPath('million.csv');
  writeCsv(path, 1_000_000);
  await importAndPrepare(page, path, '1,000,000');
  const before = await storeCounts(page);
  // The worker that imported is the one that prepares: a cancel must end it (its synchronous work cannot be reached).
  const dataWorker = page.workers().find((w) => /data\.worker/.test(w.url()));
  expect(dataWorker, 'the data worker is running').toBeTruthy();
  let workerClosed = false;
  dataWorker!.once('close', () => (workerClosed = true));

  await page.getByRole('button', { name: 'Prepare and split' }).click();
  // Cancel while prepareTable runs its synchronous stages (splitting a million rows, or fitting or applying the
  // recipe): a worker busy there never reads a message, so only terminating it stops the work at once.
  const clicked = await page.waitForFunction(() => {
    const job = document.querySelector('section[aria-label="Preparing the splits"]');
    const stage = job?.querySelector('[role="progressbar"]')?.getAttribute('aria-valuetext') ?? '';
    if (!/^(Splitting|Fitting on training rows|Applying):/.test(stage)) return false;
    const button = Array.from(job!.querySelectorAll('button')).find((b) => b.textContent?.trim() === 'Cancel')!;
    button.click();
    return { at: performance.now(), stage };
  }, undefined, { polling: 'raf', timeout: 120_000 });
  const { at, stage } = (await clicked.jsonValue()) as { at: number; stage: string };
  info.annotations.push({ type: 'cancelled at', description: stage });

  // Idle: no progress bar, the Prepare button usable again.
  const idle = await page.waitForFunction(() => {
    if (document.querySelector('section[aria-label="Preparing the splits"]')) return false;
    const button = Array.from(document.querySelectorAll('button')).find((b) => b.textContent?.trim() === 'Prepare and split');
    return button && !button.disabled ? performance.now() : false;
  }, undefined, { polling: 'raf', timeout: 30_000 });
  const took = ((await idle.jsonValue()) as number) - at;
  info.annotations.push({ type: 'cancel to idle (ms)', description: took.toFixed(0) });
  expect(took).toBeLessThan(1000);
  await expect.poll(() => workerClosed, { timeout: 1000, message: 'the cancelled job\'s worker was terminated' }).toBe(true);
  await expect(page.getByRole('alert')).toHaveText('Cancelled. Nothing was stored.');
  await expect(page.getByRole('table', { name: 'Split sizes' })).toHaveCount(0);
  expect(await storeCounts(page)).toEqual(before);
});

test('cancelling a step preview, a promote and an analyse: each says so, stores nothing, and the next one runs', async ({ page }, info) => {
  test.setTimeout(300_000);
  const path = info.outputPath('rows.csv');
  writeCsv(path, 200_000);
  await importAndPrepare(page, path, '200,000');

  // A step preview (on the preview worker).
  const form = page.getByRole('form', { name: 'Add a step' });
  await form.getByLabel('Step').selectOption({ label: 'Scale numbers' });
  await form.getByLabel('Columns').selectOption(['*numeric']);
  await form.getByLabel('Method').selectOption('minmax');
  await form.getByRole('button', { name: 'Add step' }).click();
  await startAndCancel(page, 'Preview step 1', '[role="status"][aria-label="Computing the step preview"]');
  await expect(page.getByRole('status').filter({ hasText: 'Preview cancelled.' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Step preview' })).toHaveCount(0);
  // The next preview starts a fresh worker, and shows.
  await page.getByRole('button', { name: 'Preview step 1' }).click();
  await expect(page.getByRole('region', { name: 'Step preview' })).toBeVisible({ timeout: 60_000 });

  await page.getByRole('button', { name: 'Prepare and split' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved the prepared splits' })).toBeVisible({ timeout: 120_000 });
  await page.getByRole('navigation', { name: 'Workflow' }).getByRole('link', { name: 'Train' }).click();
  const run = await trainAdamLogistic(page, 'wasm', 2);

  // A promote (on the model worker): cancelled, no model version, the test split still sealed.
  const stored = await storeCounts(page);
  await startAndCancel(page, 'Promote and score the test split', 'section[aria-label="Promotion"]');
  await expect(run.getByRole('status').filter({ hasText: 'Promotion cancelled. No model version was registered.' })).toBeVisible();
  await expect(run).toContainText('The test split is sealed');
  await expect(page.getByRole('table', { name: 'Registered models' })).toHaveCount(0);
  const after = await storeCounts(page);
  expect(after.models ?? 0).toBe(0);
  expect(after).toEqual(stored);
  // Promoting again works, on a fresh worker, and registers the first version: nothing was half-registered.
  await run.getByRole('button', { name: 'Promote and score the test split' }).click();
  await expect(page.getByRole('status', { name: 'Test metrics' })).toContainText('accuracy', { timeout: 60_000 });
  await expect(page.getByRole('table', { name: 'Registered models' })).toContainText('1.0.0');

  // An analyse (on the model worker): cancelled, no result; then run to the end.
  await page.getByRole('navigation', { name: 'Workflow' }).getByRole('link', { name: 'Evaluate' }).click();
  await startAndCancel(page, 'Analyse errors', 'section[aria-label="Error analysis"]');
  await expect(page.getByRole('status').filter({ hasText: 'Analysis cancelled.' })).toBeVisible();
  await expect(page.getByRole('img', { name: /Permutation feature importance/ })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Analyse errors' })).toBeEnabled();
  await page.getByRole('button', { name: 'Analyse errors' }).click();
  await expect(page.getByRole('img', { name: /Permutation feature importance/ })).toBeVisible({ timeout: 120_000 });
});
