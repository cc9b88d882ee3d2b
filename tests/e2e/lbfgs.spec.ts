import { expect, preparedPenguins, test } from './fixtures';

test('logistic regression by L-BFGS from the Train page: iterations instead of epochs, learning rate and batch hidden, the run reads L-BFGS', async ({ page }) => {
  test.setTimeout(180_000);
  await preparedPenguins(page);
  await page.getByLabel('Algorithm').selectOption('logistic');
  await page.getByLabel('Backend').selectOption('wasm');
  await page.getByLabel('Solver').selectOption('lbfgs');
  await expect(page.getByLabel('Learning rate')).toHaveCount(0);
  await expect(page.getByLabel('Batch size')).toHaveCount(0);
  await page.getByLabel('Iterations (at most)').fill('100');
  await page.getByLabel('Iterations (at most)').blur();
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByRole('region', { name: 'Selected run' })).toContainText('logistic', { timeout: 120_000 });
  const row = page.getByRole('table', { name: 'Runs' }).getByRole('row').nth(1);
  await expect(row).toContainText('L-BFGS');
  await expect(row).toContainText('≤ 100 iterations');
  await expect(row).toContainText('completed');
  // Its curves count iterations over all rows, not epochs.
  await expect(page.getByRole('img', { name: 'Loss per iteration' })).toBeVisible();
  await expect(page.getByRole('img', { name: 'Loss per epoch' })).toHaveCount(0);
  // Tuning it searches l2 only: L-BFGS has no learning rate.
  await expect(page.getByLabel('l2 values')).toHaveValue('0.1, 1, 10');
  await expect(page.getByLabel('learningRate values')).toHaveCount(0);
  const accuracy = Number((await row.getByRole('cell').nth(6).textContent())!.replace(/[^\d.]/g, ''));
  expect(accuracy).toBeGreaterThanOrEqual(0.95);
});
