/**
 * Shared e2e fixture: every test records every request the page makes and fails if any leaves the app's origin
 * (the privacy promise: nothing but the studio's own files crosses the network).
 */
import { test as base, expect } from '@playwright/test';

export const test = base.extend<{ offOrigin: string[] }>({
  offOrigin: [
    async ({ context, baseURL }, use) => {
      const origin = new URL(baseURL!).origin;
      const off: string[] = [];
      const check = (url: string) => {
        if (url.startsWith('data:') || url.startsWith('blob:')) return;
        if (new URL(url).origin !== origin) off.push(url);
      };
      context.on('request', (r) => check(r.url()));
      // Service-worker fetches too (they bypass page.on('request')).
      context.on('serviceworker', (sw) => sw.on('console', () => undefined));
      await use(off);
      expect(off, `requests that left ${origin}`).toEqual([]);
    },
    { auto: true }
  ]
});

export { expect };

export async function importBuffer(page: import('@playwright/test').Page, name: string, body: string | Buffer, mimeType = 'text/csv') {
  await page.getByLabel('Choose a data file').setInputFiles({ name, mimeType, buffer: typeof body === 'string' ? Buffer.from(body) : body });
}

/** The value shown next to a label in the dataset summary ("Rows" → "344"). */
export function summaryValue(page: import('@playwright/test').Page, label: string) {
  return page.getByLabel('Dataset summary').locator('div').filter({ has: page.getByText(label, { exact: true }) }).locator('dd');
}

/** The sample penguins imported, a recipe of every profile suggestion, prepared with Species as target. */
export async function preparedPenguins(page: import('@playwright/test').Page) {
  await page.goto('/');
  await page.getByRole('button', { name: /Try the sample/ }).click();
  await expect(summaryValue(page, 'Rows')).toHaveText('344');
  await page.getByRole('navigation', { name: 'Workflow' }).getByRole('link', { name: 'Prepare' }).click();
  await page.getByLabel('Target column (what to predict)').selectOption('Species');
  const suggestions = page.getByRole('region', { name: 'Suggestions' });
  while (await suggestions.getByRole('button', { name: 'Add' }).count()) await suggestions.getByRole('button', { name: 'Add' }).first().click();
  await page.getByRole('button', { name: 'Prepare and split' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved the prepared splits' })).toBeVisible();
  await page.getByRole('navigation', { name: 'Workflow' }).getByRole('link', { name: 'Train' }).click();
}

/**
 * On the Train page: a logistic regression trained by Adam (epochs, not L-BFGS iterations) for `epochs` on `backend`,
 * waited for until the selected run names it. Returns the selected run's region.
 */
export async function trainAdamLogistic(page: import('@playwright/test').Page, backend: string, epochs: number, timeout = 120_000) {
  await page.getByLabel('Algorithm').selectOption('logistic');
  await page.getByLabel('Solver').selectOption('adam');
  await page.getByLabel('Backend').selectOption(backend);
  await page.getByLabel('Epochs').fill(String(epochs));
  await page.getByLabel('Epochs').blur();
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  const run = page.getByRole('region', { name: 'Selected run' });
  await expect(run).toContainText(`logistic on ${backend}`, { timeout });
  return run;
}

/** Penguins prepared, a logistic regression trained by Adam for 10 epochs on wasm, and promoted (champion 1.0.0). */
export async function promotedLogisticPenguins(page: import('@playwright/test').Page) {
  await preparedPenguins(page);
  const run = await trainAdamLogistic(page, 'wasm', 10, 180_000);
  await run.getByRole('button', { name: 'Promote and score the test split' }).click();
  await expect(page.getByRole('status', { name: 'Test metrics' })).toContainText('accuracy');
}
