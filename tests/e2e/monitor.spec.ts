import { readFileSync } from 'node:fs';
import { test, expect, promotedLogisticPenguins } from './fixtures.ts';

/** The sample penguins (no quoted fields) with some columns scaled and, optionally, one column left out. */
function penguins({ scale = [], factor = 1, without, clean = false }: { scale?: string[]; factor?: number; without?: string; clean?: boolean } = {}): string {
  let lines = readFileSync('static/samples/penguins.csv', 'utf8').trim().split(/\r?\n/);
  // The sample's one Sex "." is not in the training split: chi-square (Evidently's rule) counts a category training
  // never saw as drift, so a batch that should differ in body mass only leaves that row out.
  if (clean) lines = lines.filter((l) => !l.endsWith(',.'));
  const header = lines[0].split(',');
  const at = new Set(scale.map((c) => header.indexOf(c))), drop = without ? header.indexOf(without) : -1;
  return lines.map((l, row) => l.split(',').map((cell, i) => (row > 0 && at.has(i) && cell.trim() !== '' && Number.isFinite(Number(cell)) ? String(Math.round(Number(cell) * factor * 10) / 10) : cell))
    .filter((_, i) => i !== drop).join(',')).join('\n') + '\n';
}

test('Monitor: empty states, a shifted batch flags its feature only, a labelled batch charts its metric, both kept after a reload', async ({ page }) => {
  test.setTimeout(300_000);
  // An empty studio: Monitor says what to do first.
  await page.goto('/monitor');
  await expect(page.getByRole('region', { name: 'No models yet' })).toContainText('No registered model yet');
  await expect(page.getByRole('link', { name: 'Train a model' })).toHaveAttribute('href', '/train');

  // A small logistic model, promoted (champion 1.0.0).
  await promotedLogisticPenguins(page);

  await page.getByRole('navigation', { name: 'Workflow' }).getByRole('link', { name: 'Monitor' }).click();
  await expect(page.getByRole('status', { name: 'Champion' })).toContainText('penguins-model 1.0.0');
  await expect(page.getByRole('region', { name: 'No batches yet' })).toContainText('Score a file to start monitoring');
  await expect(page.getByLabel('Score with')).toHaveValue(/.+/);

  // (1) Body mass × 1.3, no labels: that feature drifts, and no other.
  await page.getByLabel('Choose a data file').setInputFiles({ name: 'heavy-penguins.csv', mimeType: 'text/csv', buffer: Buffer.from(penguins({ scale: ['Body Mass (g)'], factor: 1.3, without: 'Species', clean: true })) });
  await expect(page.getByRole('status', { name: 'Last monitored file' })).toContainText('heavy-penguins.csv', { timeout: 90_000 });
  const table = page.getByRole('table', { name: 'Drift per feature' });
  await expect(table.getByRole('row').filter({ hasText: 'Body Mass (g)' })).toContainText('Drifted');
  await expect(table.getByRole('row').filter({ hasText: 'Drifted' })).toHaveCount(1);
  await expect(table.getByRole('row').filter({ hasText: 'No drift' })).toHaveCount(5);
  await expect(page.getByRole('img', { name: /Drifted share of features per batch/ })).toBeVisible();
  await expect(page.getByText('Alert threshold: 50%')).toBeVisible();
  await expect(page.getByText(/No batch carried labels yet/)).toBeVisible();

  // (2) The unchanged penguins with Species: the labelled metric is charted beside the sealed test's.
  await page.getByLabel('Choose a data file').setInputFiles({ name: 'labelled-penguins.csv', mimeType: 'text/csv', buffer: Buffer.from(penguins()) });
  await expect(page.getByRole('status', { name: 'Last monitored file' })).toContainText('labelled-penguins.csv', { timeout: 90_000 });
  await expect(page.getByRole('img', { name: /Accuracy per labelled batch/ })).toBeVisible();
  await expect(page.getByText(/Sealed test accuracy: \d/)).toBeVisible();
  await expect(table.getByRole('row').filter({ hasText: 'Body Mass (g)' })).toContainText('No drift');
  const batches = page.getByRole('table', { name: 'Batches' });
  await expect(batches.getByRole('row')).toHaveCount(3);
  await expect(batches.getByRole('row').filter({ hasText: 'labelled-penguins.csv' })).toContainText(/accuracy 0\.\d+/);
  await expect(batches.getByRole('row').filter({ hasText: 'heavy-penguins.csv' })).toContainText('1 of 6');

  // A reload keeps both batches; the earlier one's drift table can be shown again.
  await page.reload();
  await expect(batches.getByRole('row')).toHaveCount(3);
  await expect(page.getByRole('img', { name: /Accuracy per labelled batch/ })).toBeVisible();
  await batches.getByRole('button', { name: /Show the drift of heavy-penguins\.csv/ }).click();
  await expect(table.getByRole('row').filter({ hasText: 'Drifted' })).toHaveCount(1);
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Back to Deploy' })).toHaveAttribute('href', '/deploy');

  // (3) Three of six features shifted: the drifted share reaches the 50% threshold, an alert stands, and the page's
  // next action is to retrain.
  await page.getByLabel('Choose a data file').setInputFiles({ name: 'shifted-penguins.csv', mimeType: 'text/csv', buffer: Buffer.from(penguins({ scale: ['Beak Length (mm)', 'Flipper Length (mm)', 'Body Mass (g)'], factor: 1.3, without: 'Species', clean: true })) });
  await expect(page.getByRole('alert', { name: 'Alerts on the latest batch' })).toContainText('3 of 6 features drifted (50%)', { timeout: 90_000 });
  await expect(batches.getByRole('row')).toHaveCount(4);
  await expect(page.getByRole('link', { name: 'Retrain on the Deploy page' })).toHaveAttribute('href', '/deploy');
});
