/**
 * Rounds over real HTTP: three clients close a round and the new global weights are old + mean(updates) (against a
 * hand-computed vector); the client routes' replies parse with the protocol's schemas; deadline, late quorum and the
 * last round; the coordinate-wise trimmed mean against sign-flipped ×10 updates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as v from 'valibot';
import {
  federationPaths,
  FederationConfigReplySchema,
  FederationStatusReplySchema,
  HEADERS,
  RoundStatusReplySchema,
  sha256Hex,
  UpdateReplySchema
} from '../../src/lib/federated/protocol.ts';
import { admin, bytesOf, createFederation, startAggregator, status, upload, weights, type Aggregator } from './aggregator-fixture.ts';

let agg: Aggregator;
beforeAll(async () => {
  agg = await startAggregator();
});
afterAll(() => agg.close());

type Fed = Awaited<ReturnType<typeof createFederation>>;
const as = (f: Fed, i: number, base = f.baseSha256) => ({ token: f.tokens[i].token, clientId: f.tokens[i].clientId, base });
const get = (f: Fed, i: number, path: string, headers: Record<string, string> = {}) =>
  fetch(agg.url + path, { headers: { authorization: `Bearer ${f.tokens[i].token}`, ...headers } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a round of three clients', () => {
  const initial = [1, 2, 3, 4];
  const updates = [
    [0.5, 0, 0, -0.5],
    [0.25, 0.5, 0, 0],
    [0, -0.25, 0.75, 0.5]
  ];
  // By hand: mean = (0.75/3, 0.25/3, 0.75/3, 0/3) = (0.25, 0.083333…, 0.25, 0).
  const expected = [1.25, 2 + 1 / 12, 3.25, 4].map(Math.fround);
  let f: Fed;

  it('serves the config, the weights and the round status, each in its protocol shape', async () => {
    f = await createFederation(agg.url, { rounds: 2 }, initial);
    const config = v.parse(FederationConfigReplySchema, await (await get(f, 1, federationPaths(f.id).config)).json());
    expect(config).toMatchObject({ id: f.id, clientId: 'c-2', updateBytes: 16, settings: { parameterCount: 4, rounds: 2, minClients: 3, model: { kind: 'test' } } });
    expect(config.normBound).toBeCloseTo(1, 3);
    const w = await weights(agg.url, f.id, f.tokens[0].token);
    expect([...w.values]).toEqual(initial);
    expect(w.res.headers.get(HEADERS.round)).toBe('1');
    expect(w.res.headers.get(HEADERS.version)).toBe('0');
    expect(w.res.headers.get(HEADERS.weightsSha256)).toBe(f.baseSha256);
    expect(w.res.headers.get('etag')).toBe(`"${f.baseSha256}"`);
    const round = v.parse(RoundStatusReplySchema, await (await get(f, 0, federationPaths(f.id).round)).json());
    expect(round).toMatchObject({ state: 'open', round: 1, rounds: 2, version: 0, received: 0, minClients: 3, liveClients: 3, sent: false, weightsSha256: f.baseSha256 });
  });

  it('closes when the third update is in, with new weights = old + mean(updates)', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await upload(agg.url, f.id, 1, updates[i], as(f, i));
      expect(res.status).toBe(200);
      const reply = v.parse(UpdateReplySchema, await res.json());
      expect(reply).toMatchObject({ round: 1, clientId: `c-${i + 1}`, next: { version: 1, round: 2 } });
      if (i < 2) expect((await status(agg.url, f.id)).received).toBe(i + 1);
    }
    const w = await weights(agg.url, f.id, f.tokens[0].token);
    expect([...w.values]).toEqual(expected);
    expect(w.res.headers.get(HEADERS.round)).toBe('2');
    expect(w.res.headers.get(HEADERS.version)).toBe('1');
    expect(w.res.headers.get(HEADERS.weightsSha256)).toBe(await sha256Hex(bytesOf(expected)));
    const s = v.parse(FederationStatusReplySchema, await status(agg.url, f.id));
    expect(s).toMatchObject({ state: 'open', round: 2, version: 1, received: 0, history: [{ round: 1, received: 3, reason: 'all-clients' }] });
  });

  it('answers 304 to a client that already has the weights', async () => {
    const sha = await sha256Hex(bytesOf(expected));
    const res = await get(f, 0, federationPaths(f.id).weights, { 'if-none-match': `"${sha}"` });
    expect(res.status).toBe(304);
    expect(res.headers.get(HEADERS.version)).toBe('1');
  });

  it('finishes after the last round: weights still served, uploads refused', async () => {
    const base = await sha256Hex(bytesOf(expected));
    for (let i = 0; i < 3; i++) {
      const res = await upload(agg.url, f.id, 2, updates[i], as(f, i, base));
      const reply = await res.json();
      expect(res.status).toBe(200);
      expect(reply.next).toMatchObject({ version: 2, round: null });
    }
    const w = await weights(agg.url, f.id, f.tokens[0].token);
    expect([...w.values]).toEqual(expected.map((x, i) => Math.fround(x + [0.25, 1 / 12, 0.25, 0][i])));
    expect(w.res.headers.get(HEADERS.state)).toBe('finished');
    expect(w.res.headers.get(HEADERS.round)).toBeNull();
    const late = await upload(agg.url, f.id, 3, updates[0], as(f, 0, w.res.headers.get(HEADERS.weightsSha256)!));
    expect(late.status).toBe(409);
    expect((await late.json()).code).toBe('round-closed');
    expect(await status(agg.url, f.id)).toMatchObject({ state: 'finished', round: null, version: 2 });
  });
});

describe('deadlines', () => {
  it('a round with quorum closes at its deadline (timer), without waiting for the last client', async () => {
    const f = await createFederation(agg.url, { minClients: 2, tokens: 3, roundDeadlineSeconds: 0.6 }, [0, 0, 0, 0]);
    for (const i of [0, 1]) expect((await upload(agg.url, f.id, 1, [0.1 * (i + 1), 0, 0, 0], as(f, i))).status).toBe(200);
    expect((await status(agg.url, f.id)).round).toBe(1);
    // The store, read directly, shows the close without a request (any request would check the deadline itself):
    // the timer did it. Polled, since a busy machine runs timers late.
    await sleep(600);
    for (let i = 0; i < 100 && (await agg.service.store.getFederation(f.id))!.round === 1; i++) await sleep(50);
    expect((await agg.service.store.getFederation(f.id))!.round).toBe(2);
    const s = await status(agg.url, f.id);
    expect(s).toMatchObject({ round: 2, history: [{ round: 1, received: 2, reason: 'deadline' }] });
    expect([...(await weights(agg.url, f.id, f.tokens[2].token)).values]).toEqual([Math.fround(0.15), 0, 0, 0]);
  });

  it('without quorum at the deadline, the first upload that reaches quorum closes it', async () => {
    const f = await createFederation(agg.url, { minClients: 2, tokens: 3, roundDeadlineSeconds: 0.2 }, [0, 0, 0, 0]);
    expect((await upload(agg.url, f.id, 1, [0.5, 0, 0, 0], as(f, 0))).status).toBe(200);
    await sleep(400);
    expect(await status(agg.url, f.id)).toMatchObject({ round: 1, received: 1 });
    expect((await upload(agg.url, f.id, 1, [0, 0.5, 0, 0], as(f, 1))).status).toBe(200);
    expect(await status(agg.url, f.id)).toMatchObject({ round: 2, history: [{ round: 1, received: 2, reason: 'quorum-after-deadline' }] });
  });

  it('revoking the last client that had not sent closes the round (every live client has sent)', async () => {
    const f = await createFederation(agg.url, { minClients: 2, tokens: 3 }, [0, 0, 0, 0]);
    for (const i of [0, 1]) expect((await upload(agg.url, f.id, 1, [0.5, 0, 0, 0], as(f, i))).status).toBe(200);
    expect((await status(agg.url, f.id)).round).toBe(1);
    const res = await admin(agg.url, federationPaths(f.id).revoke('c-3'), { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await status(agg.url, f.id)).toMatchObject({ round: 2, history: [{ reason: 'all-clients' }] });
  });
});

describe('trimmed mean', () => {
  // 10 clients, 9,000 parameters (3 chunks of kept updates); honest updates all point along h (plus a little per-client
  // spread); clients 9 and 10 send −10 × their honest update.
  const D = 9000;
  const h = Array.from({ length: D }, (_, j) => 0.005 * (1 + Math.cos(j)));
  const honest = (k: number) => h.map((x, j) => x * (1 + 0.1 * Math.sin(k * 7 + j)));
  const sent = (k: number) => (k >= 8 ? honest(k).map((x) => -10 * x) : honest(k));
  const honestMean = h.map((_, j) => {
    let s = 0;
    for (let k = 0; k < 8; k++) s += honest(k)[j];
    return s / 8;
  });
  const dist = (a: ArrayLike<number>, b: number[]) => Math.sqrt(b.reduce((s, x, j) => s + (a[j] - x) ** 2, 0));

  async function run(robust: boolean) {
    // C = 10 lets the ×10 updates pass the norm check: the aggregation has to deal with them.
    const over = { parameterCount: D, clipNorm: 10, tokens: 10, minClients: 10, rounds: 1, ...(robust ? { robust: { kind: 'trimmed-mean', trim: 0.2 } } : {}) };
    const f = await createFederation(agg.url, over, new Array(D).fill(0));
    const res = await Promise.all(Array.from({ length: 10 }, (_, k) => upload(agg.url, f.id, 1, sent(k), as(f, k))));
    expect(res.map((r) => r.status)).toEqual(new Array(10).fill(200));
    expect(await status(agg.url, f.id)).toMatchObject({ state: 'finished', history: [{ received: 10 }] });
    return (await weights(agg.url, f.id, f.tokens[0].token)).values;
  }

  it('stays close to the honest mean; the plain mean does not', async () => {
    const trimmed = await run(true);
    const plain = await run(false);
    const scale = Math.sqrt(honestMean.reduce((s, x) => s + x * x, 0));
    // Dropping the 2 lowest (the attackers) and 2 highest honest values leaves an honest mean of 6 of 8 clients.
    expect(dist(trimmed, honestMean) / scale).toBeLessThan(0.05);
    // The plain mean is (8 honest − 20 honest) / 10 ≈ −1.2 × the honest mean: 2.2 × its length away.
    expect(dist(plain, honestMean) / scale).toBeGreaterThan(2);
    for (let j = 0; j < D; j += 997) expect(Math.sign(trimmed[j])).toBe(1);
  });
});
