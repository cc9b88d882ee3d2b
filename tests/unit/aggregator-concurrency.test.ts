/**
 * 100 clients upload at once (over real HTTP on loopback) and the round completes: every upload answered 200 once,
 * the round closed with 100 updates, and the new weights are old + the float64 mean of the 100 updates.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFederation, startAggregator, status, upload, weights, type Aggregator } from './aggregator-fixture.ts';

const N = 100;
const D = 5000;

let agg: Aggregator;
beforeAll(async () => {
  agg = await startAggregator();
});
afterAll(() => agg.close());

/** Client k's update: a different small vector per client (norm ≈ 0.35, under C = 1). */
const update = (k: number) => Array.from({ length: D }, (_, j) => 0.005 * Math.sin(k * 1.3 + j * 0.01));

it(`${N} concurrent clients complete a round`, async () => {
  const initial = Array.from({ length: D }, (_, j) => j / D);
  const f = await createFederation(agg.url, { parameterCount: D, tokens: N, minClients: N, rounds: 2 }, initial);
  const res = await Promise.all(f.tokens.map((t, k) => upload(agg.url, f.id, 1, update(k), { token: t.token, clientId: t.clientId, base: f.baseSha256 })));
  const bodies = await Promise.all(res.map((r) => r.json()));
  expect(res.map((r) => r.status)).toEqual(new Array(N).fill(200));
  expect(new Set(bodies.map((b) => b.clientId)).size).toBe(N);
  expect(await status(agg.url, f.id)).toMatchObject({ round: 2, version: 1, received: 0, history: [{ round: 1, received: N, reason: 'all-clients' }] });

  const mean = new Float64Array(D);
  for (let k = 0; k < N; k++) {
    const u = Float32Array.from(update(k));
    for (let j = 0; j < D; j++) mean[j] += u[j] / N;
  }
  const got = (await weights(agg.url, f.id, f.tokens[0].token)).values;
  for (let j = 0; j < D; j++) expect(Math.abs(got[j] - (Math.fround(initial[j]) + mean[j]))).toBeLessThan(1e-7);
});
