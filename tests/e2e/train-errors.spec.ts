import { test, expect, preparedPenguins } from './fixtures.ts';

test('a cancelled training run is kept, marked cancelled, with its curves so far; a bad hyperparameter gets a message naming it and stores nothing', async ({ page }) => {
  test.setTimeout(180_000);
  await preparedPenguins(page);
  await page.getByLabel('Algorithm').selectOption('mlp');
  await page.getByLabel('Backend').selectOption('cpu');
  await page.getByLabel('Epochs').fill('5000');
  await page.getByLabel('Epochs').blur();
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByRole('progressbar', { name: 'Training' })).toBeVisible();
  await expect(page.getByRole('img', { name: 'Loss per epoch' })).toBeVisible({ timeout: 60_000 }); // some epochs in
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Training cancelled. The run is kept with its curves so far' })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('table', { name: 'Runs' }).getByRole('row')).toHaveCount(2); // the header and the cancelled run
  await expect(page.getByRole('table', { name: 'Runs' })).toContainText('cancelled (epoch');

  await page.getByLabel('Epochs').fill('20');
  await page.getByLabel('Learning rate').fill('-0.1');
  await page.getByLabel('Learning rate').blur();
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('learningRate must be a number > 0');
  await expect(page.getByRole('table', { name: 'Runs' }).getByRole('row')).toHaveCount(2); // still only the cancelled run
});
