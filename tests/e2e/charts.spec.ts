import { test, expect, preparedPenguins, summaryValue, trainAdamLogistic } from './fixtures.ts';

/** Every <text> in any <svg> of the page whose computed font size is under 11 px (none should be). */
function smallSvgText(page: import('@playwright/test').Page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('svg text')]
      .map((t) => ({ text: t.textContent ?? '', size: parseFloat(getComputedStyle(t).fontSize) }))
      .filter((t) => !(t.size >= 11))
  );
}

test('Data page charts: a colour legend on the correlation heatmap, and no chart text under 11 px', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: /Try the sample/ }).click();
  await expect(summaryValue(page, 'Rows')).toHaveText('344');
  const heatmap = page.getByRole('img', { name: 'Correlation heatmap of numeric columns (Pearson)' });
  await expect(heatmap).toBeVisible();
  await expect(heatmap.locator('.colour-legend text')).toHaveText(['Pearson r', '−1', '0', '1']);
  await expect(page.getByRole('img', { name: /^Histogram of / }).first()).toBeVisible();
  expect(await smallSvgText(page)).toEqual([]);
});

test('Evaluate page: the ROC legend names each class with its AUC, the chance diagonal is drawn, no chart text under 11 px', async ({ page }) => {
  test.setTimeout(180_000);
  await preparedPenguins(page);
  await trainAdamLogistic(page, 'wasm', 20);

  await page.getByRole('navigation', { name: 'Workflow' }).getByRole('link', { name: 'Evaluate' }).click();
  const roc = page.getByRole('region', { name: 'ROC curves' });
  await expect(roc.getByRole('img', { name: 'ROC curve (validation)' })).toBeVisible();
  // The legend: each class (one vs the rest) with its own AUC — not "class: 1", the curve's last y value.
  const legend = roc.locator('figcaption');
  for (const cls of ['Adelie', 'Chinstrap', 'Gentoo']) await expect(legend).toContainText(new RegExp(`${cls} vs rest: AUC (0\\.\\d{3}|1\\.000)`));
  await expect(legend).toContainText('chance: AUC 0.500');
  // The chance diagonal: a dashed line named in its <title>, from the bottom-left to the top-right corner.
  const chance = await roc.locator('svg.chart line.reference').evaluateAll((lines) =>
    lines.map((l) => ({ title: l.querySelector('title')?.textContent, x1: +l.getAttribute('x1')!, y1: +l.getAttribute('y1')!, x2: +l.getAttribute('x2')!, y2: +l.getAttribute('y2')! }))
  );
  expect(chance).toHaveLength(1);
  expect(chance[0].title).toBe('chance: AUC 0.500');
  expect(chance[0].x2 - chance[0].x1).toBeCloseTo(chance[0].y1 - chance[0].y2, 3); // a square plot: the diagonal at 45°
  expect(await smallSvgText(page)).toEqual([]);
});
