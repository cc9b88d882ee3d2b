import { writeFileSync } from 'node:fs';
import { test, expect, importBuffer, summaryValue } from './fixtures.ts';

const cases: { what: string; name: string; body: string | Buffer; mime?: string; message: RegExp }[] = [
  { what: 'an empty file', name: 'empty.csv', body: '', message: /empty/i },
  { what: 'a header with no rows', name: 'header.csv', body: 'a,b,c\n', message: /no data rows|only a header/i },
  { what: 'a binary file', name: 'photo.csv', body: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 1, 2, 3, 0, 0, 0xff, 0xfe]), mime: 'application/octet-stream', message: /binary|not look like a text file/i },
  { what: 'ragged rows', name: 'ragged.csv', body: 'a,b\n1,2\n3,4,5\n6,7\n', message: /line 3/i },
  { what: 'invalid JSON', name: 'broken.json', body: '[{"a": 1},\n {"a": 2,, }]', mime: 'application/json', message: /JSON.*line 2|line 2.*JSON/i },
  { what: 'a corrupt Parquet file', name: 'broken.parquet', body: Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(64, 7), Buffer.from('PAR1')]), mime: 'application/octet-stream', message: /parquet/i }
];

for (const c of cases) {
  test(`${c.what} gets a clear message and stores nothing`, async ({ page }) => {
    await page.goto('/');
    await importBuffer(page, c.name, c.body, c.mime);
    await expect(page.getByRole('alert')).toContainText(c.message);
    await expect(page.getByRole('alert')).toContainText(c.name);
    await expect(page.getByRole('list', { name: 'Datasets' })).toHaveCount(0);
    // Still usable: a good file imports right after.
    await importBuffer(page, 'ok.csv', 'x,y\n1,2\n3,4\n');
    await expect(summaryValue(page, 'Rows')).toHaveText('2');
  });
}

test('duplicate and empty header names are renamed with a warning', async ({ page }) => {
  await page.goto('/');
  await importBuffer(page, 'dupes.csv', 'a,a,,b\n1,2,3,4\n5,6,7,8\n');
  await expect(summaryValue(page, 'Columns')).toHaveText('4');
  await expect(page.getByRole('status', { name: 'Import warnings' })).toContainText('a.1');
  await expect(page.getByRole('heading', { name: 'column_3' })).toBeVisible();
});

test('a file larger than the browser can hold is refused before reading', async ({ page }) => {
  await page.goto('/');
  await page.evaluate(() => localStorage.setItem('enclave:maxImportBytes', '1000'));
  await importBuffer(page, 'big.csv', 'a,b\n' + '1,2\n'.repeat(1000));
  await expect(page.getByRole('alert')).toContainText(/too large|larger than/i);
  await expect(page.getByRole('list', { name: 'Datasets' })).toHaveCount(0);
});

test('a file larger than the storage left is refused before reading, saying how much is free', async ({ page }) => {
  // The browser says 1 MB of 5 MB is left; a 2 MB file can't be saved, so it is never read.
  await page.addInitScript(() => {
    Object.defineProperty(navigator.storage, 'estimate', { value: async () => ({ quota: 5 * 1024 * 1024, usage: 4 * 1024 * 1024 }) });
  });
  await page.goto('/');
  await importBuffer(page, 'claims.csv', 'a,b\n' + '1234567,2345678\n'.repeat(130_000));
  await expect(page.getByRole('alert')).toContainText('claims.csv is larger than the storage this browser has left');
  await expect(page.getByRole('alert')).toContainText('1.0 MB is free');
  await expect(page.getByRole('progressbar')).toHaveCount(0);
  await expect(page.getByRole('list', { name: 'Datasets' })).toHaveCount(0);
});

test('cancelling an import stores nothing', async ({ page }, info) => {
  await page.goto('/');
  // Large enough (~30 MB) that the import is still running when Cancel is clicked.
  const path = info.outputPath('long.csv');
  const rows = Array.from({ length: 1_500_000 }, (_, i) => `${i},${((i * 7919) % 1000) / 10},g${i % 13},${i % 7 === 0 ? '' : i * 3}`);
  writeFileSync(path, 'id,value,group,other\n' + rows.join('\n'));
  await page.getByLabel('Choose a data file').setInputFiles(path);
  await expect(page.getByRole('progressbar', { name: 'Importing long.csv' })).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('alert')).toContainText('cancelled');
  await expect(page.getByRole('list', { name: 'Datasets' })).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole('list', { name: 'Datasets' })).toHaveCount(0);
});
