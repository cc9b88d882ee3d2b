import { readFileSync } from 'node:fs';
import { test, expect, promotedLogisticPenguins } from './fixtures.ts';

test('A/B verdict on labelled rows; export a bundle, delete the model with its dataset, import the bundle back: same prediction', async ({ page }) => {
  test.setTimeout(300_000);
  await promotedLogisticPenguins(page);
  await page.getByRole('navigation', { name: 'Workflow' }).getByRole('link', { name: 'Deploy' }).click();

  // A challenger, then champion vs challenger on the labelled sample: a verdict in words, with the numbers.
  await page.getByRole('button', { name: 'Retrain' }).click();
  await expect(page.getByRole('status', { name: 'Last change' })).toContainText('1.1.0 was trained and registered as challenger', { timeout: 180_000 });
  await page.getByLabel('Choose a labelled file to compare on').setInputFiles({ name: 'labelled.csv', mimeType: 'text/csv', buffer: readFileSync('static/samples/penguins.csv') });
  await expect(page.getByRole('status', { name: 'Verdict' })).toContainText(/The challenger is (better|worse)\.|No detectable difference at 95%\./, { timeout: 60_000 });
  const comparison = page.getByRole('table', { name: 'Comparison' });
  await expect(comparison).toContainText('Difference (95% interval)');
  await expect(comparison).toContainText('McNemar');

  // The champion's prediction for the prefilled first row, before export.
  const form = page.getByRole('form', { name: 'Predict one row' });
  await form.getByRole('button', { name: 'Predict' }).click();
  const before = await form.getByRole('status', { name: 'Prediction' }).innerText();

  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: /Export penguins-model 1\.0\.0 as a bundle/ }).click();
  await page.getByRole('link', { name: 'Download penguins-model-1.0.0.zip' }).click();
  const bundle = readFileSync((await (await downloading).path())!);
  expect(bundle.subarray(0, 2).toString()).toBe('PK');

  // Delete the dataset: its models go with it, and Deploy is empty again.
  await page.getByRole('navigation', { name: 'Workflow' }).getByRole('link', { name: 'Data' }).click();
  page.on('dialog', (d) => d.accept());
  await page.getByRole('list', { name: 'Datasets' }).getByRole('button', { name: 'Delete penguins' }).click();
  await expect(page.getByRole('list', { name: 'Datasets' })).toHaveCount(0);
  await page.getByRole('navigation', { name: 'Workflow' }).getByRole('link', { name: 'Deploy' }).click();
  await expect(page.getByRole('region', { name: 'No models yet' })).toBeVisible();

  // Import the bundle back: the model returns and predicts the same for the same row.
  await page.getByLabel('Import a bundle').setInputFiles({ name: 'penguins-model-1.0.0.zip', mimeType: 'application/zip', buffer: bundle });
  await expect(page.getByRole('status', { name: 'Import', exact: true })).toContainText('Imported penguins-model 1.0.0 as champion', { timeout: 60_000 });
  await expect(page.getByRole('table', { name: 'Versions' }).getByRole('row').filter({ hasText: '1.0.0' })).toContainText('champion');
  // No source data is left to prefill from: type the row the prediction was made for.
  const row = new Map([['Island', 'Torgersen'], ['Beak Length (mm)', '39.1'], ['Beak Depth (mm)', '18.7'], ['Flipper Length (mm)', '181'], ['Body Mass (g)', '3750'], ['Sex', 'MALE']]);
  for (const [name, value] of row) {
    const field = form.getByLabel(name, { exact: true });
    if ((await field.evaluate((e) => e.tagName)) === 'SELECT') await field.selectOption(value);
    else await field.fill(value);
  }
  await form.getByRole('button', { name: 'Predict' }).click();
  await expect(form.getByRole('status', { name: 'Prediction' })).toHaveText(before);

  // A file that is not a bundle: a clear message.
  await page.getByLabel('Import a bundle').setInputFiles({ name: 'notes.zip', mimeType: 'application/zip', buffer: Buffer.from('hello') });
  await expect(page.getByRole('alert').filter({ hasText: 'not a model bundle' })).toBeVisible();
});
