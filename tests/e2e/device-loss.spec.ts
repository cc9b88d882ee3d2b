import { test, expect, preparedPenguins } from './fixtures.ts';

// Runs in the "webgpu" project only (playwright.config.ts). WebGPU has no lose-context extension, but GPUDevice.destroy()
// resolves `device.lost` just as a real loss does: the test destroys the device tfjs trains on, from inside the worker.
test('a GPU device lost mid-training: the run restarts on the next backend, says so, and completes there', async ({ page }) => {
  test.setTimeout(180_000);
  await preparedPenguins(page);
  await page.getByLabel('Algorithm').selectOption('mlp');
  await page.getByLabel('Backend').selectOption('webgpu');
  await page.getByLabel('Epochs').fill('8');
  await page.getByLabel('Epochs').blur();
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  const progress = page.getByRole('progressbar', { name: 'Training' });
  await expect(progress).toBeVisible();
  await expect(page.getByRole('img', { name: 'Loss per epoch' })).toBeVisible({ timeout: 120_000 }); // an epoch on webgpu done
  await expect(page.getByText(/Training on webgpu/)).toBeVisible();

  // The next bind group tfjs creates names its device: destroy that device (the page's own worker only).
  const worker = page.workers().find((w) => w.url().includes('train.worker'));
  expect(worker, 'the train worker').toBeTruthy();
  await worker!.evaluate(() => {
    type Device = { destroy(): void };
    const proto = (globalThis as unknown as { GPUDevice: { prototype: { createBindGroup(this: Device, d: unknown): unknown } } }).GPUDevice.prototype;
    const original = proto.createBindGroup;
    return new Promise<void>((resolve) => {
      proto.createBindGroup = function (d) {
        proto.createBindGroup = original;
        setTimeout(() => (this.destroy(), resolve()));
        return original.call(this, d);
      };
    });
  });

  const note = page.getByRole('status').filter({ hasText: 'The GPU device was lost' });
  await expect(note).toHaveText(/^The GPU device was lost \(.+\); training restarted on (WebGL|WASM|CPU)\.$/);
  const run = page.getByRole('region', { name: 'Selected run' });
  await expect(run).toContainText(/Run: mlp on (webgl|wasm|cpu)/, { timeout: 120_000 });
  await expect(run).toContainText(/Validation: accuracy \d/);
  await expect(note).toBeVisible(); // still there once the run is stored
  const backend = (await run.getByRole('heading').innerText()).replace('Run: mlp on ', '');
  await expect(note).toContainText({ webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' }[backend]!);
  await expect(page.getByRole('table', { name: 'Runs' }).getByRole('row')).toHaveCount(2); // the header and one run
  await expect(page.getByRole('table', { name: 'Runs' })).not.toContainText('webgpu');

  // The next run asks for webgpu again: the lost device is replaced by a fresh one.
  await page.getByLabel('Epochs').fill('1');
  await page.getByLabel('Epochs').blur();
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByRole('table', { name: 'Runs' }).getByRole('row')).toHaveCount(3, { timeout: 60_000 });
  await expect(run).toContainText('Run: mlp on webgpu');
  await expect(note).toHaveCount(0);
});
