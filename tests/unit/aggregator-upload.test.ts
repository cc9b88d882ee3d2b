/**
 * Every bad upload is refused with its status, code and reason, and changes nothing (the round's count, senders,
 * weights and history are the same after it); a resend of an accepted update gets the same answer and is counted once.
 * Over real HTTP on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { federationPaths, sha256Hex, updateNormBound } from '../../src/lib/federated/protocol.ts';
import { admin, bytesOf, createFederation, startAggregator, status, upload, type Aggregator, type UploadOptions } from './aggregator-fixture.ts';

const D = 1000;
const C = 1;
const Z = 1;

/** A vector of length D with a fixed pattern (deterministic, norm ≈ scale · √(D/3)). */
function vector(scale: number, phase = 0): number[] {
  return Array.from({ length: D }, (_, i) => scale * Math.sin(i * 0.37 + phase));
}

let agg: Aggregator;
let fed: Awaited<ReturnType<typeof createFederation>>;
let round2Base: string;
const acceptedReplies: Record<string, unknown> = {};

const as = (i: number, base = round2Base): UploadOptions => ({ token: fed.tokens[i].token, clientId: fed.tokens[i].clientId, base });

/** The state an upload must not change. */
async function snapshot() {
  const s = await status(agg.url, fed.id);
  return { round: s.round, version: s.version, received: s.received, senders: s.senders, weightsSha256: s.weightsSha256, history: s.history };
}

async function expectRefused(res: Response, statusCode: number, code: string, reason?: RegExp) {
  const body = await res.json();
  expect({ status: res.status, code: body.code }).toEqual({ status: statusCode, code });
  expect(typeof body.message).toBe('string');
  if (reason) expect(body.message).toMatch(reason);
  return body;
}

beforeAll(async () => {
  // Rate limits out of the way: aggregator-app.test.ts checks 429.
  agg = await startAggregator({ routes: { clientRate: { burst: 1000, perSecond: 1000 }, failureRate: { burst: 1000, perSecond: 1000 } } });
  // 5 tokens, quorum 3: c-5 is revoked; c-1…c-3 close round 1; round 2 is where the refusals are tried, with c-4 unsent.
  fed = await createFederation(agg.url, { parameterCount: D, clipNorm: C, noiseMultiplier: Z, tokens: 5, minClients: 3 }, new Array(D).fill(0));
  const revoke = await admin(agg.url, federationPaths(fed.id).revoke('c-5'), { method: 'POST' });
  expect(revoke.status).toBe(200);
  for (let i = 0; i < 4; i++) {
    const res = await upload(agg.url, fed.id, 1, vector(0.01, i), as(i, fed.baseSha256));
    expect(res.status).toBe(200);
    acceptedReplies[`1/${i}`] = await res.json();
  }
  const s = await status(agg.url, fed.id);
  expect(s).toMatchObject({ round: 2, version: 1, received: 0, history: [{ round: 1, received: 4, reason: 'all-clients' }] });
  round2Base = s.weightsSha256;
  // One accepted update in round 2, to resend.
  const res = await upload(agg.url, fed.id, 2, vector(0.02), as(0));
  expect(res.status).toBe(200);
  acceptedReplies['2/0'] = await res.json();
});

afterAll(() => agg.close());

describe('refused uploads change nothing', () => {
  const cases: [string, () => Promise<Response>, number, string, RegExp?][] = [
    ['no token', () => upload(agg.url, fed.id, 2, vector(0.01), { ...as(1), token: null }), 401, 'unauthorized', /join token is needed/],
    ['a wrong token', () => upload(agg.url, fed.id, 2, vector(0.01), { ...as(1), token: 'A'.repeat(43) }), 401, 'unauthorized', /not valid/],
    ['a token of another shape', () => upload(agg.url, fed.id, 2, vector(0.01), { ...as(1), token: 'not-a-token' }), 401, 'unauthorized'],
    ['a revoked token', () => upload(agg.url, fed.id, 2, vector(0.01), as(4)), 403, 'revoked', /revoked/],
    ['a closed round', () => upload(agg.url, fed.id, 1, vector(0.01, 9), as(1)), 409, 'round-closed', /Round 1 is closed; round 2 is open/],
    ['a future round', () => upload(agg.url, fed.id, 3, vector(0.01), as(1)), 409, 'round-not-open', /Round 3 is not open yet/],
    ['a second, different update in the round', () => upload(agg.url, fed.id, 2, vector(0.03), as(0)), 409, 'already-sent', /already sent a different update/],
    ['an update computed on stale weights', () => upload(agg.url, fed.id, 2, vector(0.01), as(1, fed.baseSha256)), 409, 'stale-base', /not the current global weights/],
    ['one float short', () => upload(agg.url, fed.id, 2, vector(0.01).slice(1), as(1)), 400, 'wrong-length', /3,996 bytes; it must be exactly 4,000/],
    ['a length that is not whole floats', () => upload(agg.url, fed.id, 2, null, { ...as(1), body: new Uint8Array(3999) }), 400, 'wrong-length'],
    ['an empty body', () => upload(agg.url, fed.id, 2, null, { ...as(1), body: new Uint8Array(0) }), 400, 'wrong-length'],
    ['a body over the size limit (declared)', () => upload(agg.url, fed.id, 2, null, { ...as(1), body: new Uint8Array(4004) }), 413, 'too-large', /over the size limit of 4,000 bytes/],
    [
      'a body over the size limit (streamed without a length, cut while reading)',
      () => {
        let sent = 0;
        // 64 MiB in 64 KiB pieces if nobody stopped it: the server answers after 4,001 bytes.
        const body = new ReadableStream<Uint8Array>({
          pull(ctl) {
            if (sent >= 64 * 1024 * 1024) return ctl.close();
            sent += 65536;
            ctl.enqueue(new Uint8Array(65536));
          }
        });
        return upload(agg.url, fed.id, 2, null, { ...as(1), body });
      },
      413,
      'too-large'
    ],
    ['a NaN', () => upload(agg.url, fed.id, 2, vector(0.01).map((x, i) => (i === 17 ? NaN : x)), as(1)), 400, 'non-finite', /index 17 is NaN/],
    ['an Infinity', () => upload(agg.url, fed.id, 2, vector(0.01).map((x, i) => (i === 3 ? -Infinity : x)), as(1)), 400, 'non-finite', /index 3 is -Infinity/],
    ['no client id', () => upload(agg.url, fed.id, 2, vector(0.01), { ...as(1), clientId: null }), 400, 'invalid-request', /X-Enclave-Client/],
    ['another client id than the token’s', () => upload(agg.url, fed.id, 2, vector(0.01), { ...as(1), clientId: 'c-3' }), 400, 'invalid-request', /not the client of this join token \(c-2\)/],
    ['a base hash that is not a hash', () => upload(agg.url, fed.id, 2, vector(0.01), { ...as(1), base: 'abc' }), 400, 'invalid-request', /X-Enclave-Base-Sha256/],
    ['a round that is not a number', () => upload(agg.url, fed.id, 'two', vector(0.01), as(1)), 400, 'invalid-request', /not a round number/],
    ['JSON instead of raw bytes', () => upload(agg.url, fed.id, 2, vector(0.01), { ...as(1), contentType: 'application/json' }), 400, 'invalid-request', /octet-stream/]
  ];
  for (const [what, send, code, name, reason] of cases) {
    it(`refuses ${what}: ${code} ${name}`, async () => {
      const before = await snapshot();
      await expectRefused(await send(), code, name, reason);
      expect(await snapshot()).toEqual(before);
    });
  }

  it('refuses an update 100 × over the honest scale: 400, naming the norm and the bound', async () => {
    const bound = updateNormBound(D, C, Z);
    // An honest update: clip (norm ≤ C) plus N(0, (zC)²) noise, norm ≈ √(1 + D) ≈ 31.6, under the bound ≈ 37.5.
    const honest = vector(Math.sqrt(2)); // norm ≈ √D
    const norm = Math.hypot(...honest);
    expect(norm).toBeLessThan(bound);
    const before = await snapshot();
    const body = await expectRefused(await upload(agg.url, fed.id, 2, honest.map((x) => 100 * x), as(1)), 400, 'norm-too-large', /L2 norm is 3\d{3}\.\d+, over the bound 37\.\d+/);
    expect(body.detail.bound).toBeCloseTo(bound, 6);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a norm just over C when z = 0, and accepts C itself (float32 rounding allowed)', async () => {
    const f = await createFederation(agg.url, { parameterCount: 3, clipNorm: 2, noiseMultiplier: 0, tokens: 2, minClients: 2 }, [0, 0, 0]);
    const opts = (i: number) => ({ token: f.tokens[i].token, clientId: f.tokens[i].clientId, base: f.baseSha256 });
    await expectRefused(await upload(agg.url, f.id, 1, [0, 2.001, 0], opts(0)), 400, 'norm-too-large', /over the bound 2\.000/);
    // (2/√3)·(1,1,1) has norm 2 up to float32 rounding.
    expect((await upload(agg.url, f.id, 1, [1, 1, 1].map((x) => (2 * x) / Math.sqrt(3)), opts(0))).status).toBe(200);
  });
});

describe('resending an accepted update', () => {
  it('gets the same answer (200) and is counted once, in the open round', async () => {
    const before = await snapshot();
    expect(before.received).toBe(1);
    const res = await upload(agg.url, fed.id, 2, vector(0.02), as(0));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(acceptedReplies['2/0']);
    expect(await snapshot()).toEqual(before);
  });

  it('gets the same answer after its round closed (the answer was lost, the client retries)', async () => {
    const before = await snapshot();
    const res = await upload(agg.url, fed.id, 1, vector(0.01, 1), as(1, fed.baseSha256));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(acceptedReplies['1/1']);
    expect(await snapshot()).toEqual(before);
  });

  it('the reply says when and where the next weights appear', () => {
    const r = acceptedReplies['2/0'] as { round: number; updateSha256: string; next: Record<string, unknown> };
    expect(r.round).toBe(2);
    expect(r.next).toMatchObject({ version: 2, round: 3, weightsUrl: federationPaths(fed.id).weights });
    expect(typeof r.next.expectedAt).toBe('string');
  });

  it('the reply names the SHA-256 of the bytes sent', async () => {
    const r = acceptedReplies['2/0'] as { updateSha256: string };
    expect(r.updateSha256).toBe(await sha256Hex(bytesOf(vector(0.02))));
  });
});
