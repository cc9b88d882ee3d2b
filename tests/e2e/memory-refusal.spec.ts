import { expect, preparedPenguins, summaryValue, test } from './fixtures';

// The budget is set just above the tab's own 1 GiB baseline, so even the 344 penguins don't fit: each job must say so
// before it starts, and store nothing.
const TINY = String(2 ** 30 + 1_000);

test('a prepare this device cannot hold is refused before it starts, naming rows, columns and sizes', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: /Try the sample/ }).click();
  await expect(summaryValue(page, 'Rows')).toHaveText('344');
  await page.evaluate((b) => localStorage.setItem('enclave:memoryBudgetBytes', b), TINY);
  await page.getByRole('navigation', { name: 'Workflow' }).getByRole('link', { name: 'Prepare' }).click();
  await page.getByLabel('Target column (what to predict)').selectOption('Species');
  await page.getByRole('button', { name: 'Prepare and split' }).click();
  await expect(page.getByRole('alert')).toContainText(/Preparing 344 rows into \d+ columns needs about .* of memory/);
  await expect(page.getByRole('progressbar')).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: 'Saved the prepared splits' })).toHaveCount(0);
});

test('a training this device cannot hold is refused before it starts, and no run is kept', async ({ page }) => {
  test.setTimeout(120_000);
  await preparedPenguins(page);
  await page.evaluate((b) => localStorage.setItem('enclave:memoryBudgetBytes', b), TINY);
  await page.getByLabel('Algorithm').selectOption('logistic');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText(/Training on \d+ rows \(training and validation\) of \d+ columns needs about/);
  await expect(page.getByRole('progressbar')).toHaveCount(0);
  await expect(page.getByRole('table', { name: 'Runs' })).toHaveCount(0);
});
