import { defineConfig } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PORT = Number(process.env.E2E_PORT ?? 4390);

/** Chromium flags: no background traffic on a closed network, and WebGPU through SwiftShader (see DEVELOPERS.md). */
const quiet = ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 120_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    launchOptions: { executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: quiet },
    trace: 'retain-on-failure'
  },
  projects: [
    // device-loss.spec.ts needs WebGPU: the webgpu project only.
    { name: 'chromium', metadata: { backend: 'wasm' }, testIgnore: /device-loss\.spec\.ts/ },
    {
      // WebGPU headless through SwiftShader (slow: a correctness check, not a speed one).
      name: 'webgpu',
      testMatch: /(train|device-loss)\.spec\.ts/,
      metadata: { backend: 'webgpu' },
      use: {
        launchOptions: {
          executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
          args: [...quiet, '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-webgpu-adapter=swiftshader', '--enable-unsafe-swiftshader']
        }
      }
    },
    // Every backend the studio ships trains the e2e path: WebGL (SwiftShader here) and plain-JS CPU too.
    { name: 'webgl', testMatch: /train\.spec\.ts/, metadata: { backend: 'webgl' } },
    { name: 'cpu', testMatch: /train\.spec\.ts/, metadata: { backend: 'cpu' } }
  ],
  webServer: {
    command: 'node --import tsx aggregator/server.ts',
    // The federation API on, with a fresh store per run (federated.spec.ts creates one from the studio).
    env: { PORT: String(PORT), HOST: '127.0.0.1', ENCLAVE_ADMIN_TOKEN: 'e2e-admin-token-0123456789', ENCLAVE_DATA_DIR: mkdtempSync(join(tmpdir(), 'enclave-e2e-')) },
    url: `http://127.0.0.1:${PORT}/api/health`,
    reuseExistingServer: false,
    timeout: 60_000
  }
});
