import { readFileSync } from 'node:fs';
import { test, expect, promotedLogisticPenguins } from './fixtures.ts';

/** The sample penguins without one column, as a CSV a person would score (the sample has no quoted fields). */
function penguinsWithout(column: string): string {
  const lines = readFileSync('static/samples/penguins.csv', 'utf8').trim().split(/\r?\n/);
  const at = lines[0].split(',').indexOf(column);
  return lines.map((l) => l.split(',').filter((_, i) => i !== at).join(',')).join('\n') + '\n';
}

test('Deploy: typed predict form, file scoring with a check and a CSV download, retrain → rollout → promote → reload → rollback', async ({ page }) => {
  test.setTimeout(300_000);
  // An empty studio: Deploy says what to do first.
  await page.goto('/deploy');
  await expect(page.getByRole('region', { name: 'No models yet' })).toContainText('No registered model yet');
  await expect(page.getByRole('link', { name: 'Train a model' })).toHaveAttribute('href', '/train');

  // A small logistic model, promoted (champion 1.0.0).
  await promotedLogisticPenguins(page);

  await page.getByRole('navigation', { name: 'Workflow' }).getByRole('link', { name: 'Deploy' }).click();
  const versions = page.getByRole('table', { name: 'Versions' });
  await expect(versions.getByRole('row').filter({ hasText: '1.0.0' })).toContainText('champion');
  await expect(versions).toContainText('accuracy');

  // The predict form: typed fields, prefilled with the first row, the training range as a hint.
  const form = page.getByRole('form', { name: 'Predict one row' });
  const mass = form.getByLabel('Body Mass (g)');
  await expect(mass).toHaveAttribute('type', 'number');
  await expect(mass).toHaveValue('3750');
  await expect(mass).toHaveAccessibleDescription(/between 2,700 and 6,300/);
  await expect(form.getByLabel('Island')).toHaveValue('Torgersen');
  await form.getByLabel('Island').selectOption('Biscoe');
  await form.getByLabel('Flipper Length (mm)').fill('222');
  await mass.fill('5400');
  await form.getByRole('button', { name: 'Predict' }).click();
  await expect(form.getByRole('status', { name: 'Prediction' })).toHaveText(/^Prediction: (Adelie|Gentoo|Chinstrap)/);

  // A value that is not a number: an error next to the field, and no prediction left on screen.
  await mass.fill('');
  await mass.pressSequentially('4e');
  await form.getByRole('button', { name: 'Predict' }).click();
  await expect(mass).toHaveAccessibleDescription(/Enter a number/);
  await expect(form.getByRole('alert')).toContainText('Fix the fields marked above');
  await expect(form.getByRole('status', { name: 'Prediction' })).toHaveCount(0);

  // A file missing a column the model needs is refused, saying which.
  await page.getByLabel('Choose a data file').setInputFiles({ name: 'no-island.csv', mimeType: 'text/csv', buffer: Buffer.from(penguinsWithout('Island')) });
  await expect(page.getByRole('alert').filter({ hasText: "no-island.csv can't be scored" })).toBeVisible({ timeout: 60_000 });
  const check = page.getByRole('table', { name: 'Check of the file against the model' });
  await expect(check.getByRole('row').filter({ hasText: 'Island' })).toContainText('Stops scoring');
  await expect(page.getByRole('link', { name: 'Download predictions (CSV)' })).toHaveCount(0);

  // A file without the target is scored: a summary and a CSV of the input plus predictions.
  await page.getByLabel('Choose a data file').setInputFiles({ name: 'new-penguins.csv', mimeType: 'text/csv', buffer: Buffer.from(penguinsWithout('Species')) });
  await expect(page.getByRole('status', { name: 'Scored rows' })).toContainText('344 rows of new-penguins.csv scored', { timeout: 60_000 });
  await expect(page.getByRole('img', { name: /Predicted class: rows per class/ })).toBeVisible();
  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download predictions (CSV)' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('penguins-model-1.0.0-predictions.csv');
  const csv = readFileSync((await download.path())!, 'utf8').trim().split('\r\n');
  expect(csv[0]).toBe('Island,Beak Length (mm),Beak Depth (mm),Flipper Length (mm),Body Mass (g),Sex,prediction,p_Adelie,p_Chinstrap,p_Gentoo');
  expect(csv).toHaveLength(345);
  expect(csv[1]).toMatch(/^Torgersen,39\.1,18\.7,181,3750,MALE,(Adelie|Chinstrap|Gentoo),/);

  // Retrain: a challenger 1.1.0.
  await page.getByRole('button', { name: 'Retrain' }).click();
  await expect(page.getByRole('status', { name: 'Last change' })).toContainText('1.1.0 was trained and registered as challenger', { timeout: 180_000 });
  await expect(versions.getByRole('row').filter({ hasText: '1.1.0' })).toContainText('challenger');
  // The registry read again: the file's results and the download stay.
  await expect(page.getByRole('status', { name: 'Scored rows' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'History of penguins-model' }).getByRole('listitem')).toHaveText([/1\.1\.0 retrained from 1\.0\.0, as challenger/, /1\.0\.0 registered from a training run/]);

  // Staged rollout, then promote: the aliases swap, and stay swapped after a reload.
  await page.getByRole('button', { name: 'Roll out to 25%' }).click();
  await expect(page.getByRole('status', { name: 'Rollout stage' })).toContainText('25% of scored rows go to 1.1.0');
  await expect(page.getByRole('button', { name: 'Roll out to 25%' })).toHaveAttribute('aria-pressed', 'true');
  await page.getByRole('button', { name: 'Promote challenger to champion' }).click();
  await expect(versions.getByRole('row').filter({ hasText: '1.1.0' })).toContainText('champion');
  await expect(versions.getByRole('row').filter({ hasText: '1.0.0' })).not.toContainText('champion');
  await page.reload();
  await expect(versions.getByRole('row').filter({ hasText: '1.1.0' })).toContainText('champion');
  await expect(versions.getByRole('row').filter({ hasText: '1.0.0' })).not.toContainText('champion');
  await expect(page.getByRole('list', { name: 'History of penguins-model' })).toContainText('1.1.0 promoted to champion (replacing 1.0.0)');

  // Roll back: 1.0.0 is champion again, 1.1.0 a challenger.
  await page.getByRole('button', { name: 'Roll back to the previous champion' }).click();
  await expect(versions.getByRole('row').filter({ hasText: '1.0.0' })).toContainText('champion');
  await expect(versions.getByRole('row').filter({ hasText: '1.1.0' })).toContainText('challenger');
  await expect(page.getByRole('link', { name: 'Monitor page' })).toBeVisible();

  // The file scored above was kept as a monitoring batch: Monitor lists it with its drift report.
  await page.getByRole('link', { name: 'Monitor page' }).click();
  await expect(page.getByRole('heading', { name: 'Monitor', level: 1 })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Batches' }).getByRole('row').filter({ hasText: 'new-penguins.csv' })).toContainText(/of 6/);
  await expect(page.getByRole('table', { name: 'Drift per feature' }).getByRole('row').filter({ hasText: 'Body Mass (g)' })).toBeVisible();
});
