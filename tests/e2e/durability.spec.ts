/**
 * Nothing half-written, nothing lost: a page closed in the middle of a write, and a disk that is full.
 * The browser's own profile directory survives the close (a persistent context), so the next visit reads what the
 * last one left.
 */
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect, importBuffer, summaryValue, preparedPenguins } from './fixtures.ts';

/** Every record's references resolve, every version has all its chunks: what a reader of the store relies on. */
async function storeProblems(page: Page): Promise<{ problems: string[]; datasets: number; runs: number }> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('enclave');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const names = ['datasets', 'versions', 'chunks', 'preparations', 'runs', 'artifacts', 'models'].filter((n) => db.objectStoreNames.contains(n));
    const all = async (name: string): Promise<any[]> => {
      if (!names.includes(name)) return [];
      const tx = db.transaction(name, 'readonly');
      const store = tx.objectStore(name);
      // Chunks: keys only (the values are the bulk of the data).
      const req = name === 'chunks' ? store.getAllKeys() : store.getAll();
      return new Promise((resolve, reject) => { req.onsuccess = () => resolve(req.result as any[]); req.onerror = () => reject(req.error); });
    };
    const [datasets, versions, chunkKeys, preparations, runs, artifacts, models] = await Promise.all(
      ['datasets', 'versions', 'chunks', 'preparations', 'runs', 'artifacts', 'models'].map(all)
    );
    db.close();
    const problems: string[] = [];
    const byHash = new Map(versions.map((v) => [v.hash, v]));
    const chunksOf = new Map<string, number>();
    for (const [hash] of chunkKeys as [string, number, number][]) chunksOf.set(hash, (chunksOf.get(hash) ?? 0) + 1);
    // Chunks in OPFS files (src/lib/store/opfs-chunk-file.ts): the header lists them.
    const folder = await navigator.storage.getDirectory().then((r) => r.getDirectoryHandle('enclave-chunks')).then((d) => d.getDirectoryHandle('enclave')).catch(() => undefined);
    for (const v of versions) {
      const file = await folder?.getFileHandle(`${v.hash}.chunks`).then((h) => h.getFile()).catch(() => undefined);
      if (!file || chunksOf.has(v.hash)) continue;
      const length = new DataView(await file.slice(0, 12).arrayBuffer()).getUint32(8, true);
      chunksOf.set(v.hash, JSON.parse(await file.slice(12, 12 + length).text()).chunks.length);
    }
    for (const v of versions) {
      const expected = v.schema.length * Math.max(1, Math.ceil(v.rowCount / 65536));
      if ((chunksOf.get(v.hash) ?? 0) !== expected) problems.push(`version ${v.hash.slice(0, 8)} has ${chunksOf.get(v.hash) ?? 0} of ${expected} chunks`);
    }
    for (const hash of chunksOf.keys()) if (!byHash.has(hash)) problems.push(`chunks without a version ${hash.slice(0, 8)}`);
    for (const d of datasets) if (!byHash.has(d.latest)) problems.push(`dataset ${d.name} without its version`);
    for (const p of preparations) for (const h of [p.source, p.splits.train, p.splits.validation, p.splits.test]) if (!byHash.has(h)) problems.push(`preparation without version ${h.slice(0, 8)}`);
    const artifactRuns = new Set(artifacts.map((a) => a.run));
    for (const r of runs) {
      if (!artifactRuns.has(r.id)) problems.push(`run ${r.id} without its model`);
      if (r.status !== 'completed') problems.push(`run ${r.id} stored as ${r.status}`);
    }
    for (const m of models) if (!artifactRuns.has(m.run)) problems.push(`model ${m.id} without its run's model`);
    return { problems, datasets: datasets.length, runs: runs.length };
  });
}

/** A context whose profile directory outlives it, launched as the project's browser is. */
async function persistent(dir: string, baseURL: string): Promise<BrowserContext> {
  const launch = test.info().project.use.launchOptions ?? {};
  return chromium.launchPersistentContext(dir, { ...launch, baseURL });
}

test('a page closed while an import is being saved leaves no half-written dataset', async ({ baseURL }) => {
  test.setTimeout(180_000);
  const dir = mkdtempSync(join(tmpdir(), 'enclave-close-'));
  // ~1.2M rows × 6 numbers: a save of a few hundred chunks, long enough to close the page in the middle of it.
  const file = join(dir, 'big.csv');
  const rows = ['a,b,c,d,e,f'];
  for (let i = 0; i < 1_200_000; i++) rows.push(`${i},${i % 97},${(i * 0.37).toFixed(2)},${i % 13},${(i % 1000) / 7},${i % 2}`);
  writeFileSync(file, rows.join('\n'));
  try {
    let context = await persistent(join(dir, 'profile'), baseURL!);
    let page = context.pages()[0] ?? (await context.newPage());
    await page.goto('/');
    await page.getByLabel('Choose a data file').setInputFiles(file);
    // Close the moment the save starts: the transaction is open, nothing of it committed yet.
    await page.waitForFunction(() => document.body.innerText.includes('Saving'), undefined, { polling: 'raf', timeout: 120_000 });
    await context.close();

    context = await persistent(join(dir, 'profile'), baseURL!);
    page = context.pages()[0] ?? (await context.newPage());
    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'Data', level: 1 })).toBeVisible();
    const after = await storeProblems(page);
    expect(after.problems).toEqual([]);
    // All or nothing: if the commit made it, the dataset opens whole; if not, there is no trace of it.
    test.info().annotations.push({ type: 'outcome', description: after.datasets ? 'the save had committed before the close' : 'the close aborted the save' });
    if (after.datasets) await expect(summaryValue(page, 'Rows')).toHaveText('1,200,000');
    else await expect(page.getByRole('list', { name: 'Datasets' })).toHaveCount(0);
    await expect(page.getByRole('alert')).toHaveCount(0);
    await context.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a page closed during training stores no run; the next visit trains normally', async ({ baseURL }) => {
  test.setTimeout(240_000);
  const dir = mkdtempSync(join(tmpdir(), 'enclave-close-'));
  try {
    let context = await persistent(join(dir, 'profile'), baseURL!);
    let page = context.pages()[0] ?? (await context.newPage());
    await preparedPenguins(page);
    await page.getByLabel('Algorithm').selectOption('mlp');
    await page.getByLabel('Epochs').fill('5000');
    await page.getByLabel('Epochs').blur();
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await expect(page.getByRole('progressbar', { name: 'Training' })).toBeVisible();
    await context.close();

    context = await persistent(join(dir, 'profile'), baseURL!);
    page = context.pages()[0] ?? (await context.newPage());
    await page.goto('/train');
    await expect(page.getByRole('heading', { name: 'Train', level: 1 })).toBeVisible();
    const after = await storeProblems(page);
    expect(after.problems).toEqual([]);
    expect(after.runs).toBe(0);
    await expect(page.getByRole('table', { name: 'Runs' })).toHaveCount(0);
    // The preparation survived whole and trains.
    await page.getByLabel('Algorithm').selectOption('logistic');
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await expect(page.getByRole('region', { name: 'Selected run' })).toContainText('logistic on', { timeout: 60_000 });
    expect((await storeProblems(page)).problems).toEqual([]);
    await context.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a full disk: the import says there is no room, and what was stored before is intact', async ({ page, context, baseURL }) => {
  test.setTimeout(180_000);
  await page.goto('/');
  // The service worker's precache counts against the quota too: let it settle before measuring what is used.
  await page.waitForFunction(() => !!navigator.serviceWorker.controller, undefined, { timeout: 60_000 }).catch(() => undefined);
  const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
  // Chromium reads the quota when a connection opens: set it before the data worker opens the database.
  const cdp = await context.newCDPSession(page);
  const origin = new URL(baseURL!).origin;
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + 1_000_000 });
  await page.getByRole('button', { name: /Try the sample/ }).click();
  await expect(summaryValue(page, 'Rows')).toHaveText('344');

  // ~3 MB of random doubles (IndexedDB compresses on disk: regular numbers would shrink below the limit).
  const rows = ['x,y,z'];
  for (let i = 0; i < 120_000; i++) rows.push(`${Math.random()},${Math.random() * 1e6},${Math.random() - 0.5}`);
  await importBuffer(page, 'large.csv', rows.join('\n'));
  await expect(page.getByRole('alert')).toContainText('Could not import large.csv: The browser has no room left to store this data');
  await expect(page.getByRole('list', { name: 'Datasets' }).getByRole('listitem')).toHaveCount(1);
  expect((await storeProblems(page)).problems).toEqual([]);

  // Still there after a reload, and still opens.
  await page.reload();
  await expect(summaryValue(page, 'Rows')).toHaveText('344');
  await expect(page.getByRole('list', { name: 'Datasets' }).getByRole('listitem')).toHaveCount(1);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin });
});
