import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { runFederatedClient, type FederatedClientResult } from '../../src/lib/federated/client.ts';
import { networkOf, parameterCount, seededWeights } from '../../src/lib/federated/model-spec.ts';
import { privacySpent } from '../../src/lib/federated/accountant.ts';
import { initBackend } from '../../src/lib/ml/backend.ts';
import { seeded } from '../../src/lib/core/random.ts';
import { scoreModel } from '../../src/lib/ml/models/score.ts';
import { createFederation, startAggregator, type Aggregator } from './aggregator-fixture.ts';
import { penguinFederation, type PenguinFederation } from './federated-fixture.ts';

let agg: Aggregator;
let fed: PenguinFederation;

beforeAll(async () => {
  await initBackend('cpu');
  agg = await startAggregator();
  fed = await penguinFederation();
}, 120_000);
afterAll(() => agg?.close());

async function federate(over: { rounds: number; clipNorm: number; noiseMultiplier: number; localEpochs?: number }): Promise<{ results: FederatedClientResult[]; accuracy: number; uploads: number[] }> {
  const created = await createFederation(agg.url, {
    name: 'penguins',
    model: fed.model,
    parameterCount: parameterCount(fed.model),
    rounds: over.rounds,
    minClients: 3,
    tokens: 3,
    roundDeadlineSeconds: 600,
    clipNorm: over.clipNorm,
    noiseMultiplier: over.noiseMultiplier,
    localEpochs: over.localEpochs ?? 5,
    learningRate: 0.03,
    batchSize: 32
  }, seededWeights(fed.model));
  const uploads: number[] = [];
  // Every upload body (a retry after a rate limit included) is parameter-count × 4 bytes; accepted ones are counted.
  const watch = async (input: string, init?: RequestInit) => {
    const res = await fetch(input, init);
    if (init?.method === 'PUT') {
      expect((init.body as Uint8Array).byteLength).toBe(parameterCount(fed.model) * 4);
      if (res.status === 200) uploads.push((init.body as Uint8Array).byteLength);
    }
    return res;
  };
  // Seeded noise bits (one stream per client) so the accuracy checked is one fixed draw, not a new one per run.
  const bits = (seed: number) => {
    const rng = seeded(seed);
    return (out: Uint32Array) => { for (let i = 0; i < out.length; i++) out[i] = Math.floor(rng.next() * 2 ** 32); };
  };
  const results = await Promise.all(created.tokens.map((t, i) => runFederatedClient({ join: { server: agg.url, federation: created.id, token: t.token }, table: fed.parts[i], pollMs: 150, fetch: watch, random: bits(100 + i) })));
  const net = networkOf(fed.model, results[0].weights);
  try {
    const scores = (await scoreModel(net, fed.heldOutData)) as { accuracy: number };
    return { results, accuracy: scores.accuracy, uploads };
  } finally {
    net.dispose();
  }
}

describe('federated clients against the real aggregator', () => {
  it('three clients, each with a third of penguins, reach the central model’s held-out accuracy within five points; updates are exactly 4 bytes per parameter', async () => {
    // C = 1, z = 0.5: within 5 points in 10 of 10 seeded-noise repeats of bench/federated/penguins-scan.ts (mean 0.997).
    const plain = await federate({ rounds: 15, clipNorm: 1, noiseMultiplier: 0 });
    const noised = await federate({ rounds: 15, clipNorm: 1, noiseMultiplier: 0.5 });
    const d = parameterCount(fed.model);
    for (const run of [plain, noised]) {
      expect(new Set(run.results.map((r) => r.weightsSha256)).size).toBe(1); // every client ends with the same global model
      expect(run.results.every((r) => r.ended === 'finished' && r.version === 15 && r.roundsJoined === 15)).toBe(true);
      expect(run.uploads).toHaveLength(45);
      expect(run.uploads.every((b) => b === d * 4)).toBe(true);
    }
    console.log(`central ${fed.centralAccuracy.toFixed(4)} · federated z=0 ${plain.accuracy.toFixed(4)} · z=0.5 ${noised.accuracy.toFixed(4)} (ε=${noised.results[0].epsilon.toFixed(1)} at δ=1e-5)`);
    expect(plain.accuracy).toBeGreaterThanOrEqual(fed.centralAccuracy - 0.05);
    expect(noised.accuracy).toBeGreaterThanOrEqual(fed.centralAccuracy - 0.05);
    // The client's own accounting: q = 1, z = 0.5, 15 rounds, as the accountant gives it.
    expect(noised.results[0].epsilon).toBeCloseTo(privacySpent({ q: 1, sigma: 0.5, steps: 15, delta: 1e-5 }).epsilon, 10);
    expect(plain.results[0].epsilon).toBe(Infinity);
  }, 600_000);

  it('stops before a round that would take ε over the person’s limit, and refuses a federation that weakens its privacy settings', async () => {
    const created = await createFederation(agg.url, { name: 'limits', model: fed.model, parameterCount: parameterCount(fed.model), rounds: 6, minClients: 1, tokens: 2, roundDeadlineSeconds: 0.5, clipNorm: 1, noiseMultiplier: 1, localEpochs: 1, learningRate: 0.03, batchSize: 32 }, seededWeights(fed.model));
    // A limit between ε after 2 and after 3 rounds (z = 1, δ = 1e-5, q = 1): the client takes part in 2.
    const [two, three] = [2, 3].map((steps) => privacySpent({ q: 1, sigma: 1, steps, delta: 1e-5 }).epsilon);
    const limited = await runFederatedClient({ join: { server: agg.url, federation: created.id, token: created.tokens[0].token }, table: fed.parts[0], pollMs: 150, maxEpsilon: (two + three) / 2 });
    expect(limited).toMatchObject({ ended: 'budget', roundsJoined: 2 });
    expect(limited.epsilon).toBeCloseTo(two, 10);

    // A server that doubles C after the client joined (a MITM, or an operator changing the rules) gets nothing more.
    let reads = 0;
    const weakening = async (input: string, init?: RequestInit) => {
      const res = await fetch(input, init);
      if (!input.endsWith('/config')) return res;
      const body = await res.json();
      if (++reads > 2) body.settings.clipNorm *= 2;
      return new Response(JSON.stringify(body), { status: res.status, headers: res.headers });
    };
    const sent: string[] = [];
    const watched = (input: string, init?: RequestInit) => (init?.method === 'PUT' && sent.push(input), weakening(input, init));
    await expect(runFederatedClient({ join: { server: agg.url, federation: created.id, token: created.tokens[1].token }, table: fed.parts[1], pollMs: 150, fetch: watched })).rejects.toMatchObject({ code: 'privacy', message: expect.stringMatching(/clip norm C 2 \(was 1\)/) });
    expect(sent).toHaveLength(1); // round 1 went out under the pinned settings; nothing after the change
  }, 300_000);

  it('holds no tensors over after 50 rounds', async () => {
    const before = tf.memory().numTensors;
    const run = await federate({ rounds: 50, clipNorm: 5, noiseMultiplier: 0.5, localEpochs: 1 });
    expect(run.results[0].version).toBe(50);
    expect(tf.memory().numTensors).toBe(before);
  }, 600_000);
});
