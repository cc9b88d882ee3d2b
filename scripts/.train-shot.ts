import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
const port = 4394;
const server = spawn(process.execPath, ['--import', 'tsx', 'aggregator/server.ts'], { env: { ...process.env, PORT: String(port) }, stdio: 'ignore' });
try {
  for (let i = 0; i < 50; i++) { if (await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok, () => false)) break; await new Promise((r) => setTimeout(r, 200)); }
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  const context = await browser.newContext({ viewport: { width: 1280, height: 1400 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.log('pageerror:', e.message));
  page.on('worker', (w) => w.on('console', (m) => console.log('worker:', m.text().slice(0, 200))));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.log('console:', m.text().slice(0, 300)); });
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.getByRole('button', { name: /Try the sample/ }).click();
  await page.getByRole('img', { name: 'Histogram of Body Mass (g)' }).waitFor();
  await page.getByRole('link', { name: 'Prepare' }).click();
  await page.getByLabel('Target column (what to predict)').selectOption('Species');
  const sug = page.getByRole('region', { name: 'Suggestions' });
  for (let i = 0; i < 10; i++) { const b = sug.getByRole('button', { name: 'Add' }).first(); if (!(await b.count())) break; await b.click(); }
  await page.getByRole('button', { name: 'Prepare and split' }).click();
  await page.getByText('Saved the prepared splits').waitFor({ timeout: 30000 });
  await page.getByRole('link', { name: 'Train' }).click();
  await page.getByLabel('Backend').selectOption(process.env.BACKEND ?? 'wasm');
  await page.getByLabel('Epochs').fill('30');
  await page.getByLabel('Epochs').blur();
  const t0 = Date.now();
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page.getByRole('region', { name: 'Selected run' }).waitFor({ timeout: 90000 }).catch((e) => console.log('no run', e.message.slice(0, 80)));
  console.log('train ms', Date.now() - t0);
  await page.screenshot({ path: '/tmp/train1.png', fullPage: true });
  await page.getByRole('button', { name: 'Promote and score the test split' }).click({ timeout: 5000 });
  await page.getByRole('status', { name: 'Test metrics' }).waitFor({ timeout: 30000 }).catch((e) => console.log('no test', e.message.slice(0, 80)));
  await page.getByRole('button', { name: /Predict with/ }).first().click();
  await page.getByRole('form', { name: 'What-if prediction' }).getByRole('button', { name: 'Predict' }).click();
  await page.getByRole('status', { name: 'Prediction' }).waitFor({ timeout: 30000 }).catch((e) => console.log('no pred', e.message.slice(0, 80)));
  console.log('pred:', await page.getByRole('status', { name: 'Prediction' }).innerText().catch(() => '?'));
  await page.screenshot({ path: '/tmp/train2.png', fullPage: true });
  await browser.close();
} finally { server.kill(); }
