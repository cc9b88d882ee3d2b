import { expect, importBuffer, preparedPenguins, summaryValue, test } from './fixtures';

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

test('a table of 450,000 rows is solved by L-BFGS on two threads (a worker holds half the training rows)', async ({ page }) => {
  test.setTimeout(300_000);
  // x1, x2 and a label that is a noisy linear rule of them: 270,000 training rows, past the two-thread threshold.
  let s = 1;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const lines = ['x1,x2,label'];
  for (let i = 0; i < 450_000; i++) {
    const a = rand() * 10 - 5, b = rand() * 10 - 5;
    lines.push(`${a.toFixed(3)},${b.toFixed(3)},${a - 0.5 * b + rand() - 0.5 > 0 ? 'yes' : 'no'}`);
  }
  await page.goto('/');
  await importBuffer(page, 'two-threads.csv', lines.join('\n') + '\n');
  await expect(summaryValue(page, 'Rows')).toHaveText('450,000', { timeout: 120_000 });
  await page.getByRole('navigation', { name: 'Workflow' }).getByRole('link', { name: 'Prepare' }).click();
  await page.getByLabel('Target column (what to predict)').selectOption('label');
  await page.getByRole('button', { name: 'Prepare and split' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved the prepared splits' })).toBeVisible({ timeout: 120_000 });
  await page.getByRole('navigation', { name: 'Workflow' }).getByRole('link', { name: 'Train' }).click();
  await page.getByLabel('Algorithm').selectOption('logistic');
  await page.getByLabel('Backend').selectOption('wasm');
  await page.getByLabel('Solver').selectOption('lbfgs');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  const run = page.getByRole('region', { name: 'Selected run' });
  await expect(run).toContainText('logistic on wasm', { timeout: 180_000 });
  await expect(run).toContainText('Solved by L-BFGS on 2 threads');
  const row = page.getByRole('table', { name: 'Runs' }).getByRole('row').nth(1);
  const accuracy = Number((await row.getByRole('cell').nth(6).textContent())!.replace(/[^\d.]/g, ''));
  expect(accuracy).toBeGreaterThanOrEqual(0.85);
});
