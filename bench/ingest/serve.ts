/** Shared by the ingest benchmark's scripts: build the studio when needed, serve build/ on a free port, clean up. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Cleanup steps run (last registered first) on normal exit, on failure and on SIGINT/SIGTERM/SIGHUP. */
const cleanups: (() => Promise<void> | void)[] = [];
let cleaning: Promise<void> | null = null;
export function onCleanup(fn: () => Promise<void> | void): void {
  cleanups.push(fn);
}
/** Runs every cleanup once; a second caller (a signal while a failure is being handled) waits for the same run. */
export function cleanupAll(): Promise<void> {
  cleaning ??= (async () => {
    for (const fn of cleanups.reverse()) await Promise.resolve().then(fn).catch(() => undefined);
  })();
  return cleaning;
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => { console.log(`\n${sig}: cleaning up`); void cleanupAll().finally(() => process.exit(130)); });
}

export function ensureBuild(rebuild: boolean, log: (s: string) => void): void {
  const index = join(ROOT, 'build', 'index.html');
  if (existsSync(index) && !rebuild) {
    const age = (Date.now() - statSync(index).mtimeMs) / 60_000;
    log(`build: using the existing build/ (built ${age.toFixed(0)} min ago; --rebuild to rebuild)`);
    return;
  }
  log('build: npx vite build ...');
  const r = spawnSync('npx', ['vite', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`vite build failed (exit ${r.status})`);
}

function freePort(preferred: number): Promise<number> {
  const tryPort = (p: number) => new Promise<number>((res, rej) => {
    const srv = createServer().once('error', rej).listen(p, '127.0.0.1', () => {
      const got = (srv.address() as { port: number }).port;
      srv.close(() => res(got));
    });
  });
  return tryPort(preferred).catch(() => tryPort(0));
}

/**
 * Starts aggregator/server.ts (COOP/COEP headers, like production) and resolves with its base URL once healthy.
 * `root`: the checkout whose server and build/ to use (another one: a commit's figures while this tree has others' work).
 */
export async function startServer(preferredPort: number, root = ROOT): Promise<string> {
  const port = await freePort(preferredPort);
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'aggregator/server.ts'], {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  onCleanup(() => { if (child.exitCode === null) child.kill('SIGTERM'); });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited (code ${child.exitCode})`);
    try {
      if ((await fetch(`${base}/api/health`)).ok) return base;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the server did not answer /api/health within 60 s');
}
