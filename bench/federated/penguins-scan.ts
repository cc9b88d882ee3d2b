/**
 * bench/federated/penguins-scan.ts: what local differential privacy costs a small federation.
 *
 *   node --import tsx bench/federated/penguins-scan.ts [--repeats 3] [--rounds 15] [--backend wasm|cpu]
 *
 * The penguin setup of tests/unit/federated-fixture.ts (a held-out fifth; the rest in three stratified thirds, one per
 * client; the operator's recipe fitted on the first third; a logistic regression from the seeded init), federated
 * through the real aggregator on loopback by three runFederatedClient loops: 15 rounds, 5 local epochs, learning rate
 * 0.03, batch 32, every client every round (q = 1). Per setting (clip norm C, noise multiplier z) it prints the final
 * global model's accuracy on the held-out fifth (mean and range over the repeats: the noise is fresh crypto randomness
 * each run), the central model's accuracy on the same rows (trained on all three thirds together), and ε at δ = 1e-5
 * (classic and Balle et al. 2020 conversions; ∞ at z = 0), and in how many runs the federation came within five points
 * of the central accuracy (the end-to-end bar). A table, then one JSON line.
 */
import { cpus, loadavg } from 'node:os';
import { runFederatedClient } from '../../src/lib/federated/client.ts';
import { networkOf, parameterCount, seededWeights } from '../../src/lib/federated/model-spec.ts';
import { privacySpent } from '../../src/lib/federated/accountant.ts';
import { initBackend } from '../../src/lib/ml/backend.ts';
import { scoreModel } from '../../src/lib/ml/models/score.ts';
import { createFederation, startAggregator } from '../../tests/unit/aggregator-fixture.ts';
import { penguinFederation, type PenguinFederation } from '../../tests/unit/federated-fixture.ts';

const argv = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
};
const REPEATS = Number(option('repeats', '3'));
const ROUNDS = Number(option('rounds', '15'));
const BACKEND = option('backend', 'wasm') as 'wasm' | 'cpu';
const DELTA = 1e-5;
const SETTINGS: { clipNorm: number; noiseMultiplier: number }[] = [
  ...[0, 0.3, 0.5, 1, 2].map((z) => ({ clipNorm: 5, noiseMultiplier: z })),
  ...[0.5, 1, 2].map((z) => ({ clipNorm: 1, noiseMultiplier: z }))
];

async function heldOutAccuracy(agg: { url: string }, fed: PenguinFederation, s: { clipNorm: number; noiseMultiplier: number }): Promise<number> {
  const created = await createFederation(agg.url, {
    name: 'penguins-scan',
    model: fed.model,
    parameterCount: parameterCount(fed.model),
    rounds: ROUNDS,
    minClients: 3,
    tokens: 3,
    roundDeadlineSeconds: 600,
    clipNorm: s.clipNorm,
    noiseMultiplier: s.noiseMultiplier,
    delta: DELTA,
    localEpochs: 5,
    learningRate: 0.03,
    batchSize: 32
  }, seededWeights(fed.model));
  const results = await Promise.all(created.tokens.map((t, i) => runFederatedClient({ join: { server: agg.url, federation: created.id, token: t.token }, table: fed.parts[i], pollMs: 100 })));
  if (new Set(results.map((r) => r.weightsSha256)).size !== 1) throw new Error('the clients ended on different global models');
  const net = networkOf(fed.model, results[0].weights);
  try {
    return ((await scoreModel(net, fed.heldOutData)) as { accuracy: number }).accuracy;
  } finally {
    net.dispose();
  }
}

const fmt = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : '∞');

async function main() {
  await initBackend(BACKEND);
  const started = Date.now();
  const load = loadavg()[0];
  // The aggregator's per-client rate limit is for the internet; three clients polling every 100 ms would hit it.
  const agg = await startAggregator({ routes: { clientRate: { burst: 1000, perSecond: 1000 } } });
  const rows: { clipNorm: number; noiseMultiplier: number; accuracy: number[]; central: number; epsilon: number; epsilonImproved: number }[] = [];
  try {
    const fed = await penguinFederation();
    console.log(`penguins: 3 clients (${fed.parts.map((p) => p.rowCount).join(' / ')} rows), held-out ${fed.heldOut.rowCount} rows, ${parameterCount(fed.model)} weights; ${ROUNDS} rounds × 5 local epochs, lr 0.03, batch 32; δ = ${DELTA}; ${REPEATS} repeat(s) per setting; backend ${BACKEND}`);
    console.log('');
    console.log('   C     z   held-out acc (mean [min–max])   central acc   within 5 pts   ε classic   ε improved');
    for (const s of SETTINGS) {
      const accuracy: number[] = [];
      for (let r = 0; r < REPEATS; r++) accuracy.push(await heldOutAccuracy(agg, fed, s));
      const spent = privacySpent({ q: 1, sigma: s.noiseMultiplier, steps: ROUNDS, delta: DELTA });
      const row = { ...s, accuracy, central: fed.centralAccuracy, epsilon: spent.epsilon, epsilonImproved: spent.epsilonImproved };
      rows.push(row);
      const mean = accuracy.reduce((a, b) => a + b, 0) / accuracy.length;
      console.log(`${String(s.clipNorm).padStart(4)}  ${String(s.noiseMultiplier).padStart(4)}   ${fmt(mean)} [${fmt(Math.min(...accuracy))}–${fmt(Math.max(...accuracy))}]`.padEnd(49) + `${fmt(fed.centralAccuracy)}`.padEnd(14) + `${accuracy.filter((x) => x >= fed.centralAccuracy - 0.05).length} of ${accuracy.length}`.padStart(12) + fmt(spent.epsilon, 1).padStart(9) + fmt(spent.epsilonImproved, 1).padStart(13));
    }
  } finally {
    await agg.close();
  }
  console.log('');
  console.log(`${((Date.now() - started) / 1000).toFixed(0)} s; ${cpus().length} cores, load average ${load.toFixed(1)} at the start; Node ${process.version}`);
  console.log(JSON.stringify({ rounds: ROUNDS, repeats: REPEATS, delta: DELTA, backend: BACKEND, rows: rows.map((r) => ({ ...r, epsilon: Number.isFinite(r.epsilon) ? r.epsilon : null, epsilonImproved: Number.isFinite(r.epsilonImproved) ? r.epsilonImproved : null })) }));
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  }
);
