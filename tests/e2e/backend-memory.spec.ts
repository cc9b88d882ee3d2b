import { test, expect, preparedPenguins } from './fixtures.ts';

/** The remembered backend choice, as the train worker stored it (settings table, key ml.backend-choice). */
async function remembered(page: import('@playwright/test').Page) {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('enclave');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const value = await new Promise<unknown>((resolve, reject) => {
      const req = db.transaction('settings', 'readonly').objectStore('settings').get('ml.backend-choice');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    db.close();
    return value as { value: { name: string; measuredAt: number } } | undefined;
  });
}

test("the backend 'auto' chose is measured once per device: the next job, even in a fresh worker, starts without measuring", async ({ page }) => {
  test.setTimeout(180_000);
  await preparedPenguins(page);
  await page.getByLabel('Algorithm', { exact: true }).selectOption('logistic');
  await page.getByLabel('Solver').selectOption('adam'); // epochs, not L-BFGS iterations
  await page.getByLabel('Backend', { exact: true }).selectOption('auto');
  await page.getByLabel('Epochs').fill('3');
  await page.getByLabel('Epochs').blur();
  const train = page.getByRole('button', { name: 'Train', exact: true });
  const run = page.getByRole('region', { name: 'Selected run' });

  await train.click();
  await expect(run).toContainText('logistic on', { timeout: 120_000 });
  const first = await remembered(page);
  expect(first?.value.name).toMatch(/^(webgpu|webgl|wasm|cpu)$/);

  // A reload ends every worker: the next job runs in a fresh train worker, which reads the remembered choice.
  await page.reload();
  await page.getByLabel('Algorithm', { exact: true }).selectOption('logistic');
  await page.getByLabel('Solver').selectOption('adam'); // epochs, not L-BFGS iterations
  await page.getByLabel('Backend', { exact: true }).selectOption('auto');
  await page.getByLabel('Epochs').fill('3');
  await page.getByLabel('Epochs').blur();

  const started = Date.now();
  await train.click();
  await expect(page.getByRole('table', { name: 'Runs' }).getByRole('row')).toHaveCount(3, { timeout: 60_000 }); // header + 2 runs
  const secondMs = Date.now() - started;
  const second = await remembered(page);
  expect(second?.value.measuredAt).toBe(first!.value.measuredAt); // not measured again
  await expect(run).toContainText(`logistic on ${first!.value.name}`);
  test.info().annotations.push({ type: 'second job, click to stored run (ms)', description: String(secondMs) });
});
