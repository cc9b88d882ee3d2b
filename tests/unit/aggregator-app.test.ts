/**
 * The aggregator app around the federation API, over real HTTP: the built studio is still served with its security
 * headers; operator routes need the admin token (403 when none is configured); create and initial weights refuse bad
 * input; rate limits answer 429 with Retry-After, per join token and, for refused credentials, per address.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { federationPaths } from '../../src/lib/federated/protocol.ts';
import { admin, ADMIN, bytesOf, createFederation, settings, startAggregator, upload, type Aggregator } from './aggregator-fixture.ts';

const root = mkdtempSync(join(tmpdir(), 'enclave-agg-site-'));
let agg: Aggregator;

beforeAll(async () => {
  writeFileSync(join(root, 'index.html'), '<h1>studio</h1>');
  writeFileSync(join(root, 'prepare.html'), '<h1>prepare</h1>');
  writeFileSync(join(root, '404.html'), '<h1>fallback</h1>');
  mkdirSync(join(root, '_app/immutable'), { recursive: true });
  writeFileSync(join(root, '_app/immutable/app.js'), 'export {}');
  agg = await startAggregator({ root });
});
afterAll(async () => {
  await agg.close();
  rmSync(root, { recursive: true, force: true });
});

const json = (body: unknown) => ({ method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

describe('the studio is still served', () => {
  it('pages, prerendered routes and immutable assets, with cross-origin isolation and CSP', async () => {
    const home = await fetch(agg.url + '/');
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('studio');
    expect(home.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(home.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(home.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await (await fetch(agg.url + '/prepare')).text()).toContain('prepare');
    expect((await fetch(agg.url + '/_app/immutable/app.js')).headers.get('cache-control')).toContain('immutable');
    const missing = await fetch(agg.url + '/nowhere');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('fallback');
  });

  it('/api/health, an unknown API path, and the federation API carries the same headers', async () => {
    expect(await (await fetch(agg.url + '/api/health')).json()).toEqual({ ok: true });
    const unknown = await fetch(agg.url + '/api/nothing');
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).code).toBe('not-found');
    const fed = await fetch(agg.url + '/api/federations/x/config');
    expect(fed.status).toBe(401);
    expect(fed.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(fed.headers.get('cache-control')).toBe('no-cache');
  });
});

describe('operator routes', () => {
  it('answer 401 without the admin token or with a wrong one, 404 for an unknown federation', async () => {
    const none = await fetch(agg.url + '/api/federations', json(settings()));
    expect(none.status).toBe(401);
    expect((await none.json()).code).toBe('unauthorized');
    const wrong = await fetch(agg.url + '/api/federations', { ...json(settings()), headers: { authorization: `Bearer ${ADMIN}x` } });
    expect(wrong.status).toBe(401);
    const unknown = await admin(agg.url, '/api/federations/AAAAAAAAAAAAAAAAAAAAAA');
    expect(unknown.status).toBe(404);
  });

  it('answer 403 with a reason when no admin token is configured', async () => {
    const off = await startAggregator({ routes: { adminToken: undefined } });
    try {
      const res = await admin(off.url, '/api/federations', json(settings()));
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ code: 'admin-disabled', message: expect.stringMatching(/ENCLAVE_ADMIN_TOKEN/) });
    } finally {
      await off.close();
    }
  });

  const badSettings: [string, unknown, RegExp][] = [
    ['not JSON', '{"rounds":', /not valid JSON/],
    ['a missing field', { ...settings(), clipNorm: undefined }, /clipNorm/],
    ['an unknown field (a typo)', { ...settings(), clipnorm: 1 }, /clipnorm/],
    ['a negative noise multiplier', settings({ noiseMultiplier: -1 }), /noiseMultiplier/],
    ['a trim of one half', settings({ robust: { kind: 'trimmed-mean', trim: 0.5 } }), /robust\.trim/],
    ['a quorum above the number of tokens', settings({ minClients: 4, tokens: 3 }), /no round could reach quorum/]
  ];
  for (const [what, body, reason] of badSettings) {
    it(`create refuses ${what}: 400`, async () => {
      const res = await admin(agg.url, '/api/federations', { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'invalid-request', message: expect.stringMatching(reason) });
    });
  }

  it('create refuses a body over 1 MiB: 413', async () => {
    const res = await admin(agg.url, '/api/federations', json(settings({ model: { pad: 'x'.repeat(1_100_000) } })));
    expect(res.status).toBe(413);
  });

  it('initial weights: the exact length, finite, once; before them no round is open', async () => {
    const res = await admin(agg.url, '/api/federations', json(settings()));
    expect(res.status).toBe(201);
    const created = await res.json();
    expect(created.tokens.map((t: { clientId: string }) => t.clientId)).toEqual(['c-1', 'c-2', 'c-3']);
    const token = created.tokens[0].token;
    const weights = await fetch(agg.url + federationPaths(created.id).weights, { headers: { authorization: `Bearer ${token}` } });
    expect(weights.status).toBe(409);
    expect((await weights.json()).code).toBe('not-started');
    const early = await upload(agg.url, created.id, 1, [0, 0, 0, 0], { token, clientId: 'c-1', base: '0'.repeat(64) });
    expect(early.status).toBe(409);
    expect((await early.json()).code).toBe('not-started');
    const put = (values: number[]) => admin(agg.url, created.initialWeightsUrl, { method: 'PUT', body: bytesOf(values) });
    expect((await put([1, 2, 3])).status).toBe(400);
    expect((await put([1, 2, NaN, 4])).status).toBe(400);
    const ok = await put([1, 2, 3, 4]);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ state: 'open', round: 1, version: 0 });
    const twice = await put([1, 2, 3, 4]);
    expect(twice.status).toBe(409);
    expect((await twice.json()).code).toBe('conflict');
  });

  it('revoke: an unknown client is 404; revoking twice keeps the first time', async () => {
    const f = await createFederation(agg.url, { tokens: 3, minClients: 1 }, [0, 0, 0, 0]);
    expect((await admin(agg.url, federationPaths(f.id).revoke('c-9'), { method: 'POST' })).status).toBe(404);
    const first = await (await admin(agg.url, federationPaths(f.id).revoke('c-2'), { method: 'POST' })).json();
    const second = await (await admin(agg.url, federationPaths(f.id).revoke('c-2'), { method: 'POST' })).json();
    expect(second).toEqual(first);
    const list = await (await admin(agg.url, '/api/federations')).json();
    expect(list.federations.some((x: { id: string }) => x.id === f.id)).toBe(true);
  });
});

describe('rate limits', () => {
  it('429 with Retry-After past a join token’s burst; other tokens and refused guesses are counted apart', async () => {
    const limited = await startAggregator({ routes: { clientRate: { burst: 3, perSecond: 0.01 }, failureRate: { burst: 2, perSecond: 0.01 } } });
    try {
      const f = await createFederation(limited.url, { tokens: 3 }, [0, 0, 0, 0]);
      const get = (token: string) => fetch(limited.url + federationPaths(f.id).round, { headers: { authorization: `Bearer ${token}` } });
      for (let i = 0; i < 3; i++) expect((await get(f.tokens[0].token)).status).toBe(200);
      const over = await get(f.tokens[0].token);
      expect(over.status).toBe(429);
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await over.json()).code).toBe('rate-limited');
      expect((await get(f.tokens[1].token)).status).toBe(200);
      // Wrong tokens from this address: 401, 401, then 429 — and a valid token still gets through.
      expect((await get('B'.repeat(43))).status).toBe(401);
      expect((await get('C'.repeat(43))).status).toBe(401);
      expect((await get('D'.repeat(43))).status).toBe(429);
      expect((await get(f.tokens[2].token)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('429 for a second upload from a client while its first is still arriving; the first then succeeds', async () => {
    const f = await createFederation(agg.url, { tokens: 2, minClients: 2 }, [0, 0, 0, 0]);
    const opts = { token: f.tokens[0].token, clientId: 'c-1', base: f.baseSha256 };
    const bytes = bytesOf([0.1, 0, 0, 0]);
    // Two uploads whose bodies stall after 8 bytes: whichever the server takes second is refused without its body.
    const finishers: (() => void)[] = [];
    const stalled = () =>
      new ReadableStream<Uint8Array>({
        start(ctl) {
          ctl.enqueue(bytes.slice(0, 8));
          finishers.push(() => {
            ctl.enqueue(bytes.slice(8));
            ctl.close();
          });
        }
      });
    const sends = [upload(agg.url, f.id, 1, null, { ...opts, body: stalled() }), upload(agg.url, f.id, 1, null, { ...opts, body: stalled() })];
    const first = await Promise.race(sends);
    expect(first.status).toBe(429);
    expect(await first.json()).toMatchObject({ code: 'rate-limited', message: expect.stringMatching(/already being received/) });
    for (const finish of finishers) finish();
    expect((await Promise.all(sends)).map((r) => r.status).sort()).toEqual([200, 429]);
  });
});
