import { test, expect, preparedPenguins } from './fixtures.ts';

test('tuning k of a k-nearest-neighbours model: every trial scored on validation, the best highlighted and kept as a run', async ({ page }) => {
  test.setTimeout(180_000);
  await preparedPenguins(page);
  await page.getByLabel('Algorithm').selectOption('knn');
  await page.getByLabel('Backend').selectOption('cpu');
  const form = page.getByRole('form', { name: 'Tune hyperparameters' });
  await form.getByLabel('k values').fill('1, 3, 7');
  await form.getByRole('button', { name: 'Tune' }).click();
  const trials = page.getByRole('table', { name: 'Tuning trials' });
  await expect(trials.getByRole('row')).toHaveCount(4, { timeout: 120_000 });
  await expect(trials.locator('tr[aria-current="true"]').first()).toContainText('(best)');
  await expect(page.getByRole('region', { name: 'Selected run' })).toContainText('knn on cpu');
  await expect(page.getByRole('table', { name: 'Runs' }).getByRole('row')).toHaveCount(2);
  await page.getByLabel(/Filter runs/).fill('mlp');
  await expect(page.getByRole('table', { name: 'Runs' }).getByRole('row')).toHaveCount(1);
  await page.getByLabel(/Filter runs/).fill('knn');
  await expect(page.getByRole('table', { name: 'Runs' }).getByRole('row')).toHaveCount(2);
  const runsTable = page.getByRole('table', { name: 'Runs' });
  await runsTable.getByRole('button', { name: 'Validation accuracy', exact: true }).click();
  await expect(runsTable.getByRole('columnheader', { name: 'Validation accuracy', exact: true })).toHaveAttribute('aria-sort', 'descending');

  // A bad value in the search space gets a message naming the hyperparameter, and nothing runs.
  await form.getByLabel('k values').fill('1, three');
  await form.getByRole('button', { name: 'Tune' }).click();
  await expect(page.getByRole('alert')).toContainText('k:');
});
