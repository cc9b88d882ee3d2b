import { expect, summaryValue, test } from './fixtures';

test('a first visit walks the sample from import to a deployed model through the next actions, the stepper marking each step done', async ({ page }) => {
  test.setTimeout(300_000);
  const steps = page.getByRole('navigation', { name: 'Workflow' });
  const next = page.getByRole('navigation', { name: 'Next step' });
  await page.goto('/');
  await expect(steps.getByRole('link', { name: 'Data' })).toHaveAccessibleName('Data');
  await page.getByRole('button', { name: /Try the sample/ }).click();
  await expect(summaryValue(page, 'Rows')).toHaveText('344');
  await expect(steps.getByRole('link', { name: 'Data (done)' })).toBeVisible();

  await next.getByRole('link', { name: 'Prepare this dataset' }).click();
  await expect(page.getByRole('heading', { name: 'Prepare', level: 1 })).toBeVisible();
  await page.getByLabel('Target column (what to predict)').selectOption('Species');
  const suggestions = page.getByRole('region', { name: 'Suggestions' });
  while (await suggestions.getByRole('button', { name: 'Add' }).count()) await suggestions.getByRole('button', { name: 'Add' }).first().click();
  await page.getByRole('button', { name: 'Prepare and split' }).click();
  await expect(steps.getByRole('link', { name: 'Prepare (done)' })).toBeVisible();

  await next.getByRole('link', { name: 'Train on this preparation' }).click();
  await expect(page.getByRole('heading', { name: 'Train', level: 1 })).toBeVisible();
  await page.getByLabel('Algorithm').selectOption('logistic');
  await page.getByLabel('Backend').selectOption('wasm');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByRole('region', { name: 'Selected run' })).toContainText('logistic on wasm', { timeout: 180_000 });
  await expect(steps.getByRole('link', { name: 'Train (done)' })).toBeVisible();

  await next.getByRole('link', { name: 'Evaluate this run' }).click();
  await expect(page.getByRole('heading', { name: 'Evaluate', level: 1 })).toBeVisible();
  await next.getByRole('link', { name: 'Promote the best run' }).click();
  await expect(page.getByRole('heading', { name: 'Train', level: 1 })).toBeVisible();
  await page.getByRole('region', { name: 'Selected run' }).getByRole('button', { name: 'Promote and score the test split' }).click();
  await expect(page.getByRole('status', { name: 'Test metrics' })).toContainText('accuracy');
  await expect(steps.getByRole('link', { name: 'Evaluate (done)' })).toBeVisible();

  await next.getByRole('link', { name: 'Score a batch' }).click();
  await expect(page.getByRole('heading', { name: 'Deploy', level: 1 })).toBeVisible();
  await expect(page.getByRole('table').filter({ hasText: 'champion' })).toContainText('1.0.0');
  // Federated sits beside the flow, not numbered in it.
  await expect(steps.getByRole('link', { name: 'Federated' })).toBeVisible();
});
