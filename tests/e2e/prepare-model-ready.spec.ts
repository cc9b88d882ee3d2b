import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect, importBuffer, summaryValue } from './fixtures.ts';

async function toPrepare(page: Page) {
  await page.getByRole('navigation', { name: 'Workflow' }).getByRole('link', { name: 'Prepare' }).click();
  await expect(page.getByRole('heading', { name: 'Prepare', level: 1 })).toBeVisible();
}

test('movies.json: rows without an IMDB Rating are left out before the split, and the report says how many', async ({ page }) => {
  await page.goto('/');
  await importBuffer(page, 'movies.json', readFileSync('node_modules/vega-datasets/data/movies.json'), 'application/json');
  await expect(summaryValue(page, 'Rows')).toHaveText(/3,?201/);
  await toPrepare(page);
  await page.getByLabel('Target column (what to predict)').selectOption('IMDB Rating');
  const suggestions = page.getByRole('region', { name: 'Suggestions' });
  while (await suggestions.getByRole('button', { name: 'Add' }).count()) await suggestions.getByRole('button', { name: 'Add' }).first().click();
  await page.getByRole('button', { name: 'Prepare and split' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved the prepared splits' })).toBeVisible();
  // python3: sum(r['IMDB Rating'] is None for r in json.load(open('movies.json'))) == 213, of 3201 rows.
  await expect(page.getByRole('note')).toContainText('213 rows without a value for IMDB Rating were left out before the split');
  const sizes = page.getByRole('table', { name: 'Split sizes' });
  let total = 0;
  for (const s of ['train', 'validation', 'test']) total += Number((await sizes.getByRole('row', { name: new RegExp(s) }).getByRole('cell').nth(1).innerText()).replace(/,/g, ''));
  expect(total).toBe(2988);
});

test('a date-parts step that keeps its date is refused before saving, naming the column and the fix; dropping the date saves', async ({ page }) => {
  await page.goto('/');
  const rows = Array.from({ length: 40 }, (_, i) => `2024-0${1 + (i % 9)}-1${i % 10},${(i * 37) % 100},${i % 3 ? 'yes' : 'no'}`);
  await importBuffer(page, 'days.csv', 'day,x,y\n' + rows.join('\n'));
  await expect(summaryValue(page, 'Rows')).toHaveText('40');
  await toPrepare(page);
  await page.getByLabel('Target column (what to predict)').selectOption('y');
  const form = page.getByRole('form', { name: 'Add a step' });
  await form.getByLabel('Step').selectOption({ label: 'Date parts' });
  await form.getByLabel('Date column', { exact: true }).selectOption('day');
  const dropDate = form.getByLabel(/Drop the date column/);
  await expect(dropDate).toBeChecked(); // new steps drop the date by default
  await dropDate.uncheck();
  await form.getByRole('button', { name: 'Add step' }).click();
  await page.getByRole('button', { name: 'Prepare and split' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('After the recipe, 1 column is not ready for models. Nothing was stored.');
  await expect(alert.getByRole('list', { name: 'Columns not ready for models' })).toContainText('step 1 (date-parts) made new columns from it but kept "day" itself: drop it');
  await expect(page.getByRole('heading', { name: 'Validation report' })).toHaveCount(0);

  await page.getByRole('button', { name: 'Remove step 1' }).click();
  await form.getByLabel('Step').selectOption({ label: 'Date parts' });
  await form.getByLabel('Date column', { exact: true }).selectOption('day');
  await dropDate.check();
  await form.getByRole('button', { name: 'Add step' }).click();
  await page.getByRole('button', { name: 'Prepare and split' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved the prepared splits' })).toBeVisible();
});
