/**
 * Model bundles: a registered version exported as one zip whose predict.js (one ES module, no imports) predicts in
 * plain Node what the studio predicts; read back and checked (zip, format version, every file's SHA-256); imported into
 * another store, it predicts as before. Trained on penguins through the studio's jobs (IndexedDB in between).
 */
import 'fake-indexeddb/auto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate, OUTPUT } from '../../scripts/build-predict-js.ts';
import { splitTable } from '../../src/lib/core/split.ts';
import { takeRows } from '../../src/lib/core/table-ops.ts';
import { rowArrays, type Table } from '../../src/lib/core/table.ts';
import { importFile } from '../../src/lib/jobs/import-job.ts';
import { prepare } from '../../src/lib/jobs/prepare-job.ts';
import { predict, promote, train } from '../../src/lib/jobs/train-job.ts';
import { initBackend } from '../../src/lib/ml/backend.ts';
import { architecture, initialWeights, NetworkModel, type NetworkSpec } from '../../src/lib/ml/models/network.ts';
import { parseSaved, type SavedModel } from '../../src/lib/ml/models/saved.ts';
import { parseSpec } from '../../src/lib/ml/models/spec.ts';
import { seeded } from '../../src/lib/core/random.ts';
import { forwardPass } from '../../src/lib/standalone/forward.ts';
import { modelFromJSON } from '../../src/lib/ml/train.ts';
import { exportBundle, readBundle } from '../../src/lib/services/bundle/index.ts';
import { predictTable, type Predictions } from '../../src/lib/services/predict.ts';
import { createDb, type EnclaveDB, type ModelRecord } from '../../src/lib/store/db.ts';
import { deleteDataset } from '../../src/lib/store/delete.ts';
import { loadTable } from '../../src/lib/store/load-table.ts';
import { findImportedModel, getModel, listModels, registerImportedModel } from '../../src/lib/store/models.ts';
import { getArtifact } from '../../src/lib/store/runs.ts';

const speciesRecipe = JSON.parse(readFileSync('tests/fixtures/penguins-recipe.json', 'utf8'));
const flipperRecipe = { steps: speciesRecipe.steps.map((s: { kind: string }) => (s.kind === 'onehot' ? { ...s, columns: ['Island', 'Sex', 'Species'] } : s)) };
const SEED = 7;

type Row = [string, string | number | boolean | null][];
interface Trained { record: ModelRecord; saved: SavedModel; rows: Row[] }

let db: EnclaveDB;
let dataset: string;
const models = new Map<string, Trained>();
const dirs: string[] = [];

/** The source rows (as they were imported) of the test split the preparation made. */
function testRows(source: Table, target: string): Row[] {
  const test = takeRows(source, splitTable(source, { seed: SEED, target }).indices.test);
  return rowArrays(test).map((row) => test.columns.map((c, j) => [c.name, row[j]] as Row[number]));
}

beforeAll(async () => {
  await initBackend('cpu');
  db = createDb(`bundle-${crypto.randomUUID()}`);
  const bytes = new Uint8Array(readFileSync('static/samples/penguins.csv'));
  const blob = new Blob([bytes]);
  const imported = await importFile({ file: { name: 'penguins.csv', size: blob.size, stream: () => blob.stream() } }, { database: db });
  dataset = imported.datasetId;
  const source = await loadTable(db, imported.hash);
  const cases = [
    ['logistic', 'Species', { epochs: 40 }],
    ['mlp', 'Species', { units: [8], activation: 'tanh', epochs: 15 }],
    ['knn', 'Species', { k: 5 }],
    ['linear', 'Flipper Length (mm)', {}],
  ] as const;
  const preparations = new Map<string, string>();
  for (const [algorithm, target, hyperparameters] of cases) {
    if (!preparations.has(target)) {
      const recipe = target === 'Species' ? speciesRecipe : flipperRecipe;
      const prepared = await prepare({ source: imported.hash, recipe: { ...recipe, target }, split: { seed: SEED } }, { database: db });
      if (prepared.status !== 'saved') throw new Error('expected the preparation to be saved');
      preparations.set(target, prepared.preparation.id);
    }
    const run = await train({ preparation: preparations.get(target)!, algorithm, hyperparameters, seed: SEED, backend: 'cpu' }, { database: db });
    const record = await promote(run.id, `penguins-${algorithm}`, db);
    models.set(algorithm, { record, saved: await getArtifact(db, run.id), rows: testRows(source, target) });
  }
}, 240_000);

afterAll(async () => {
  db.close();
  await db.delete();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const entries = (zip: Uint8Array) => unzipSync(zip);

/** predict.js of a bundle, written to a folder of its own and imported as Node imports any ES module. */
async function loadPredictJs(zip: Uint8Array): Promise<{ dir: string; predict: (rows: unknown[]) => Predictions }> {
  const dir = mkdtempSync(join(tmpdir(), 'enclave-bundle-'));
  dirs.push(dir);
  const file = join(dir, 'predict.js');
  writeFileSync(file, entries(zip)['predict.js']);
  return { dir, predict: (await import(/* @vite-ignore */ pathToFileURL(file).href)).predict };
}

/** Same classes; probabilities (or regression values, relative to their size) within 1e-6. */
function expectAgreement(got: Predictions, want: Predictions, task: string) {
  expect(got.predictions.length).toBe(want.predictions.length);
  if (task === 'classification') {
    expect(got.predictions).toEqual(want.predictions);
    const diff = Math.max(...got.probabilities!.flatMap((p, i) => p.map((x, j) => Math.abs(x - want.probabilities![i][j]))));
    expect(diff).toBeLessThanOrEqual(1e-6);
  } else {
    expect(got.probabilities).toBeUndefined();
    const diff = Math.max(...got.predictions.map((x, i) => Math.abs((x as number) - (want.predictions[i] as number)) / Math.max(1, Math.abs(want.predictions[i] as number))));
    expect(diff).toBeLessThanOrEqual(1e-6);
  }
}

describe('a model bundle', () => {
  it('src/lib/services/bundle/predict-js.ts is the build of src/lib/standalone (run scripts/build-predict-js.ts after editing it)', async () => {
    expect(readFileSync(OUTPUT, 'utf8')).toBe(await generate());
  }, 30_000);

  it.each(['logistic', 'mlp', 'linear', 'knn'] as const)('predict.js, imported in Node, predicts the test split as the studio does (%s)', async (algorithm) => {
    const { record, saved, rows } = models.get(algorithm)!;
    const zip = await exportBundle({ record, model: saved, includeTrainingRows: algorithm === 'knn' });
    const { predict: standalone } = await loadPredictJs(zip);
    const studio = await predict(record.id, rows, db);
    expect(rows.length).toBeGreaterThan(60);
    // Objects (the usual form) for predict.js; the studio took [column, value] pairs.
    expectAgreement(standalone(rows.map((r) => Object.fromEntries(r))), studio, record.task);
    expectAgreement(standalone(rows), studio, record.task);
  }, 60_000);

  it.each([
    ['relu', 'classification'], ['tanh', 'classification'], ['sigmoid', 'classification'], ['sigmoid', 'regression'],
  ] as const)('the plain forward pass gives what tfjs gives (MLP, %s, %s)', async (activation, task) => {
    const shape = { task, features: ['a', 'b', 'c'], ...(task === 'classification' ? { classNames: ['x', 'y'] } : {}) };
    const spec = parseSpec({ algorithm: 'mlp', hyperparameters: { units: [5, 4], activation } }) as NetworkSpec;
    const model = new NetworkModel(spec, shape, 1, initialWeights(architecture(spec, shape), seeded(3)), task === 'regression' ? { mean: 180, std: 12.5 } : undefined);
    const X = Float32Array.from({ length: 40 * 3 }, (_, i) => Math.sin(i * 1.7) * 3);
    try {
      const want = await model.predict(X);
      const got = forwardPass(parseSaved(model.toJSON()), X, 40);
      const scale = task === 'regression' ? 180 : 1;
      expect(Math.max(...got.map((x, i) => Math.abs(x - want[i])))).toBeLessThanOrEqual(1e-6 * scale);
    } finally {
      model.dispose();
    }
  });

  it('predict.js runs under plain node (no bundler, no studio) and names a missing column', async () => {
    const { record, saved, rows } = models.get('logistic')!;
    const { dir, predict: standalone } = await loadPredictJs(await exportBundle({ record, model: saved }));
    // As README.txt says to run it: node -e "import('./predict.js')…" in its folder (no package.json there).
    const script = `import('./predict.js').then((m) => { console.log(JSON.stringify(m.predict(JSON.parse(process.argv[1])))); try { m.predict([{ Island: 'Dream' }]); } catch (e) { console.log(e.code + ': ' + e.message); } })`;
    const r = spawnSync(process.execPath, ['-e', script, JSON.stringify(rows.slice(0, 5).map((r) => Object.fromEntries(r)))], { cwd: dir, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const [json, error] = r.stdout.trim().split('\n');
    expect(JSON.parse(json)).toEqual(standalone(rows.slice(0, 5)));
    expect(error).toBe('invalid-recipe: Step 1 (impute): there is no column "Beak Length (mm)". Columns: Island');
  }, 30_000);

  it('predict.js averages an ensemble (logistic + MLP + kNN) as the studio does', async () => {
    const members = ['logistic', 'mlp', 'knn'].map((a) => models.get(a)!.saved);
    const { record, rows } = models.get('logistic')!;
    const ensemble: SavedModel = { ...members[0], spec: { algorithm: 'ensemble', hyperparameters: { members: members.map((m) => m.spec as never) } }, weights: [], members };
    const zip = await exportBundle({ record, model: ensemble, includeTrainingRows: true });
    const { predict: standalone } = await loadPredictJs(zip);
    const model = modelFromJSON(ensemble);
    try {
      const table = (await import('../../src/lib/core/table-from-records.ts')).tableFromRecords(rows);
      expectAgreement(standalone(rows), await predictTable(model, record, table), 'classification');
    } finally {
      model.dispose();
    }
  }, 60_000);

  it('refuses a kNN model, or an ensemble holding one, unless its training rows are opted in', async () => {
    const knn = models.get('knn')!;
    const message = /^A k-nearest-neighbours model is its training rows: .*Export again with training rows included \(they leave this device inside the bundle\)\.$/;
    await expect(exportBundle({ record: knn.record, model: knn.saved })).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(message) });
    const members = [models.get('logistic')!.saved, knn.saved];
    const ensemble: SavedModel = { ...members[0], spec: { algorithm: 'ensemble', hyperparameters: { members: members.map((m) => m.spec as never) } }, weights: [], members };
    await expect(exportBundle({ record: knn.record, model: ensemble })).rejects.toMatchObject({ message: expect.stringMatching(/this ensemble has one as a member/) });
    const manifest = JSON.parse(strFromU8(entries(await exportBundle({ record: knn.record, model: knn.saved, includeTrainingRows: true }))['manifest.json']));
    expect(manifest.trainingRows).toBe(true);
  });

  it('writes the same bytes for the same version, in any time zone, with a manifest hashing every file', async () => {
    const { record, saved } = models.get('mlp')!;
    const summary = { rows: 205, columns: [['Island', { kind: 'categorical' }]] };
    const a = await exportBundle({ record, model: saved, summary, lineage: { preparation: 'p1', recipe: 'r1', dataset } });
    const tz = process.env.TZ;
    process.env.TZ = 'Pacific/Kiritimati';
    try {
      expect(await exportBundle({ record, model: saved, summary, lineage: { preparation: 'p1', recipe: 'r1', dataset } })).toEqual(a);
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
    const files = entries(a);
    expect(Object.keys(files).sort()).toEqual(['README.txt', 'manifest.json', 'model.json', 'predict.js', 'recipe.json', 'summary.json']);
    const manifest = JSON.parse(strFromU8(files['manifest.json']));
    expect(manifest).toMatchObject({
      format: 'enclave-model-bundle', formatVersion: 1, name: 'penguins-mlp', version: '1.0.0', algorithm: 'mlp', task: 'classification',
      target: 'Species', classNames: ['Adelie', 'Chinstrap', 'Gentoo'], trainingRows: false,
      lineage: { run: record.run, source: record.source, preparation: 'p1', recipe: 'r1', dataset },
    });
    // Independent reference: node:crypto's SHA-256 of each file, and of "path\tsha256\n" lines sorted by path.
    const { createHash } = await import('node:crypto');
    const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
    const listed = Object.keys(files).filter((p) => p !== 'manifest.json').sort().map((path) => ({ path, sha256: sha(files[path]) }));
    expect(manifest.files).toEqual(listed);
    expect(manifest.contentHash).toBe(sha(listed.map((f) => `${f.path}\t${f.sha256}\n`).join('')));
    expect(JSON.parse(strFromU8(files['summary.json']))).toEqual(summary);
    expect(strFromU8(files['README.txt'])).toContain("import { predict } from './predict.js'");
  });

  it('reads back what it wrote: the same model, recipe and summary', async () => {
    const { record, saved } = models.get('logistic')!;
    const bundle = await readBundle(await exportBundle({ record, model: saved, summary: { n: 1 } }));
    expect(bundle.model).toEqual(saved);
    expect(bundle.recipe).toEqual(record.fitted);
    expect(bundle.summary).toEqual({ n: 1 });
    expect(bundle.manifest.inputSchema).toEqual(record.inputSchema);
    const X = Float32Array.from({ length: 5 * record.features.length }, (_, i) => (i % 7) / 7);
    const [a, b] = [modelFromJSON(saved), modelFromJSON(bundle.model)];
    try {
      expect(await b.predict(X)).toEqual(await a.predict(X));
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  describe('refuses', () => {
    let good: Record<string, Uint8Array>;
    beforeAll(async () => {
      const { record, saved } = models.get('logistic')!;
      good = entries(await exportBundle({ record, model: saved }));
    });
    const rezip = (files: Record<string, Uint8Array>) => zipSync(files);

    it('a file that is not a zip archive', async () => {
      await expect(readBundle(new Uint8Array(readFileSync('static/samples/penguins.csv')))).rejects.toMatchObject({ code: 'invalid-argument', message: 'This file is not a model bundle (not a zip archive).' });
    });

    it('a zip without a manifest', async () => {
      await expect(readBundle(rezip({ 'model.json': good['model.json'] }))).rejects.toThrow('This file is not a model bundle (it has no manifest.json).');
    });

    it('a bundle of format version 2, saying which version this studio reads', async () => {
      const manifest = { ...JSON.parse(strFromU8(good['manifest.json'])), formatVersion: 2 };
      await expect(readBundle(rezip({ ...good, 'manifest.json': strToU8(JSON.stringify(manifest)) }))).rejects.toThrow('This model bundle is format version 2; this studio reads version 1: it was exported by a newer Enclave, so update this one.');
    });

    it('a bundle whose model.json changed by one byte', async () => {
      const model = good['model.json'].slice();
      const at = strFromU8(model).indexOf('"seed":') + 7;
      model[at] = model[at] === 0x31 ? 0x32 : 0x31;
      await expect(readBundle(rezip({ ...good, 'model.json': model }))).rejects.toThrow('The bundle was altered after export: model.json does not match the SHA-256 its manifest records.');
    });

    it('a bundle missing a file, or holding one its manifest does not list', async () => {
      const { 'recipe.json': _, ...rest } = good;
      await expect(readBundle(rezip(rest))).rejects.toThrow('The bundle was altered after export: recipe.json is missing.');
      await expect(readBundle(rezip({ ...good, 'extra.js': strToU8('alert(1)') }))).rejects.toThrow('The bundle was altered after export: extra.js is not in its manifest.');
    });
  });

  it('imported into the store, predicts as the version did before export, once however often it is imported', async () => {
    const { record, saved, rows } = models.get('logistic')!;
    const before = await predict(record.id, rows, db);
    // The original predicts on the backend it trained on; an imported version (no run here) on the first that starts:
    // the same classes, probabilities to float32 rounding.
    const same = (p: { predictions: unknown[]; probabilities?: number[][] }) => {
      expect(p.predictions).toEqual(before.predictions);
      p.probabilities!.forEach((row, i) => row.forEach((x, k) => expect(x).toBeCloseTo(before.probabilities![i][k], 6)));
    };
    const bundle = await readBundle(await exportBundle({ record, model: saved }));
    // Beside the original: the name has a champion and version 1.0.0, so the import is the challenger 1.1.0.
    expect(await findImportedModel(db, bundle.manifest.contentHash)).toBeUndefined();
    const beside = await registerImportedModel(db, bundle);
    expect(beside).toMatchObject({ name: 'penguins-logistic', version: '1.1.0', aliases: ['challenger'], run: `bundle:${bundle.manifest.contentHash}`, source: '' });
    // Imported again: nothing new; findImportedModel lets the page say it is already here.
    expect(await findImportedModel(db, bundle.manifest.contentHash)).toEqual(beside);
    expect(await registerImportedModel(db, bundle)).toEqual(beside);
    expect((await listModels(db)).filter((m) => m.name === 'penguins-logistic')).toHaveLength(2);
    // The original and everything it was trained from go; the import still predicts the same.
    await deleteDataset(db, dataset);
    await expect(getModel(db, record.id)).rejects.toMatchObject({ code: 'not-found' });
    same(await predict(beside.id, rows, db));
    // In another studio: the bundle's own version, as champion.
    const other = createDb(`bundle-other-${crypto.randomUUID()}`);
    try {
      const fresh = await registerImportedModel(other, bundle);
      expect(fresh).toMatchObject({ version: '1.0.0', aliases: ['champion'], inputSchema: record.inputSchema, fitted: record.fitted, metrics: record.metrics });
      same(await predict(fresh.id, rows, other));
    } finally {
      other.close();
      await other.delete();
    }
  }, 60_000);
});
