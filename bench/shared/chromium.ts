/**
 * Shared by the benchmarks' browser sides: the Chromium they run, one fresh headless profile per run, and a bench
 * worker bundled by esbuild (which tsx already brings) and answered on the studio's own origin.
 */
import { chromium, type BrowserContext } from '@playwright/test';
import { build, type Plugin } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../ingest/serve.ts';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
/** Flags of every bench browser: nothing in the background (updates, sync, QUIC probes) to disturb the timings. */
export const CHROMIUM_ARGS = ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/** The version `chromium --version` gives ("131.0.6778.85"), or undefined when it gives none. */
export function chromiumVersion(): string | undefined {
  return /Chromium ([\d.]+)/.exec(spawnSync(CHROMIUM, ['--version'], { encoding: 'utf8' }).stdout ?? '')?.[1];
}

type LaunchOptions = NonNullable<Parameters<typeof chromium.launchPersistentContext>[1]>;

/**
 * A fresh profile (a new temporary directory: empty IndexedDB, no cache) for one headless Chromium. `close()` runs
 * once, however often it is called (the run's `finally` and cleanupAll on a failure or signal): `beforeClose` first
 * (say, a memory sampler's stop), then the browser, then the profile's directory.
 */
export class FreshProfile {
  readonly dir: string;
  context: BrowserContext | null = null;
  beforeClose: () => void = () => undefined;
  private closing: Promise<void> | null = null;

  constructor(prefix: string) {
    this.dir = mkdtempSync(join(tmpdir(), prefix));
  }

  async launch(args: string[], options: LaunchOptions = {}): Promise<BrowserContext> {
    this.context = await chromium.launchPersistentContext(this.dir, {
      executablePath: CHROMIUM,
      headless: true,
      args,
      // The PWA's service worker would precache the whole app in the background on this first visit; a person has
      // long had it installed, so it is kept out of the measurement.
      serviceWorkers: 'block',
      // Our own signal handlers (serve.ts) close the browser and then the server; Playwright's would exit first.
      handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
      ...options,
    });
    return this.context;
  }

  close(): Promise<void> {
    return (this.closing ??= (async () => {
      this.beforeClose();
      await this.context?.close().catch(() => undefined);
      // Chromium's last processes may still be writing the profile for a moment after close().
      rmSync(this.dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    })());
  }
}

/** Headers a same-origin script or file needs on the studio's pages (COEP require-corp). */
export const SAME_ORIGIN_HEADERS = { 'Cross-Origin-Resource-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

/** Answers `path` on the studio's origin with the worker's code: the CSP's worker-src 'self' rules out a blob: worker. */
export async function serveWorker(context: BrowserContext, base: string, path: string, code: string): Promise<void> {
  await context.route(`${base}${path}`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/javascript', headers: SAME_ORIGIN_HEADERS, body: code }));
}

/** A bench worker (`entry`, relative to the repository) bundled for the browser, as one script's text. */
export async function bundleWorker(entry: string, format: 'iife' | 'esm', plugins: Plugin[] = []): Promise<string> {
  const out = await build({
    entryPoints: [join(ROOT, entry)], plugins,
    bundle: true, format, platform: 'browser', target: 'es2022', minify: true, write: false, logLevel: 'error',
  });
  return out.outputFiles[0].text;
}
