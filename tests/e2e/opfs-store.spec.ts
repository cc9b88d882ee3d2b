/**
 * Column chunks live in the Origin Private File System (src/lib/store/opfs-chunks.ts): one file per version, written by
 * the data worker, read back by the preview worker after a reload, deleted with the dataset.
 */
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect, importBuffer, summaryValue } from './fixtures.ts';

const penguins = readFileSync('static/samples/penguins.csv');

/** Names in the app database's chunk folder, and how many chunk records IndexedDB holds. */
function stored(page: Page): Promise<{ files: string[]; idbChunks: number }> {
  return page.evaluate(async () => {
    const files: string[] = [];
    try {
      const root = await navigator.storage.getDirectory();
      const dir = await (await root.getDirectoryHandle('enclave-chunks')).getDirectoryHandle('enclave');
      for await (const name of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) files.push(name);
    } catch {
      // no folder yet: no files
    }
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('enclave');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const idbChunks = await new Promise<number>((resolve, reject) => {
      const req = db.transaction('chunks', 'readonly').objectStore('chunks').count();
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    db.close();
    return { files: files.sort(), idbChunks };
  });
}

test('an import is stored as one OPFS file that loads after a reload and goes with the dataset', async ({ page }) => {
  await page.goto('/');
  await importBuffer(page, 'penguins.csv', penguins);
  await expect(summaryValue(page, 'Rows')).toHaveText('344');
  const saved = Date.now();

  const after = await stored(page);
  expect(after.files).toHaveLength(1);
  expect(after.files[0]).toMatch(/^[0-9a-f]{64}\.chunks$/);
  expect(after.idbChunks).toBe(0);

  // The preview worker reads the rows back from the file.
  await page.reload();
  await expect(summaryValue(page, 'Rows')).toHaveText('344');
  await expect(page.getByRole('table', { name: 'Data preview table' })).toContainText('Torgersen');

  // A delete leaves a file written in the last 3 s for the sweep (a save of the same bytes may be committing).
  await page.waitForTimeout(Math.max(0, saved + 3500 - Date.now()));
  page.on('dialog', (d) => d.accept());
  await page.getByRole('list', { name: 'Datasets' }).getByRole('button', { name: 'Delete penguins' }).click();
  await expect(page.getByRole('list', { name: 'Datasets' })).toHaveCount(0);
  await expect.poll(async () => (await stored(page)).files).toEqual([]);
});

test('a full disk while writing the file: the import says there is no room and leaves no file behind', async ({ page, context, baseURL }) => {
  await page.goto('/');
  await page.waitForFunction(() => !!navigator.serviceWorker.controller, undefined, { timeout: 60_000 }).catch(() => undefined);
  const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
  const cdp = await context.newCDPSession(page);
  const origin = new URL(baseURL!).origin;
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + 1_000_000 });
  // ~3 MB of chunk bytes (120,000 rows × 3 float columns) against 1 MB of room.
  const rows = ['x,y,z'];
  for (let i = 0; i < 120_000; i++) rows.push(`${Math.random()},${Math.random() * 1e6},${Math.random() - 0.5}`);
  await importBuffer(page, 'large.csv', rows.join('\n'));
  await expect(page.getByRole('alert')).toContainText('Could not import large.csv: The browser has no room left to store this data');
  expect((await stored(page)).files).toEqual([]);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin });
});
