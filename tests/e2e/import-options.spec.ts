import { readFileSync } from 'node:fs';
import { test, expect, importBuffer, summaryValue } from './fixtures.ts';

const SKLEARN = 'tests/fixtures/sklearn';

test('breast_cancer.csv is refused as it is; skipping its count line (and reading its first line as data) imports 569 rows', async ({ page }) => {
  await page.goto('/');
  await importBuffer(page, 'breast_cancer.csv', readFileSync(`${SKLEARN}/breast_cancer.csv`));
  await expect(page.getByRole('alert')).toContainText('Could not import breast_cancer.csv');
  await expect(page.getByRole('alert')).toContainText('Line 2 has 31 fields but the header (line 1) has 4');
  const panel = page.getByRole('region', { name: 'Import options for breast_cancer.csv' });
  await expect(panel.getByRole('list', { name: 'First lines of the file' })).toContainText('569,30,malignant,benign');
  await expect(panel).toContainText('Suggested: skip 1 line, no header row');

  // By hand: skip 1 line; the first row of numbers becomes the header, which the preview shows …
  await panel.getByLabel('Lines to skip').fill('1');
  const table = panel.getByRole('table', { name: 'Preview of the first rows' });
  await expect(table.getByRole('columnheader').first()).toContainText('17.99');
  await expect(page.getByRole('alert')).toHaveCount(0);
  // … so the header row goes too: the columns are column_1 … column_31 and 17.99 is the first value.
  await panel.getByLabel('The first line read holds the column names').uncheck();
  await expect(table.getByRole('columnheader').first()).toContainText('column_1');
  await expect(table.getByRole('row').nth(1).getByRole('cell').first()).toHaveText('17.99');
  await panel.getByRole('button', { name: 'Import with these options' }).click();
  await expect(summaryValue(page, 'Rows')).toHaveText('569');
  await expect(summaryValue(page, 'Columns')).toHaveText('31');
});

test('iris.csv: its "150,4,setosa,…" line is not taken as the header when the suggestion is used', async ({ page }) => {
  await page.goto('/');
  await importBuffer(page, 'iris.csv', readFileSync(`${SKLEARN}/iris.csv`));
  const panel = page.getByRole('region', { name: 'Import options for iris.csv' });
  await expect(panel).toContainText('Suggested: skip 1 line, no header row');
  await panel.getByRole('button', { name: 'Use the suggestion' }).click();
  await expect(panel.getByLabel('Lines to skip')).toHaveValue('1');
  await expect(panel.getByRole('table', { name: 'Preview of the first rows' }).getByRole('row').nth(1)).toContainText('5.1');
  await panel.getByRole('button', { name: 'Import with these options' }).click();
  await expect(summaryValue(page, 'Rows')).toHaveText('150');
});

test('a Latin-1 file with ";" and decimal commas imports with café right and 1,5 as the number 1.5', async ({ page }) => {
  await page.goto('/');
  await importBuffer(page, 'cafe.csv', Buffer.from('name;value\ncafé;1,5\nthé;2,25\n', 'latin1'));
  const panel = page.getByRole('region', { name: 'Import options for cafe.csv' });
  await expect(panel).toContainText('Suggested: Latin-1 (Windows-1252)');
  await panel.getByLabel('Text encoding').selectOption('windows-1252');
  await panel.getByLabel('Delimiter').selectOption(';');
  await panel.getByLabel('Decimal separator').selectOption('comma');
  const table = panel.getByRole('table', { name: 'Preview of the first rows' });
  await expect(table.getByRole('row').nth(1)).toHaveText(/café\s*1\.5/);
  await expect(table.getByRole('columnheader', { name: /value/ })).toContainText('float');
  await panel.getByRole('button', { name: 'Import with these options' }).click();
  await expect(summaryValue(page, 'Rows')).toHaveText('2');
  await expect(page.getByRole('table', { name: 'Data preview table' })).toContainText('café');
  await expect(page.getByRole('table', { name: 'Data preview table' })).toContainText('1.5');
  await expect(page.getByRole('table', { name: 'Data preview table' })).not.toContainText('\uFFFD');
});

test('an Excel workbook: pick the sheet and the header row, then import', async ({ page }) => {
  await page.goto('/');
  // tests/fixtures/openpyxl.xlsx: sheet "Notes" holds one cell; sheet "Data" a title row, then the header and 3 rows.
  await importBuffer(page, 'book.xlsx', readFileSync('tests/fixtures/openpyxl.xlsx'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  const panel = page.getByRole('region', { name: 'Import options for book.xlsx' });
  await panel.getByLabel('Sheet').selectOption('Data');
  await panel.getByLabel('Rows to skip above the header').fill('1');
  const table = panel.getByRole('table', { name: 'Preview of the first rows' });
  await expect(table.getByRole('columnheader', { name: /when/ })).toContainText('datetime');
  await expect(table.getByRole('row').nth(1)).toContainText('café');
  await expect(table.getByRole('row').nth(1)).toContainText('1998-06-12');
  await panel.getByRole('button', { name: 'Import with these options' }).click();
  await expect(summaryValue(page, 'Rows')).toHaveText('3');
  await expect(summaryValue(page, 'Columns')).toHaveText('5');
});
