import { test, expect, importBuffer, summaryValue } from './fixtures.ts';
import type { Page } from '@playwright/test';

// Issue 9, items 6 and 11: a formula that reads the target is refused on the Prepare page (step preview and
// prepare), naming the step; a feature named "__proto__" reaches the model through the what-if form.

async function addFormula(page: Page, name: string, formula: string) {
  const form = page.getByRole('form', { name: 'Add a step' });
  await form.getByLabel('Step').selectOption({ label: 'Derived column (formula)' });
  await form.getByLabel('New column name').fill(name);
  await form.getByLabel('Formula').fill(formula);
  await form.getByRole('button', { name: 'Add step' }).click();
}

test('Prepare refuses a formula that reads the target, naming the step, in the preview and before saving', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: /Try the sample/ }).click();
  await expect(summaryValue(page, 'Rows')).toHaveText('344');
  await page.getByRole('navigation', { name: 'Workflow' }).getByRole('link', { name: 'Prepare' }).click();
  await page.getByLabel('Target column (what to predict)').selectOption('Body Mass (g)');
  await addFormula(page, 'leak', '`Body Mass (g)` * 1');
  const refusal = 'Step 1 (derive "leak") reads the target column "Body Mass (g)": a model would see the answer.';

  await page.getByRole('button', { name: 'Preview step 1' }).click();
  await expect(page.getByRole('alert')).toContainText(refusal);
  await page.getByRole('button', { name: 'Preview step 1' }).click(); // closes the preview and its message

  await page.getByRole('button', { name: 'Prepare and split' }).click();
  await expect(page.getByRole('alert')).toContainText(refusal);
  await expect(page.getByRole('heading', { name: 'Validation report' })).toHaveCount(0);
});

test('the what-if form sends a feature named "__proto__" to the model', async ({ page }) => {
  test.setTimeout(180_000);
  // y is "high" exactly where __proto__ ≥ 50; "constructor" is noise. Values repeat, so neither is an identifier.
  const rows = Array.from({ length: 80 }, (_, i) => { const p = (i % 20) * 5; return `${p},${i % 3},${p >= 50 ? 'high' : 'low'}`; });
  await page.goto('/');
  await importBuffer(page, 'keys.csv', ['__proto__,constructor,y', ...rows].join('\n'));
  await expect(summaryValue(page, 'Rows')).toHaveText('80');
  await page.getByRole('navigation', { name: 'Workflow' }).getByRole('link', { name: 'Prepare' }).click();
  await page.getByLabel('Target column (what to predict)').selectOption('y');
  await page.getByRole('button', { name: 'Prepare and split' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved the prepared splits' })).toBeVisible();

  await page.getByRole('navigation', { name: 'Workflow' }).getByRole('link', { name: 'Train' }).click();
  await page.getByLabel('Algorithm').selectOption('knn');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  const run = page.getByRole('region', { name: 'Selected run' });
  await run.getByRole('button', { name: 'Promote and score the test split' }).click({ timeout: 120_000 });
  await page.getByRole('button', { name: /Predict with .+ 1\.0\.0/ }).click();

  const form = page.getByRole('form', { name: 'What-if prediction' });
  const prediction = page.getByRole('status', { name: 'Prediction' });
  await form.getByLabel('constructor', { exact: true }).fill('1');
  await form.getByLabel('__proto__', { exact: true }).fill('95');
  await form.getByRole('button', { name: 'Predict' }).click();
  await expect(prediction).toContainText('Prediction: high');
  await form.getByLabel('__proto__', { exact: true }).fill('0');
  await form.getByRole('button', { name: 'Predict' }).click();
  await expect(prediction).toContainText('Prediction: low');
});
