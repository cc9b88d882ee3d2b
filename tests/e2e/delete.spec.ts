import { test, expect, preparedPenguins } from './fixtures.ts';

test('deleting a dataset says what goes with it, then removes its runs and registered models too', async ({ page }) => {
  test.setTimeout(120_000);
  await preparedPenguins(page);
  await page.getByLabel('Algorithm').selectOption('knn');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  const run = page.getByRole('region', { name: 'Selected run' });
  await expect(run).toContainText('knn on', { timeout: 60_000 });
  await run.getByRole('button', { name: 'Promote and score the test split' }).click();
  await expect(page.getByRole('table', { name: 'Registered models' })).toContainText('1.0.0');

  await page.getByRole('navigation', { name: 'Workflow' }).getByRole('link', { name: 'Data' }).click();
  const messages: string[] = [];
  page.on('dialog', (d) => (messages.push(d.message()), d.accept()));
  await page.getByRole('list', { name: 'Datasets' }).getByRole('button', { name: 'Delete penguins' }).click();
  await expect(page.getByRole('list', { name: 'Datasets' })).toHaveCount(0);
  // The source version and its three prepared splits; the recipe and the Prepare draft; the k-NN run; its promoted version.
  expect(messages).toEqual(['Delete the dataset “penguins”, its 4 versions, 1 recipe, 1 recipe draft, 1 training run and 1 registered model version from this device?']);
  // Nothing of it is left in localStorage (the draft held its column names and categories).
  expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('enclave:recipe:') || k === 'enclave:selected'))).toEqual([]);

  await page.getByRole('navigation', { name: 'Workflow' }).getByRole('link', { name: 'Train' }).click();
  await expect(page.getByRole('table', { name: 'Runs' })).toHaveCount(0);
  await expect(page.getByRole('table', { name: 'Registered models' })).toHaveCount(0);
});
