import { test, expect, preparedPenguins, trainAdamLogistic } from './fixtures.ts';

test('the runs table shows status, readable hyperparameters, the recipe and the scores that fit the task; a cancelled run is kept with its curves, marked, and never promotable', async ({ page }) => {
  test.setTimeout(240_000);
  await preparedPenguins(page);
  const runs = page.getByRole('table', { name: 'Runs' });
  const selectedRun = page.getByRole('region', { name: 'Selected run' });

  // A finished run.
  await trainAdamLogistic(page, 'cpu', 20);
  // Penguins' validation split (stratified 60/20/20) has 14 Chinstrap against 30 Adelie: imbalanced, so macro-F1 too.
  for (const name of ['Status', 'Hyperparameters', 'Recipe', 'Validation accuracy', 'Validation macro-F1', 'Test (sealed)'])
    await expect(runs.getByRole('columnheader', { name, exact: true })).toBeVisible();
  const finished = runs.getByRole('row').nth(1);
  await expect(finished).toContainText('completed');
  await expect(finished).toContainText('L2 0.001, lr 0.01, 20 epochs, Adam, batch 32');
  await expect(finished).not.toContainText('{');
  await expect(finished).toContainText(/impute|onehot|scale|no steps/);

  // A long training, cancelled once its curves have begun: kept, marked cancelled, without a Promote button.
  await page.getByLabel('Algorithm').selectOption('mlp');
  await page.getByLabel('Epochs').fill('5000');
  await page.getByLabel('Epochs').blur();
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByRole('progressbar', { name: 'Training' })).toBeVisible();
  await expect(page.getByRole('img', { name: 'Loss per epoch' })).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Training cancelled. The run is kept with its curves so far' })).toBeVisible({ timeout: 30_000 });
  await expect(runs.getByRole('row')).toHaveCount(3);
  const cancelled = runs.getByRole('row').filter({ hasText: 'cancelled' });
  await expect(cancelled).toHaveCount(1);
  await expect(cancelled).toContainText(/cancelled \(epoch [\d,]+ of 5,000\)/);
  await expect(cancelled).toContainText('64-32 relu, lr 0.01, 5000 epochs');
  await expect(selectedRun).toContainText('(cancelled)');
  await expect(selectedRun).toContainText('cannot be promoted');
  await expect(selectedRun.getByRole('button', { name: 'Promote and score the test split' })).toHaveCount(0);
  await expect(page.getByRole('img', { name: 'Loss per epoch' })).toBeVisible(); // its curves so far

  // Sorting by a score puts the cancelled run (no score) last.
  await runs.getByRole('button', { name: 'Validation accuracy', exact: true }).click();
  await expect(runs.getByRole('row').nth(2)).toContainText('cancelled');

  // Evaluate: compared with its own line style; no error analysis for a run without a model.
  await page.getByRole('navigation', { name: 'Workflow' }).getByRole('link', { name: 'Evaluate' }).click();
  const compare = page.getByRole('group', { name: 'Runs to compare' });
  await expect(compare.getByRole('checkbox')).toHaveCount(2); // .all() does not wait for the list to render
  for (const box of await compare.getByRole('checkbox').all()) await box.check();
  const chart = page.getByRole('img', { name: 'Validation loss of the compared runs' });
  await expect(chart).toBeVisible();
  await expect(page.locator('figure.compare-chart figcaption')).toContainText('(cancelled)');
  await expect(page.getByRole('table', { name: 'Compared runs' })).toContainText('64-32 relu, lr 0.01, 5000 epochs');
  const runSelect = page.getByLabel('Run', { exact: true });
  await runSelect.selectOption((await runSelect.locator('option', { hasText: '(cancelled)' }).getAttribute('value'))!);
  await expect(page.getByRole('status').filter({ hasText: 'has no model to analyse' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Analyse errors' })).toHaveCount(0);
});

test('auto shows its leaderboard: every candidate ranked by its validation score, with their curves', async ({ page }) => {
  test.setTimeout(240_000);
  await preparedPenguins(page);
  await page.getByLabel('Algorithm').selectOption('auto');
  await page.getByLabel('Backend').selectOption('cpu');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  const selectedRun = page.getByRole('region', { name: 'Selected run' });
  await expect(selectedRun).toContainText('Run:', { timeout: 200_000 });
  const board = selectedRun.getByRole('table', { name: 'Tuning trials' });
  // Penguins' 206 training rows: logistic, three MLPs, kNN with k 5 and 15 — six candidates and the header.
  await expect(board.getByRole('row')).toHaveCount(7);
  await expect(board.getByRole('row').nth(1)).toContainText('1 (best)');
  await expect(board).toContainText('mlp 64-32 relu');
  await expect(board).toContainText('knn k 15');
  await expect(selectedRun.getByRole('img', { name: 'Validation accuracy per epoch of the candidates' })).toBeVisible();
  // The model auto keeps is the mean of the best three candidates, written out in the runs table.
  await expect(page.getByRole('table', { name: 'Runs' })).toContainText('mean of 3:');
});
