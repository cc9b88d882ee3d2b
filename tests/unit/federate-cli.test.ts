/**
 * The headless federation, end to end over loopback: an operator trains on a third of penguins and writes a bundle,
 * `federation create --model` starts a federation from it, three `federate` clients (the exported functions, run
 * concurrently in this process) each take part with their own third, written as CSV; one client's file has the body
 * mass in kg and a local recipe that derives the grams. Then the bad inputs, and Ctrl+C on the real command line.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleOfRun, predictCommand } from '../../bin/deploy.ts';
import { federateCommand, type FederateResult } from '../../bin/federate.ts';
import { federationCreate } from '../../bin/federation.ts';
import { EnclaveError } from '../../src/lib/core/errors.ts';
import { splitTable } from '../../src/lib/core/split.ts';
import { privacySpent } from '../../src/lib/federated/accountant.ts';
import { networkOf, parseFederatedModel, seededWeights, type FederatedModel } from '../../src/lib/federated/model-spec.ts';
import { federationPaths, sha256Hex, type FederationConfigReply } from '../../src/lib/federated/protocol.ts';
import { initBackend } from '../../src/lib/ml/backend.ts';
import { flatten } from '../../src/lib/ml/models/network.ts';
import { NetworkModel } from '../../src/lib/ml/models/network.ts';
import { readBundle } from '../../src/lib/services/bundle/index.ts';
import { trainPipeline } from '../../src/lib/services/pipeline.ts';
import { predictTable } from '../../src/lib/services/predict.ts';
import { ADMIN, admin, startAggregator, weights, type Aggregator } from './aggregator-fixture.ts';
import { readFileTable } from './ml-fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'enclave-federate-'));
const path = (name: string) => join(dir, name);
const enclave = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'bin/enclave.ts', ...args], { encoding: 'utf8' });
let agg: Aggregator;

/** Federation settings of SPEC.json (the model, its parameter count and the weights come from the bundle). */
const SETTINGS = { name: 'penguins', rounds: 5, minClients: 3, tokens: 3, roundDeadlineSeconds: 600, clipNorm: 5, noiseMultiplier: 0.5, delta: 1e-5, localEpochs: 5, learningRate: 0.03, batchSize: 32 };
const spec = (name: string, over: Record<string, unknown> = {}) => (writeFileSync(path(name), JSON.stringify({ ...SETTINGS, ...over })), path(name));

/** What the CSV lines of rows `ix` of penguins.csv are, under its header (the file's own text: values read back alike). */
function writeRows(name: string, header: string, lines: string[], ix: ArrayLike<number>, edit: (cells: string[]) => string[] = (c) => c) {
  const rows = Array.from(ix, (i) => edit(lines[i].split(',')).join(','));
  writeFileSync(path(name), [edit(header.split(',')).join(','), ...rows].join('\n') + '\n');
  return path(name);
}

const run = (args: string[]) => {
  const lines: string[] = [];
  const result = federateCommand(args, { readTable: readFileTable, write: (l) => lines.push(l), pollMs: 100 });
  return { lines, result };
};

beforeAll(async () => {
  await initBackend('wasm');
  // Rate limits are aggregator-upload.test.ts's business: here three clients polling every 100 ms and the test's own
  // reads share the tokens, which the default (burst 20, 10/s per client) would answer with 429s and retries.
  agg = await startAggregator({ routes: { adminToken: ADMIN, clientRate: { burst: 1000, perSecond: 1000 } } });
  const [header, ...lines] = readFileSync('static/samples/penguins.csv', 'utf8').split('\n').filter((l) => l !== '');
  const table = await readFileTable('static/samples/penguins.csv');
  // As tests/unit/federated-fixture.ts: a held-out fifth, the rest in three stratified parts.
  const outer = splitTable(table, { target: 'Species', seed: 7, fractions: [0.8, 0, 0.2] });
  const pool = Array.from(outer.indices.train);
  const thirds = splitTable(await readFileTable(writeRows('pool.csv', header, lines, pool)), { target: 'Species', seed: 8, fractions: [1 / 3, 1 / 3, 1 / 3] });
  const parts = [thirds.indices.train, thirds.indices.validation, thirds.indices.test].map((ix) => Array.from(ix, (i) => pool[i]));
  writeRows('heldout.csv', header, lines, outer.indices.test);
  writeRows('part-1.csv', header, lines, parts[0]);
  writeRows('part-2.csv', header, lines, parts[1]);
  // The third participant records body mass in kg: a local recipe derives the federation's "Body Mass (g)".
  const mass = header.split(',').indexOf('Body Mass (g)');
  writeRows('part-3-kg.csv', header, lines, parts[2], (c) => c.map((v, j) => (j !== mass ? v : v === 'Body Mass (g)' ? 'Body Mass (kg)' : v === '' ? '' : String(Number(v) / 1000))));
  writeFileSync(path('kg.json'), JSON.stringify({ steps: [{ kind: 'derive', name: 'Body Mass (g)', expression: '`Body Mass (kg)` * 1000' }, { kind: 'drop-columns', columns: ['Body Mass (kg)'] }] }));
  const species = header.split(',').indexOf('Species');
  writeRows('part-2-unlabelled.csv', header, lines, parts[1], (c) => c.filter((_, j) => j !== species));

  // The operator: a logistic regression on the first part (as `enclave train part-1.csv --bundle`), and a kNN.
  const first = await readFileTable(path('part-1.csv'));
  for (const algorithm of ['logistic', 'knn'] as const) {
    const options = { target: 'Species', algorithm, seed: 3 };
    const result = await trainPipeline(first, options);
    try {
      writeFileSync(path(`${algorithm}.zip`), await bundleOfRun(first, options, result, 'penguins-operator.csv'));
    } finally {
      result.model.dispose();
    }
  }
}, 180_000);

afterAll(async () => {
  await agg?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function configOf(id: string, token: string): Promise<FederationConfigReply> {
  return (await fetch(agg.url + federationPaths(id).config, { headers: { authorization: `Bearer ${token}` } })).json();
}

async function federationCount(): Promise<number> {
  return (await (await admin(agg.url, '/api/federations')).json()).federations.length;
}

describe('federation create --model BUNDLE.zip', () => {
  it('builds the model setting from the bundle and opens round 1 on its weights; --from-scratch on the seeded init', async () => {
    const bundle = await readBundle(new Uint8Array(readFileSync(path('logistic.zip'))));
    const out = await federationCreate(['--server', agg.url, '--admin-token', ADMIN, spec('s.json'), '--model', path('logistic.zip')]);
    expect(Object.keys(out)).toEqual(['id', 'tokens', 'joinCodes']);
    expect(out.joinCodes).toEqual(out.tokens.map((t) => `${out.id}.${t.token}`));
    const config = await configOf(out.id, out.tokens[0].token);
    const model = parseFederatedModel(config.settings.model);
    expect(model).toMatchObject({ name: 'penguins-operator', target: 'Species', features: bundle.manifest.features, classNames: bundle.manifest.classNames, inputSchema: bundle.manifest.inputSchema, fitted: bundle.recipe });
    expect(model.spec.algorithm).toBe('logistic');
    const own = NetworkModel.fromJSON(bundle.model);
    const bundleWeights = flatten(own.values);
    own.dispose();
    expect(config.settings.parameterCount).toBe(bundleWeights.length);
    expect((await weights(agg.url, out.id, out.tokens[0].token)).values).toEqual(bundleWeights);

    const scratch = await federationCreate(['--server', agg.url, '--admin-token', ADMIN, spec('s.json'), '--model', path('logistic.zip'), '--from-scratch', '--seed', '5']);
    const scratchModel = parseFederatedModel((await configOf(scratch.id, scratch.tokens[0].token)).settings.model);
    expect(scratchModel.seed).toBe(5);
    expect((await weights(agg.url, scratch.id, scratch.tokens[1].token)).values).toEqual(seededWeights(scratchModel));

    // --from-scratch without --model: SPEC.json's own model setting (here the one just read back), seeded init.
    const own2 = await federationCreate(['--server', agg.url, '--admin-token', ADMIN, spec('own.json', { model: scratchModel }), '--from-scratch']);
    expect((await configOf(own2.id, own2.tokens[0].token)).settings.parameterCount).toBe(bundleWeights.length);
    expect((await weights(agg.url, own2.id, own2.tokens[0].token)).values).toEqual(seededWeights(scratchModel));
  }, 60_000);

  it('refuses a kNN bundle, and a SPEC.json that also sets what the bundle gives, before creating anything', async () => {
    const before = await federationCount();
    const knn = await federationCreate(['--server', agg.url, '--admin-token', ADMIN, spec('s.json'), '--model', path('knn.zip')]).catch((e) => e);
    expect(knn).toBeInstanceOf(EnclaveError);
    expect(knn.code).toBe('invalid-argument');
    expect(knn.message).toMatch(/k-nearest-neighbours model; a federation trains a logistic regression or an MLP/);
    await expect(federationCreate(['--server', agg.url, '--admin-token', ADMIN, spec('m.json', { parameterCount: 27 }), '--model', path('logistic.zip')])).rejects.toThrow(/sets "parameterCount", which the bundle gives/);
    await expect(federationCreate(['--server', agg.url, '--admin-token', ADMIN, spec('s.json'), '--model', path('nope.zip')])).rejects.toThrow(/No such model bundle/);
    expect(await federationCount()).toBe(before);
    // The command line: exit 2, the error as JSON on stderr.
    const r = enclave('federation', 'create', '--server', agg.url, '--admin-token', ADMIN, path('s.json'), '--model', path('knn.zip'));
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stderr).error).toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/k-nearest-neighbours/) });
  }, 60_000);
});

describe('enclave federate', () => {
  it('three clients (one preparing its kg column locally) finish on one global model; ε as the accountant says; --bundle predicts with it', async () => {
    const created = await federationCreate(['--server', agg.url, '--admin-token', ADMIN, spec('s.json'), '--model', path('logistic.zip')]);
    const [a, b, c] = created.joinCodes;
    const runs = [
      run(['--server', agg.url, '--token', a, path('part-1.csv'), '--bundle', path('global.zip')]),
      // A bare token with --federation.
      run(['--server', agg.url, '--token', b.slice(b.indexOf('.') + 1), '--federation', created.id, path('part-2.csv')]),
      run(['--server', agg.url, '--token', c, path('part-3-kg.csv'), '--recipe', path('kg.json'), '--max-epsilon', '1000'])
    ];
    const results: FederateResult[] = await Promise.all(runs.map((r) => r.result));

    expect(new Set(results.map((r) => r.weightsSha256)).size).toBe(1);
    const spent = privacySpent({ q: 1, sigma: SETTINGS.noiseMultiplier, steps: SETTINGS.rounds, delta: SETTINGS.delta });
    for (const [i, r] of results.entries()) {
      expect(r).toMatchObject({ ended: 'finished', version: 5, roundsJoined: 5, delta: 1e-5, federation: created.id, clientId: created.tokens[i].clientId });
      expect(r.epsilon).toBe(spent.epsilon);
      expect(r.epsilonImproved).toBe(spent.epsilonImproved);
      // The printed lines: JSON, one per change, the result last.
      const lines = runs[i].lines;
      expect(lines.every((l) => l.endsWith('\n'))).toBe(true);
      expect(JSON.parse(lines.at(-1)!)).toEqual(r);
      const progress = lines.slice(0, -1).map((l) => JSON.parse(l));
      expect(progress[0]).toMatchObject({ stage: 'joining', roundsJoined: 0, epsilon: 0 });
      expect(progress.at(-1)).toMatchObject({ stage: 'finished', roundsJoined: 5, epsilon: spent.epsilon, validationVersion: 5 });
      expect(progress.filter((p) => p.stage === 'uploading').map((p) => p.round)).toEqual([1, 2, 3, 4, 5]);
      for (let k = 1; k < lines.length; k++) expect(lines[k]).not.toBe(lines[k - 1]);
      expect(Object.keys(progress[1])).toEqual(['stage', 'round', 'rounds', 'received', 'minClients', 'roundsJoined', 'epsilon', 'epsilonImproved', 'validationAccuracy', 'validationVersion', 'message']);
    }
    expect(results[2].local.train).toBeGreaterThan(40); // the kg file took part with all its rows

    // The federation's final weights, as the aggregator serves them.
    const final = await weights(agg.url, created.id, created.tokens[0].token);
    expect(await sha256Hex(new Uint8Array(final.values.buffer))).toBe(results[0].weightsSha256);
    const model: FederatedModel = parseFederatedModel((await configOf(created.id, created.tokens[0].token)).settings.model);

    // --bundle: the global model, lineage naming the federation, the client's own scores; predict reads it.
    const bundle = await readBundle(new Uint8Array(readFileSync(path('global.zip'))));
    expect(bundle.manifest.lineage.run).toBe(`federation:${created.id}`);
    expect(bundle.manifest.algorithm).toBe('logistic');
    expect(bundle.manifest.metrics).toEqual(results[0].metrics);
    const inBundle = NetworkModel.fromJSON(bundle.model);
    expect(await sha256Hex(new Uint8Array(flatten(inBundle.values).buffer))).toBe(results[0].weightsSha256);
    inBundle.dispose();
    const csv = (await predictCommand([path('global.zip'), path('heldout.csv')], readFileTable)).trim().split('\n').map((l) => l.split(','));
    const net = networkOf(model, final.values);
    try {
      const card = { target: model.target, features: model.features, task: model.task, classNames: model.classNames, fitted: model.fitted };
      const expected = await predictTable(net, card, await readFileTable(path('heldout.csv')));
      expect(csv[0]).toEqual(['row', 'prediction', 'p_Adelie', 'p_Chinstrap', 'p_Gentoo']);
      expect(csv.slice(1).map((r) => r[1])).toEqual(expected.predictions);
      csv.slice(1).forEach((r, i) => r.slice(2).forEach((p, k) => expect(Number(p)).toBeCloseTo(expected.probabilities![i][k], 6)));
    } finally {
      net.dispose();
    }
  }, 300_000);

  it('refuses a bare token without --federation (exit 2, JSON error) and a file without the target column', async () => {
    const r = enclave('federate', '--server', agg.url, '--token', 'A'.repeat(43), path('part-1.csv'));
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(JSON.parse(r.stderr).error).toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/bare token without the federation id.*--federation ID/) });
    // Tokens and ids are base64url and may begin with "-": still a value, never an option (CI met one such token).
    const dash = await federateCommand(['--server', agg.url, '--token', '-' + 'A'.repeat(42), path('part-1.csv')], { readTable: readFileTable, write: () => undefined }).catch((e) => e);
    expect(dash.message).toMatch(/bare token without the federation id/);

    const created = await federationCreate(['--server', agg.url, '--admin-token', ADMIN, spec('s.json'), '--model', path('logistic.zip')]);
    const lines: string[] = [];
    const err = await federateCommand(['--server', agg.url, '--token', created.joinCodes[0], path('part-2-unlabelled.csv')], { readTable: readFileTable, write: (l) => lines.push(l) }).catch((e) => e);
    expect(err).toBeInstanceOf(EnclaveError);
    expect(err.code).toBe('invalid-argument');
    expect(err.message).toMatch(/no column "Species", the federation's target/);
    expect(lines).toEqual([]);
    expect((await (await admin(agg.url, federationPaths(created.id).status)).json()).received).toBe(0);
  }, 60_000);

  it('stops on Ctrl+C (SIGINT) while waiting for the others: exit 130, a cancelled error, its update counted once', async () => {
    const created = await federationCreate(['--server', agg.url, '--admin-token', ADMIN, spec('two.json', { minClients: 2, tokens: 2 }), '--model', path('logistic.zip')]);
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/enclave.ts', 'federate', '--server', agg.url, '--token', created.joinCodes[0], path('part-1.csv')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      let sent = false;
      child.stdout.on('data', (d) => {
        stdout += d;
        // Round 1 sent, the other participant never comes: the client waits; one Ctrl+C (a second would kill it).
        if (!sent && stdout.split('\n').some((l) => l.includes('"stage":"waiting"') && l.includes('"roundsJoined":1'))) {
          sent = true;
          child.kill('SIGINT');
          resolve();
        }
      });
      child.on('exit', () => reject(new Error(`exited before waiting: ${stderr}`)));
    });
    expect(await exited).toBe(130);
    expect(JSON.parse(stderr).error.code).toBe('cancelled');
    const status = await (await admin(agg.url, federationPaths(created.id).status)).json();
    expect(status).toMatchObject({ round: 1, received: 1 });
  }, 120_000);
});
