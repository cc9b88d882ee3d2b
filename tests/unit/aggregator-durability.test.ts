/**
 * An update answered 200 survives kill -9: the aggregator runs as its own process (`node --import tsx
 * aggregator/server.ts`, a temp data directory, PORT=0), is SIGKILLed mid-round, restarted on the same directory, and
 * still counts what it acknowledged. Also: a round whose deadline passed while the server was down closes at start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN, createFederation, status, upload, weights } from './aggregator-fixture.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const dirs: string[] = [];
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir() {
  const d = mkdtempSync(join(tmpdir(), 'enclave-agg-kill-'));
  dirs.push(d);
  return d;
}

/** Starts the server on `dir`; resolves with its URL once it listens. */
function startServer(dir: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'aggregator/server.ts'], {
    cwd: repo,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ENCLAVE_DATA_DIR: dir, ENCLAVE_ADMIN_TOKEN: ADMIN },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (b) => {
      out += b;
      const m = /running at (http:\/\/[^/\s]+)\//.exec(out);
      if (m) resolve({ url: m[1], child });
    });
    child.stderr!.on('data', (b) => (err += b));
    child.on('exit', (code) => reject(new Error(`server exited (${code}) before listening: ${err}`)));
  });
}

function kill9(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

const as = (f: Awaited<ReturnType<typeof createFederation>>, i: number) => ({ token: f.tokens[i].token, clientId: f.tokens[i].clientId, base: f.baseSha256 });

describe('kill -9', () => {
  it('keeps the 2 acknowledged updates of 3; after restart the third closes the round', async () => {
    const dir = tempDir();
    let server = await startServer(dir);
    const initial = [1, 2, 3, 4];
    const updates = [
      [0.5, 0, 0, -0.5],
      [0.25, 0.5, 0, 0],
      [0, -0.25, 0.75, 0.5]
    ];
    const f = await createFederation(server.url, { tokens: 3, minClients: 3 }, initial);
    const first = await upload(server.url, f.id, 1, updates[0], as(f, 0));
    expect(first.status).toBe(200);
    const firstReply = await first.json();
    expect((await upload(server.url, f.id, 1, updates[1], as(f, 1))).status).toBe(200);
    await kill9(server.child);

    server = await startServer(dir);
    expect(await status(server.url, f.id)).toMatchObject({ state: 'open', round: 1, received: 2, senders: ['c-1', 'c-2'] });
    // The first client never saw its answer (say): its resend is the same answer, counted once.
    const again = await upload(server.url, f.id, 1, updates[0], as(f, 0));
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(firstReply);
    expect((await status(server.url, f.id)).received).toBe(2);
    expect((await upload(server.url, f.id, 1, updates[2], as(f, 2))).status).toBe(200);
    expect(await status(server.url, f.id)).toMatchObject({ round: 2, version: 1, history: [{ round: 1, received: 3, reason: 'all-clients' }] });
    expect([...(await weights(server.url, f.id, f.tokens[0].token)).values]).toEqual([1.25, 2 + 1 / 12, 3.25, 4].map(Math.fround));
    await kill9(server.child);
  });

  it('every update answered 200 during a burst of 40 concurrent uploads is there after kill -9', async () => {
    const dir = tempDir();
    let server = await startServer(dir);
    const D = 20_000;
    // 41 tokens, one silent: the round stays open whatever gets in.
    const f = await createFederation(server.url, { tokens: 41, minClients: 40, parameterCount: D }, new Array(D).fill(0));
    const acked = new Set<string>();
    let killed: Promise<void> | null = null;
    const uploads = f.tokens.slice(0, 40).map((_, i) =>
      upload(server.url, f.id, 1, new Array(D).fill(0.001), as(f, i))
        .then((res) => {
          if (res.status !== 200) return;
          acked.add(f.tokens[i].clientId);
          // Kill once 10 answers are in: others are mid-body, mid-check or mid-commit.
          if (acked.size === 10) killed = kill9(server.child);
        })
        .catch(() => undefined)
    );
    await Promise.all(uploads);
    await (killed ?? kill9(server.child));
    expect(acked.size).toBeGreaterThanOrEqual(10);

    server = await startServer(dir);
    const s = await status(server.url, f.id);
    for (const c of acked) expect(s.senders).toContain(c);
    expect(s.received).toBe(s.senders.length);
    await kill9(server.child);
  });

  it('a round whose deadline passed while the server was down closes when it starts', async () => {
    const dir = tempDir();
    let server = await startServer(dir);
    const f = await createFederation(server.url, { tokens: 3, minClients: 2, roundDeadlineSeconds: 1 }, [0, 0, 0, 0]);
    for (const i of [0, 1]) expect((await upload(server.url, f.id, 1, [0.2 * (i + 1), 0, 0, 0], as(f, i))).status).toBe(200);
    await kill9(server.child);
    await new Promise((r) => setTimeout(r, 1200));

    server = await startServer(dir);
    expect(await status(server.url, f.id)).toMatchObject({ round: 2, history: [{ round: 1, received: 2, reason: 'deadline' }] });
    expect([...(await weights(server.url, f.id, f.tokens[2].token)).values]).toEqual([Math.fround(0.3), 0, 0, 0]);
    await kill9(server.child);
  });
});
