import { test, expect, summaryValue } from './fixtures.ts';
import type { Page } from '@playwright/test';

// Issue 13, item 5: recipe errors where they are made. A broken step is marked on its own row (aria-invalid, its
// message as the row's description), the preview of the step before it still works, and fixing it clears the mark.

async function penguinsOnPrepare(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: /Try the sample/ }).click();
  await expect(summaryValue(page, 'Rows')).toHaveText('344');
  await page.getByRole('navigation', { name: 'Workflow' }).getByRole('link', { name: 'Prepare' }).click();
  await expect(page.getByRole('heading', { name: 'Prepare', level: 1 })).toBeVisible();
  await page.getByLabel('Target column (what to predict)').selectOption('Species');
}

async function addStep(page: Page, kind: string, fill: (form: ReturnType<Page['getByRole']>) => Promise<void>) {
  const form = page.getByRole('form', { name: 'Add a step' });
  await form.getByLabel('Step').selectOption({ label: kind });
  await fill(form);
  await form.getByRole('button', { name: 'Add step' }).click();
}

async function imputeNumbers(page: Page) {
  await addStep(page, 'Fill missing values (impute)', async (f) => {
    await f.getByLabel('Columns').selectOption(['*numeric']);
    await f.getByLabel('Fill with').selectOption('median');
  });
}

test('a formula with a syntax error is marked in place; the step before it still previews; fixing it clears the mark', async ({ page }) => {
  await penguinsOnPrepare(page);
  await imputeNumbers(page);
  await addStep(page, 'Derived column (formula)', async (f) => {
    await f.getByLabel('New column name').fill('ratio');
    await f.getByLabel('Formula').fill('`Beak Length (mm)` / (`Beak Depth (mm)`');
  });
  const steps = page.getByRole('list', { name: 'Recipe steps' }).getByRole('listitem');
  await expect(steps).toHaveCount(2);
  const broken = steps.nth(1);
  await expect(broken).toHaveAttribute('aria-invalid', 'true');
  await expect(broken).toHaveAccessibleDescription(/Step 2 \(derive\): .*expected "\)"/i);
  await expect(steps.nth(0)).not.toHaveAttribute('aria-invalid');
  const said = page.getByRole('status').filter({ hasText: 'Step 2 cannot run as it stands.' });
  await expect(said).toHaveCount(1);

  // The preview of step 1 applies step 1 only: the broken step 2 does not stop it.
  await page.getByRole('button', { name: 'Preview step 1' }).click();
  const preview = page.getByRole('region', { name: 'Step preview' });
  await expect(preview).toContainText('Columns: 7 → 7');
  await expect(page.getByRole('alert')).toHaveCount(0);

  await page.getByRole('button', { name: 'Edit step 2' }).click();
  const edit = page.getByRole('form', { name: 'Edit step 2' });
  await expect(edit.getByLabel('Formula')).toHaveValue('`Beak Length (mm)` / (`Beak Depth (mm)`');
  await edit.getByLabel('Formula').fill('`Beak Length (mm)` / `Beak Depth (mm)`');
  await edit.getByRole('button', { name: 'Save step 2' }).click();
  await expect(edit).toHaveCount(0);
  await expect(broken).not.toHaveAttribute('aria-invalid');
  await expect(broken).toContainText('Derive ratio = ');
  await expect(said).toHaveCount(0);
  await page.getByRole('button', { name: 'Preview step 2' }).click();
  await expect(preview).toContainText('Columns: 7 → 8');
});

test('a step over a column of the wrong type is marked once checked on the training rows, naming the column; fixing it clears the mark', async ({ page }) => {
  await penguinsOnPrepare(page);
  await imputeNumbers(page);
  // A median of Sex (categorical): the parameters parse; the training rows say it cannot be.
  await addStep(page, 'Fill missing values (impute)', async (f) => {
    await f.getByLabel('Columns').selectOption(['Sex']);
    await f.getByLabel('Fill with').selectOption('median');
  });
  const steps = page.getByRole('list', { name: 'Recipe steps' }).getByRole('listitem');
  const broken = steps.nth(1);
  await expect(broken).toHaveAttribute('aria-invalid', 'true');
  await expect(broken).toHaveAccessibleDescription(/Step 2 \(impute\): column "Sex" is categorical; impute works on numeric \(integer or float\) columns\.$/);
  await expect(steps.nth(0)).not.toHaveAttribute('aria-invalid');

  await page.getByRole('button', { name: 'Preview step 1' }).click();
  await expect(page.getByRole('region', { name: 'Step preview' })).toContainText('Columns: 7 → 7');

  await page.getByRole('button', { name: 'Edit step 2' }).click();
  const edit = page.getByRole('form', { name: 'Edit step 2' });
  await edit.getByLabel('Fill with').selectOption('most_frequent');
  await edit.getByRole('button', { name: 'Save step 2' }).click();
  await expect(broken).toContainText('Impute the most frequent value of Sex');
  await expect(broken).not.toHaveAttribute('aria-invalid');

  // Moving a drop before the step that uses its column: the column is not there at that point of the recipe.
  await addStep(page, 'Scale numbers', async (f) => { await f.getByLabel('Columns').selectOption(['Body Mass (g)']); });
  await addStep(page, 'Drop columns', async (f) => { await f.getByLabel('Columns').selectOption(['Body Mass (g)']); });
  await expect(steps).toHaveCount(4);
  await page.getByRole('button', { name: 'Move step 4 up' }).click();
  await expect(steps.nth(3)).toHaveAttribute('aria-invalid', 'true');
  await expect(steps.nth(3)).toHaveAccessibleDescription(/Step 4 \(scale\): there is no column "Body Mass \(g\)"/);
  await expect(steps.nth(2)).not.toHaveAttribute('aria-invalid');
  // The edit form offers the columns there are at step 4, and says that the one the step names is gone by then.
  await page.getByRole('button', { name: 'Edit step 4' }).click();
  const edit4 = page.getByRole('form', { name: 'Edit step 4' });
  await expect(edit4.getByLabel('Columns').getByRole('option', { name: /^Beak Length/ })).toHaveCount(1);
  await expect(edit4.getByLabel('Columns').getByRole('option', { name: /^Body Mass/ })).toHaveText('Body Mass (g) (not there at this step)');
  await edit4.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('button', { name: 'Move step 4 up' }).click();
  await expect(steps.nth(2)).not.toHaveAttribute('aria-invalid');
  await expect(steps.nth(3)).not.toHaveAttribute('aria-invalid');
});

test('Train warns before a network meets unscaled features, with the fix; once the recipe scales them the warning goes', async ({ page }) => {
  await penguinsOnPrepare(page);
  await imputeNumbers(page);
  await addStep(page, 'Fill missing values (impute)', async (f) => {
    await f.getByLabel('Columns').selectOption(['Sex']);
    await f.getByLabel('Fill with').selectOption('most_frequent');
  });
  await addStep(page, 'One-hot encode categories', async (f) => { await f.getByLabel('Columns').selectOption(['Island', 'Sex']); });
  await page.getByRole('button', { name: 'Prepare and split' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved the prepared splits' })).toBeVisible();

  const workflow = page.getByRole('navigation', { name: 'Workflow' });
  await workflow.getByRole('link', { name: 'Train' }).click();
  await expect(page.getByLabel('Algorithm')).toHaveValue('mlp');
  const warning = page.getByRole('region', { name: 'Features on very different scales' });
  // Body Mass (g) is in grams (2,700–6,300 over all penguins) beside one-hot 0/1 columns.
  await expect(warning).toContainText('Body Mass (g) runs');
  await expect(warning).toContainText('stays within 0 to 1');
  await expect(warning).toContainText('“Scale numbers” step');
  await expect(warning.getByRole('link', { name: 'Prepare' })).toHaveAttribute('href', '/prepare');

  await workflow.getByRole('link', { name: 'Prepare' }).click();
  const suggestions = page.getByRole('region', { name: 'Suggestions' });
  await suggestions.getByRole('listitem').filter({ hasText: /^Scale / }).getByRole('button', { name: 'Add' }).click();
  await page.getByRole('button', { name: 'Prepare and split' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved the prepared splits' })).toBeVisible();
  await workflow.getByRole('link', { name: 'Train' }).click();
  // Newest first: the scaled preparation is chosen; the older one still warns, the scaled one does not.
  await expect(page.getByLabel('Prepared data').getByRole('option')).toHaveCount(2);
  await page.getByLabel('Prepared data').selectOption({ index: 1 });
  await expect(warning).toBeVisible();
  await page.getByLabel('Prepared data').selectOption({ index: 0 });
  await expect(warning).toHaveCount(0);
});
