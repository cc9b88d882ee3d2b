import { test, expect, summaryValue } from './fixtures.ts';
import type { Page } from '@playwright/test';

async function penguinsOnPrepare(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: /Try the sample/ }).click();
  await expect(summaryValue(page, 'Rows')).toHaveText('344');
  await page.getByRole('navigation', { name: 'Workflow' }).getByRole('link', { name: 'Prepare' }).click();
  await expect(page.getByRole('heading', { name: 'Prepare', level: 1 })).toBeVisible();
}

async function addStep(page: Page, kind: string, fill: (form: ReturnType<Page['getByRole']>) => Promise<void>) {
  const form = page.getByRole('form', { name: 'Add a step' });
  await form.getByLabel('Step').selectOption({ label: kind });
  await fill(form);
  await form.getByRole('button', { name: 'Add step' }).click();
}

test('penguins: impute, one-hot, min-max, stratified 60/20/20 → class shares per split; reload keeps it', async ({ page }) => {
  await penguinsOnPrepare(page);
  await page.getByLabel('Target column (what to predict)').selectOption('Species');
  await addStep(page, 'Fill missing values (impute)', async (f) => {
    await f.getByLabel('Columns').selectOption(['*numeric']);
    await f.getByLabel('Fill with').selectOption('median');
  });
  await addStep(page, 'Fill missing values (impute)', async (f) => {
    await f.getByLabel('Columns').selectOption(['Sex']);
    await f.getByLabel('Fill with').selectOption('most_frequent');
  });
  await addStep(page, 'One-hot encode categories', async (f) => {
    await f.getByLabel('Columns').selectOption(['Island', 'Sex']);
  });
  await addStep(page, 'Scale numbers', async (f) => {
    await f.getByLabel('Columns').selectOption(['*numeric']);
    await f.getByLabel('Method').selectOption('minmax');
  });
  const steps = page.getByRole('list', { name: 'Recipe steps' }).getByRole('listitem');
  await expect(steps).toHaveCount(4);

  // Live before/after of the one-hot step: 7 columns → 10 (3 islands + 3 sexes, two originals dropped).
  await page.getByRole('button', { name: 'Preview step 3' }).click();
  const preview = page.getByRole('region', { name: 'Step preview' });
  await expect(preview).toContainText('Columns: 7 → 10');
  await expect(preview.getByRole('img', { name: 'Island=Biscoe after' })).toBeVisible();

  await page.getByRole('button', { name: 'Prepare and split' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved the prepared splits' })).toBeVisible();
  const sizes = page.getByRole('table', { name: 'Split sizes' });
  await expect(sizes.getByRole('row', { name: /train/ })).toContainText('206');
  await expect(sizes.getByRole('row', { name: /validation/ })).toContainText('69');
  await expect(sizes.getByRole('row', { name: /test/ })).toContainText('69');
  const balance = page.getByRole('table', { name: 'Class balance by split' });
  // 152 Adelie, 124 Gentoo, 68 Chinstrap: each split's count within one row of 60/20/20.
  await expect(balance.getByRole('row', { name: /Adelie/ })).toContainText('(91)');
  await expect(balance.getByRole('row', { name: /Gentoo/ })).toContainText('(74)');
  await expect(balance.getByRole('row', { name: /Chinstrap/ })).toContainText('(41)');
  for (const row of await balance.getByRole('row').all()) {
    const counts = (await row.innerText()).match(/\((\d+)\)/g)?.map((s) => Number(s.slice(1, -1)));
    if (!counts) continue;
    const total = counts.reduce((a, b) => a + b, 0);
    [0.6, 0.2, 0.2].forEach((f, i) => expect(Math.abs(counts[i] - f * total)).toBeLessThanOrEqual(1));
  }

  await page.reload();
  await expect(page.getByRole('list', { name: 'Recipe steps' }).getByRole('listitem')).toHaveCount(4);
  await expect(page.getByLabel('Target column (what to predict)')).toHaveValue('Species');
  await expect(page.getByRole('table', { name: 'Class balance by split' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Saved the prepared splits' })).toBeVisible();
});

test('a formula with a syntax error gets a message naming the step and position, and nothing is stored', async ({ page }) => {
  await penguinsOnPrepare(page);
  await page.getByLabel('Target column (what to predict)').selectOption('Species');
  await addStep(page, 'Derived column (formula)', async (f) => {
    await f.getByLabel('New column name').fill('ratio');
    await f.getByLabel('Formula').fill('`Beak Length (mm)` / (`Beak Depth (mm)`');
  });
  await page.getByRole('button', { name: 'Prepare and split' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('Step 1 (derive)');
  await expect(alert).toContainText(/expected "\)"/i);
  await expect(page.getByRole('heading', { name: 'Validation report' })).toHaveCount(0);
});

test('the three shares must add up to 100%', async ({ page }) => {
  await penguinsOnPrepare(page);
  await page.getByLabel('Train %').fill('70');
  await page.getByLabel('Train %').blur();
  await expect(page.getByRole('alert')).toContainText('add up to 110%');
  await expect(page.getByRole('button', { name: 'Prepare and split' })).toBeDisabled();
});
