import { test, expect, preparedPenguins } from './fixtures.ts';

// The backend comes from the Playwright project: WASM by default; the "webgpu" project (SwiftShader) sets webgpu.
test('penguins → prepare → train an MLP → live curves → promote (sealed test scored once) → reload → same prediction', async ({ page }, info) => {
  const backendName = (info.project.metadata as { backend?: string }).backend ?? 'wasm';
  test.setTimeout(240_000);
  await preparedPenguins(page);
  await page.getByLabel('Algorithm').selectOption('mlp');
  await page.getByLabel('Backend').selectOption(backendName);
  await page.getByLabel('Epochs').fill('20');
  await page.getByLabel('Epochs').blur();
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByRole('progressbar', { name: 'Training' })).toBeVisible();
  await expect(page.getByRole('img', { name: 'Loss per epoch' })).toBeVisible({ timeout: 180_000 });
  const run = page.getByRole('region', { name: 'Selected run' });
  await expect(run).toContainText(`mlp on ${backendName}`, { timeout: 180_000 });
  // On WebAssembly the network trains in Enclave's own SIMD kernels (relaxed-SIMD FMA in Chromium); elsewhere in tfjs.
  await expect(run.getByText("Trained by Enclave's WebAssembly SIMD kernels")).toHaveCount(backendName === 'wasm' ? 1 : 0);
  await expect(run).toContainText(/Validation: accuracy 0\.9\d|Validation: accuracy 1\.0/);
  await expect(run).toContainText('The test split is sealed');
  await expect(page.getByRole('table', { name: 'Runs' })).toContainText('sealed');

  await run.getByRole('button', { name: 'Promote and score the test split' }).click();
  await expect(page.getByRole('status', { name: 'Test metrics' })).toContainText(/accuracy 0\.9\d|accuracy 1\.0/);
  await expect(run.getByRole('button', { name: /Promote/ })).toHaveCount(0); // scored once: no second chance
  const registry = page.getByRole('table', { name: 'Registered models' });
  await expect(registry).toContainText('1.0.0');
  await expect(registry).toContainText('champion');

  await page.getByRole('button', { name: /Predict with penguins-model 1\.0\.0/ }).click();
  const form = page.getByRole('form', { name: 'What-if prediction' });
  await form.getByLabel('Flipper Length (mm)').fill('222');
  await form.getByLabel('Body Mass (g)').fill('5400');
  await form.getByLabel('Island').fill('Biscoe');
  await form.getByRole('button', { name: 'Predict' }).click();
  const before = await page.getByRole('status', { name: 'Prediction' }).innerText();
  expect(before).toMatch(/Prediction: (Adelie|Gentoo|Chinstrap)/);

  await page.reload();
  await page.getByRole('button', { name: /Predict with penguins-model 1\.0\.0/ }).click();
  await form.getByLabel('Flipper Length (mm)').fill('222');
  await form.getByLabel('Body Mass (g)').fill('5400');
  await form.getByLabel('Island').fill('Biscoe');
  await form.getByRole('button', { name: 'Predict' }).click();
  await expect(page.getByRole('status', { name: 'Prediction' })).toHaveText(before);

  await page.getByRole('navigation', { name: 'Workflow' }).getByRole('link', { name: 'Evaluate' }).click();
  await expect(page.getByRole('table', { name: /Confusion matrix/ })).toContainText('Adelie');
  await expect(page.getByRole('img', { name: 'ROC curve (validation)' })).toBeVisible();
  await expect(page.getByLabel('Headline metrics (validation)')).toContainText('ROC AUC');
  await page.getByLabel('Metrics per slice of').selectOption('Island');
  await page.getByRole('button', { name: 'Analyse errors' }).click();
  await expect(page.getByRole('table', { name: 'Metrics by slice' })).toContainText('Biscoe');
  await expect(page.getByRole('img', { name: /Permutation feature importance/ })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Worst-predicted rows' })).toContainText('Species');
  await page.getByRole('radio', { name: /Test/ }).check();
  await expect(page.getByLabel('Headline metrics (test)')).toContainText('Accuracy');
});
