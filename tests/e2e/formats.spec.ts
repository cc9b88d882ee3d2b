import { readFileSync } from 'node:fs';
import { test, expect, importBuffer, summaryValue } from './fixtures.ts';

test('a JSON array of records imports with its types', async ({ page }) => {
  await page.goto('/');
  const records = [
    { patient: 'p1', age: 34, smoker: true, visited: '2024-01-05' },
    { patient: 'p2', age: null, smoker: false, visited: '2024-02-11' },
    { patient: 'p3', age: 51, smoker: false, visited: '2024-03-30' }
  ];
  await importBuffer(page, 'visits.json', JSON.stringify(records), 'application/json');
  await expect(summaryValue(page, 'Rows')).toHaveText('3');
  await expect(summaryValue(page, 'Format')).toHaveText('json');
  const table = page.getByRole('table', { name: 'Data preview table' });
  await expect(table.getByRole('columnheader', { name: /age\s*integer/ })).toBeVisible();
  await expect(table.getByRole('columnheader', { name: /smoker\s*boolean/ })).toBeVisible();
  await expect(table.getByRole('columnheader', { name: /visited\s*datetime/ })).toBeVisible();
});

test('a TSV with quoted tabs, CRLF and a BOM imports', async ({ page }) => {
  await page.goto('/');
  const tsv = '\uFEFFname\tnote\tscore\r\n"Ada"\t"likes\ttabs"\t1.5\r\n"Bob"\t"line one\nline two"\t2\r\n';
  await importBuffer(page, 'notes.tsv', tsv, 'text/tab-separated-values');
  await expect(summaryValue(page, 'Rows')).toHaveText('2');
  await expect(summaryValue(page, 'Columns')).toHaveText('3');
  await expect(summaryValue(page, 'Format')).toHaveText('tsv');
  await expect(page.getByRole('heading', { name: 'name', exact: true })).toBeVisible();
});

test('a Parquet file imports', async ({ page }) => {
  await page.goto('/');
  await importBuffer(page, 'simple.parquet', readFileSync('tests/fixtures/simple.parquet'), 'application/octet-stream');
  await expect(summaryValue(page, 'Format')).toHaveText('parquet');
  await expect(summaryValue(page, 'Rows')).not.toHaveText('0');
});

test('the studio is installable: manifest with icons, and a service worker', async ({ page, request }) => {
  await page.goto('/');
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  const manifest = await (await request.get(new URL(href!, page.url()).href)).json();
  expect(manifest).toMatchObject({ name: expect.stringContaining('Enclave'), start_url: '/', display: 'standalone' });
  for (const size of ['192x192', '512x512']) {
    const icon = manifest.icons.find((i: { sizes: string }) => i.sizes === size);
    const res = await request.get(new URL(icon.src, page.url()).href);
    expect(res.headers()['content-type']).toBe('image/png');
  }
  await page.waitForFunction(async () => !!(await navigator.serviceWorker.ready).active);
  const res = await request.get('/');
  expect(res.headers()['cross-origin-opener-policy']).toBe('same-origin');
  expect(res.headers()['cross-origin-embedder-policy']).toBe('require-corp');
  expect(res.headers()['content-security-policy']).toContain("connect-src 'self'");
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
});
