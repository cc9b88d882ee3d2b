/** Refreshes docs/screenshot.png: the Data page after "Try the sample". Needs a built app (npx vite build). */
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';

const port = 4392;
const server = spawn(process.execPath, ['--import', 'tsx', 'aggregator/server.ts'], { env: { ...process.env, PORT: String(port) }, stdio: 'ignore' });
try {
  for (let i = 0; i < 50; i++) {
    if (await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.getByRole('button', { name: /Try the sample/ }).click();
  await page.getByRole('img', { name: 'Histogram of Body Mass (g)' }).waitFor();
  await page.screenshot({ path: 'docs/screenshot.png', fullPage: false });
  await page.getByRole('heading', { name: 'Columns' }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: '/tmp/screenshot-columns.png' });
  await browser.close();
} finally {
  server.kill();
}
