import { readFileSync } from 'node:fs';
import { test, expect, importBuffer, summaryValue } from './fixtures.ts';

const penguins = readFileSync('static/samples/penguins.csv');

test('importing a CSV shows its row and column counts, a histogram, and survives a reload', async ({ page }) => {
  await page.goto('/');
  await importBuffer(page, 'penguins.csv', penguins);
  await expect(summaryValue(page, 'Rows')).toHaveText('344');
  await expect(summaryValue(page, 'Columns')).toHaveText('7');
  await expect(summaryValue(page, 'Missing cells')).toHaveText('18');
  await expect(page.getByRole('img', { name: 'Histogram of Body Mass (g)' })).toBeVisible();
  await expect(page.getByRole('img', { name: 'Histogram of Body Mass (g)' }).locator('rect.bar').first()).toBeAttached();
  await expect(page.getByRole('img', { name: 'Most frequent values of Species' })).toContainText('Adelie');
  await expect(page.getByRole('img', { name: /Correlation heatmap/ })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Data preview table' })).toContainText('Torgersen');

  await page.reload();
  await expect(summaryValue(page, 'Rows')).toHaveText('344');
  await expect(page.getByRole('img', { name: 'Histogram of Body Mass (g)' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Open penguins' })).toBeVisible();
});

test('importing the same data twice stores one version', async ({ page }) => {
  await page.goto('/');
  await importBuffer(page, 'penguins.csv', penguins);
  await expect(summaryValue(page, 'Rows')).toHaveText('344');
  await importBuffer(page, 'penguins.csv', penguins);
  await expect(page.getByRole('status').filter({ hasText: 'already stored' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Open penguins' })).toHaveCount(1);
});

test('the sample button imports the penguins with no file', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: /Try the sample/ }).click();
  await expect(summaryValue(page, 'Rows')).toHaveText('344');
});

test('with the network off, the studio reloads and still imports', async ({ page, context }) => {
  await page.goto('/');
  // Wait until the service worker controls the page (everything precached).
  await page.waitForFunction(async () => {
    const reg = await navigator.serviceWorker.ready;
    return !!reg.active && !!navigator.serviceWorker.controller;
  }, undefined, { timeout: 60_000 }).catch(async () => { await page.reload(); });
  await page.waitForFunction(() => !!navigator.serviceWorker.controller, undefined, { timeout: 60_000 });
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Data', level: 1 })).toBeVisible();
  await expect(page.getByText('Offline')).toBeVisible();
  await importBuffer(page, 'small.csv', 'a,b,c\n1,x,2.5\n2,y,3.5\n3,x,\n');
  await expect(summaryValue(page, 'Rows')).toHaveText('3');
  await expect(summaryValue(page, 'Columns')).toHaveText('3');
  await expect(page.getByRole('img', { name: 'Histogram of a' })).toBeVisible();
  await page.getByRole('link', { name: 'Monitor' }).click();
  await expect(page.getByRole('heading', { name: 'Monitor', level: 1 })).toBeVisible();
  await context.setOffline(false);
});

test('every stage of the workflow has its page, none a placeholder', async ({ page }) => {
  await page.goto('/');
  for (const name of ['Prepare', 'Train', 'Evaluate', 'Deploy', 'Monitor', 'Federated']) {
    await page.getByRole('navigation', { name: 'Workflow' }).getByRole('link', { name }).click();
    await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
    await expect(page.getByText('not built yet')).toHaveCount(0);
  }
});

test('the page hydrates without the store or the worker handle: they load after first paint', async ({ request }) => {
  // Evaluated during hydration, Dexie (with the d3 and comlink code beside it) made one main-thread task of 55–90 ms.
  // A timed long-task assertion would be flaky on a shared machine; what the page preloads for hydration is not.
  const html = await (await request.get('/')).text();
  const preloaded = [...html.matchAll(/<link href="\.(\/_app\/[^"]+\.js)" rel="modulepreload"/g)].map((m) => m[1]);
  expect(preloaded.length).toBeGreaterThan(0);
  for (const href of preloaded) {
    const js = await (await request.get(href)).text();
    expect(js, `${href} holds Dexie`).not.toContain('DexieError');
    expect(js, `${href} starts a worker`).not.toContain('new Worker(');
  }
});

test('a CSV past 8 MB is read in two halves into shared memory: its rows and duplicate rows counted, stored once, and back after a reload', async ({ page }) => {
  test.setTimeout(180_000);
  // 400,000 rows of random decimals (no two alike), then 1,000 of them again: exactly 1,000 duplicate rows (as pandas
  // 1.5.3 counts them for these bytes: df.duplicated().sum()).
  let s = 7;
  const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32; // 32-bit LCG, exact in integers
  const rows: string[] = [];
  for (let i = 0; i < 400_000; i++) rows.push(`${(rand() * 200 - 100).toFixed(6)},${(rand() * 1e4).toFixed(4)},${'abcdefgh'[i % 8]}`);
  for (let i = 0; i < 1000; i++) rows.push(rows[i * 97]);
  const csv = Buffer.from(['x,y,group', ...rows].join('\n') + '\n');
  expect(csv.length).toBeGreaterThan(8 << 20); // the size from which a CSV is read in two halves
  await page.goto('/');
  await importBuffer(page, 'halves.csv', csv);
  await expect(summaryValue(page, 'Rows')).toHaveText('401,000', { timeout: 120_000 });
  await expect(summaryValue(page, 'Duplicate rows')).toHaveText('1,000');
  await expect(summaryValue(page, 'Missing cells')).toHaveText('0');
  // The same bytes again: the same content hash (made by the helper from shared memory), so one version.
  await importBuffer(page, 'halves.csv', csv);
  await expect(page.getByRole('status').filter({ hasText: 'already stored' })).toBeVisible({ timeout: 120_000 });
  await page.reload();
  await expect(summaryValue(page, 'Rows')).toHaveText('401,000', { timeout: 60_000 });
  await expect(summaryValue(page, 'Duplicate rows')).toHaveText('1,000');
});
