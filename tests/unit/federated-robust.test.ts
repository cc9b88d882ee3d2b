import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitTable } from '../../src/lib/core/split.ts';
import { takeRows } from '../../src/lib/core/table-ops.ts';
import { seeded } from '../../src/lib/core/random.ts';
import { runFederatedClient } from '../../src/lib/federated/client.ts';
import { clipUpdate, l2Norm } from '../../src/lib/federated/clip.ts';
import { FederationHttp } from '../../src/lib/federated/http.ts';
import { localData } from '../../src/lib/federated/local-data.ts';
import { localUpdate } from '../../src/lib/federated/local-update.ts';
import { networkOf, parameterCount, seededWeights } from '../../src/lib/federated/model-spec.ts';
import { updateNormBound, type FederationSettings } from '../../src/lib/federated/protocol.ts';
import { initBackend } from '../../src/lib/ml/backend.ts';
import { scoreModel } from '../../src/lib/ml/models/score.ts';
import { penguinsTable } from './tables.ts';
import { createFederation, startAggregator, type Aggregator } from './aggregator-fixture.ts';
import { penguinFederation, type PenguinFederation } from './federated-fixture.ts';

let agg: Aggregator;
let fed: PenguinFederation;
const CLIENTS = 10;

beforeAll(async () => {
  await initBackend('cpu');
  agg = await startAggregator({ routes: { clientRate: { burst: 100, perSecond: 100 } } });
  fed = await penguinFederation();
}, 120_000);
afterAll(() => agg?.close());

/** The held-out fifth aside, the rest of penguins in ten stratified parts. */
function tenParts() {
  const penguins = penguinsTable();
  const outer = splitTable(penguins, { target: 'Species', seed: 7, fractions: [0.8, 0, 0.2] });
  const pool = takeRows(penguins, outer.indices.train);
  const order = Array.from(splitTable(pool, { target: 'Species', seed: 9, fractions: [1, 0, 0] }).indices.train);
  return Array.from({ length: CLIENTS }, (_, k) => takeRows(pool, order.filter((_, i) => i % CLIENTS === k)));
}

const bits = (seed: number) => {
  const rng = seeded(seed);
  return (out: Uint32Array) => { for (let i = 0; i < out.length; i++) out[i] = Math.floor(rng.next() * 2 ** 32); };
};

/**
 * A poisoning client: each round it trains like an honest one, then sends −10 × its clipped update (no noise), scaled
 * down only as far as needed to pass the aggregator's norm check (which an update ×10 of an honest, noised one fails).
 */
async function attacker(server: string, federation: string, token: string, table: ReturnType<typeof tenParts>[number], settings: FederationSettings) {
  const http = new FederationHttp({ server, federation, token });
  const config = await http.config();
  const data = localData(table, fed.model, 5);
  const bound = updateNormBound(settings.parameterCount, settings.clipNorm, settings.noiseMultiplier);
  for (;;) {
    const status = await http.round();
    if (status.state === 'finished') return;
    if (status.sent || status.round === null) {
      await new Promise((r) => setTimeout(r, 40));
      continue;
    }
    const global = await http.weights(settings.parameterCount);
    if (global.round !== status.round) continue;
    const honest = await localUpdate(fed.model, global.weights, data.train, { ...settings, noiseMultiplier: 0 }, { seed: 1 });
    const clipped = clipUpdate(honest.update, settings.clipNorm);
    const k = Math.min(10, (0.99 * bound) / Math.max(l2Norm(clipped), 1e-12));
    await http.upload(status.round, config.clientId, global.sha256, clipped.map((x) => -k * x));
  }
}

/**
 * C = 5 and no noise: the norm check lets an attacker send about −6 × its update (C / ‖Δ‖), enough to turn the plain
 * mean around. (Under local noise much larger than the updates, z = 1 here, the trimmed mean does not save the model:
 * the attackers sit inside the noise, and dropping the two highest honest values with them biases what is left.)
 */
async function federate(robust: boolean, attackers: number): Promise<number> {
  const settings = { name: 'robust', model: fed.model, parameterCount: parameterCount(fed.model), rounds: 10, minClients: CLIENTS, tokens: CLIENTS, roundDeadlineSeconds: 600, clipNorm: 5, noiseMultiplier: 0, delta: 1e-5, localEpochs: 5, learningRate: 0.03, batchSize: 32, ...(robust ? { robust: { kind: 'trimmed-mean' as const, trim: 0.2 } } : {}) };
  const created = await createFederation(agg.url, settings, seededWeights(fed.model));
  const parts = tenParts();
  const runs = created.tokens.map((t, i) =>
    i < attackers
      ? attacker(agg.url, created.id, t.token, parts[i], settings as unknown as FederationSettings).then(() => null)
      : runFederatedClient({ join: { server: agg.url, federation: created.id, token: t.token }, table: parts[i], pollMs: 40, random: bits(200 + i) })
  );
  const results = await Promise.all(runs);
  const net = networkOf(fed.model, results.find((r) => r !== null)!.weights);
  try {
    return ((await scoreModel(net, fed.heldOutData)) as { accuracy: number }).accuracy;
  } finally {
    net.dispose();
  }
}

describe('robust aggregation', () => {
  it('with the trimmed mean, 2 of 10 clients sending sign-flipped ×10 updates cost the global model less than 2 points of accuracy', async () => {
    const clean = await federate(false, 0);
    const poisoned = await federate(false, 2);
    const defended = await federate(true, 2);
    console.log(`held-out accuracy: no attack ${clean.toFixed(4)} · 2 attackers, plain mean ${poisoned.toFixed(4)} · 2 attackers, trimmed mean ${defended.toFixed(4)}`);
    expect(defended).toBeGreaterThan(clean - 0.02);
    expect(poisoned).toBeLessThan(clean - 0.02); // without the defence, the attack does cost accuracy
  }, 600_000);
});
