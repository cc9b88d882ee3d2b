import { test, expect, preparedPenguins } from './fixtures.ts';

// Seeds are whole numbers 0 … 2³² − 1 (src/lib/core/seed.ts): "" used to become 0 and 4294967338 the same run as 42.
test('the Prepare and Train seed fields refuse what is not a seed, keep the previous one and say why', async ({ page }) => {
  test.setTimeout(120_000);
  await preparedPenguins(page);

  // Train page (where preparedPenguins leaves us): default seed 42.
  const trainSeed = page.getByLabel('Seed');
  await expect(trainSeed).toHaveValue('42');
  for (const typed of ['4294967338', '-1', '1.5']) {
    await trainSeed.fill(typed);
    await trainSeed.blur();
    await expect(page.getByRole('alert').filter({ hasText: `The seed must be a whole number from 0 to 4294967295; got "${typed}". The seed stays 42.` })).toBeVisible();
    await expect(trainSeed).toHaveValue('42');
  }
  await trainSeed.fill('4294967295');
  await trainSeed.blur();
  await expect(page.getByRole('alert').filter({ hasText: 'The seed must be' })).toHaveCount(0);
  await expect(trainSeed).toHaveValue('4294967295');

  // Prepare page: an emptied field is refused too.
  await page.getByRole('navigation', { name: 'Workflow' }).getByRole('link', { name: 'Prepare' }).click();
  // Wait for the page and its restored draft (target Species) before reading the seed: not the Train page's field.
  await expect(page.getByRole('heading', { name: 'Prepare', level: 1 })).toBeVisible();
  await expect(page.getByLabel('Target column (what to predict)')).toHaveValue('Species');
  const prepareSeed = page.getByLabel('Seed');
  const before = await prepareSeed.inputValue();
  await prepareSeed.fill('');
  await prepareSeed.blur();
  await expect(page.getByRole('alert').filter({ hasText: `The seed must be a whole number from 0 to 4294967295; got "". The seed stays ${before}.` })).toBeVisible();
  await expect(prepareSeed).toHaveValue(before);
  await prepareSeed.fill('0');
  await prepareSeed.blur();
  await expect(prepareSeed).toHaveValue('0');
  await expect(page.getByRole('alert').filter({ hasText: 'The seed must be' })).toHaveCount(0);
});
