import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { runFederatedClient, type FederatedClientResult } from '../../src/lib/federated/client.ts';
import { networkOf, parameterCount, seededWeights } from '../../src/lib/federated/model-spec.ts';
import { privacySpent } from '../../src/lib/federated/accountant.ts';
import { initBackend } from '../../src/lib/ml/backend.ts';
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
  const results = await Promise.all(created.tokens.map((t, i) => runFederatedClient({ join: { server: agg.url, federation: created.id, token: t.token }, table: fed.parts[i], pollMs: 150, fetch: watch })));
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
    const plain = await federate({ rounds: 15, clipNorm: 5, noiseMultiplier: 0 });
    const noised = await federate({ rounds: 15, clipNorm: 5, noiseMultiplier: 0.3 });
    const d = parameterCount(fed.model);
    for (const run of [plain, noised]) {
      expect(new Set(run.results.map((r) => r.weightsSha256)).size).toBe(1); // every client ends with the same global model
      expect(run.results.every((r) => r.ended === 'finished' && r.version === 15 && r.roundsJoined === 15)).toBe(true);
      expect(run.uploads).toHaveLength(45);
      expect(run.uploads.every((b) => b === d * 4)).toBe(true);
    }
    console.log(`central ${fed.centralAccuracy.toFixed(4)} · federated z=0 ${plain.accuracy.toFixed(4)} · z=0.3 ${noised.accuracy.toFixed(4)} (ε=${noised.results[0].epsilon.toFixed(1)} at δ=1e-5)`);
    expect(plain.accuracy).toBeGreaterThanOrEqual(fed.centralAccuracy - 0.05);
    expect(noised.accuracy).toBeGreaterThanOrEqual(fed.centralAccuracy - 0.05);
    // The client's own accounting: q = 1, z = 0.3, 15 rounds, as the accountant gives it.
    expect(noised.results[0].epsilon).toBeCloseTo(privacySpent({ q: 1, sigma: 0.3, steps: 15, delta: 1e-5 }).epsilon, 10);
    expect(plain.results[0].epsilon).toBe(Infinity);
  }, 600_000);

  it('holds no tensors over after 50 rounds', async () => {
    const before = tf.memory().numTensors;
    const run = await federate({ rounds: 50, clipNorm: 5, noiseMultiplier: 0.5, localEpochs: 1 });
    expect(run.results[0].version).toBe(50);
    expect(tf.memory().numTensors).toBe(before);
  }, 600_000);
});
