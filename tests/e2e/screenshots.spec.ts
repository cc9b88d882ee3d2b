/**
 * The README's screenshots: every page with real data (the bundled penguins, a shifted copy for Monitor), written to
 * docs/screenshots/. Runs only when asked: `npm run screenshots` (SCREENSHOTS=1), after `npm run build`.
 */
import type { Page } from '@playwright/test';
import { expect, preparedPenguins, test } from './fixtures';

test.skip(!process.env.SCREENSHOTS, 'screenshots are taken by `npm run screenshots`');

const shot = (page: Page, name: string) => page.screenshot({ path: `docs/screenshots/${name}.png`, fullPage: true });

test('screenshots of every page with the penguins', async ({ page }) => {
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 1280, height: 900 });
  const nav = page.getByRole('navigation', { name: 'Workflow' });
  await preparedPenguins(page);
  await nav.getByRole('link', { name: 'Data' }).click();
  await expect(page.getByRole('heading', { name: 'Data', level: 1 })).toBeVisible();
  await page.waitForTimeout(800);
  await shot(page, '1-data');
  await nav.getByRole('link', { name: 'Prepare' }).click();
  await expect(page.getByRole('heading', { name: 'Prepare', level: 1 })).toBeVisible();
  await page.waitForTimeout(800);
  await shot(page, '2-prepare');
  await nav.getByRole('link', { name: 'Train' }).click();
  await page.getByLabel('Algorithm').selectOption('mlp');
  await page.getByLabel('Backend').selectOption('wasm');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  const run = page.getByRole('region', { name: 'Selected run' });
  await expect(run).toContainText('mlp on wasm', { timeout: 180_000 });
  await run.getByRole('button', { name: 'Promote and score the test split' }).click();
  await expect(page.getByRole('status', { name: 'Test metrics' })).toContainText('accuracy');
  await shot(page, '3-train');
  await nav.getByRole('link', { name: 'Evaluate' }).click();
  await expect(page.getByRole('heading', { name: 'Evaluate', level: 1 })).toBeVisible();
  await page.waitForTimeout(1500);
  await shot(page, '4-evaluate');
  const csv = await (await page.request.get('/samples/penguins.csv')).text();
  const [header, ...rows] = csv.trim().split('\n');
  const mass = header.split(',').indexOf('Body Mass (g)');
  const heavy = [header, ...rows.map((r) => r.split(',').map((c, i) => (i === mass && c ? String(Math.round(Number(c) * 1.3)) : c)).join(','))].join('\n');
  await nav.getByRole('link', { name: 'Deploy' }).click();
  await page.getByLabel('Choose a data file').first().setInputFiles({ name: 'penguins-2027.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await expect(page.getByRole('status', { name: 'Scored rows' })).toBeVisible({ timeout: 60_000 });
  await shot(page, '5-deploy');
  await nav.getByRole('link', { name: 'Monitor' }).click();
  await page.getByLabel('Choose a data file').setInputFiles({ name: 'penguins-2028-heavier.csv', mimeType: 'text/csv', buffer: Buffer.from(heavy) });
  await expect(page.getByRole('status', { name: 'Last monitored file' })).toContainText('heavier', { timeout: 90_000 });
  await page.waitForTimeout(800);
  await shot(page, '6-monitor');
  await nav.getByRole('link', { name: 'Federated' }).click();
  await expect(page.getByRole('form', { name: 'Join a federation' })).toBeVisible();
  await shot(page, '7-federated');
});
