import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test, promotedLogisticPenguins } from './fixtures';

/** axe-core's WCAG 2.0/2.1 A and AA rules on the page as it is: each violation by rule and node (all pages, then one assertion). */
const found: string[] = [];
async function axe(page: Page, where: string) {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  for (const v of violations) found.push(`${where}: ${v.id} (${v.impact}) — ${v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')}${n.failureSummary ? ` [${n.failureSummary.split('\n').slice(1, 2).join('')}]` : ''}`).join(' | ')}`);
}

test('every page, with data loaded, has no axe violations (WCAG 2.1 AA)', async ({ page }) => {
  test.setTimeout(300_000);
  const nav = page.getByRole('navigation', { name: 'Workflow' });
  await promotedLogisticPenguins(page);
  await axe(page, 'Train');

  await nav.getByRole('link', { name: 'Deploy' }).click();
  await expect(page.getByRole('heading', { name: 'Deploy', level: 1 })).toBeVisible();
  const csv = (await page.request.get('/samples/penguins.csv')).ok() ? await (await page.request.get('/samples/penguins.csv')).text() : '';
  await page.getByLabel('Choose a data file').first().setInputFiles({ name: 'new-penguins.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await expect(page.getByRole('status', { name: 'Scored rows' })).toBeVisible({ timeout: 60_000 });
  await axe(page, 'Deploy');

  for (const [name, ready] of [
    ['Data', () => expect(page.getByRole('heading', { name: 'Data', level: 1 })).toBeVisible()],
    ['Prepare', () => expect(page.getByRole('heading', { name: 'Prepare', level: 1 })).toBeVisible()],
    ['Evaluate', () => expect(page.getByRole('heading', { name: 'Evaluate', level: 1 })).toBeVisible()],
    ['Monitor', () => expect(page.getByRole('table', { name: 'Batches' })).toBeVisible()],
    ['Federated', () => expect(page.getByRole('form', { name: 'Join a federation' })).toBeVisible()]
  ] as const) {
    await nav.getByRole('link', { name }).click();
    await ready();
    await page.waitForTimeout(500); // charts and lazy panels settle
    await axe(page, name);
  }
  expect(found).toEqual([]);
});

test('the first Tab reaches "Skip to content", which moves focus past the header to the page', async ({ page }) => {
  await page.goto('/prepare');
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.locator('main')).toBeFocused();
  await page.keyboard.press('Tab');
  // The next stop is inside the page, not the header's links.
  expect(await page.evaluate(() => !!document.activeElement?.closest('main'))).toBe(true);
});
