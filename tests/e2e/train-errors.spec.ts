import { test, expect, preparedPenguins } from './fixtures.ts';

test('cancelling a training run stores no run; a bad hyperparameter gets a message naming it', async ({ page }) => {
  test.setTimeout(180_000);
  await preparedPenguins(page);
  await page.getByLabel('Algorithm').selectOption('mlp');
  await page.getByLabel('Backend').selectOption('cpu');
  await page.getByLabel('Epochs').fill('5000');
  await page.getByLabel('Epochs').blur();
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByRole('progressbar', { name: 'Training' })).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('alert')).toContainText('Training cancelled. Nothing was stored.');
  await expect(page.getByRole('table', { name: 'Runs' })).toHaveCount(0);

  await page.getByLabel('Epochs').fill('20');
  await page.getByLabel('Learning rate').fill('-0.1');
  await page.getByLabel('Learning rate').blur();
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('learningRate must be a number > 0');
  await expect(page.getByRole('table', { name: 'Runs' })).toHaveCount(0);
});
