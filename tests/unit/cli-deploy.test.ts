/** The headless deployment commands: train --bundle, predict, monitor, compare, export --onnx (each a child process). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/lib/ml/backend.ts';
import { modelFromJSON } from '../../src/lib/ml/train.ts';
import { readBundle } from '../../src/lib/services/bundle/index.ts';
import { predictTable } from '../../src/lib/services/predict.ts';
import { readFileTable } from './ml-fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'enclave-cli-'));
const enclave = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'bin/enclave.ts', ...args], { encoding: 'utf8' });
const json = (r: ReturnType<typeof enclave>) => {
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
};

beforeAll(() => {
  for (const [name, algorithm] of [['logistic', 'logistic'], ['mlp', 'mlp']])
    json(enclave('train', 'static/samples/penguins.csv', '--target', 'Species', '--algorithm', algorithm, '--seed', '3', '--bundle', join(dir, `${name}.zip`)));
  // Penguins with body mass 30% higher and no Species column.
  const [header, ...lines] = readFileSync('static/samples/penguins.csv', 'utf8').trim().split('\n').map((l) => l.split(','));
  const mass = header.indexOf('Body Mass (g)'), species = header.indexOf('Species');
  const drop = (row: string[]) => row.filter((_, j) => j !== species);
  writeFileSync(join(dir, 'heavier.csv'), [drop(header), ...lines.map((l) => drop(l.map((v, j) => (j === mass && v !== '' ? String(Number(v) * 1.3) : v))))].map((l) => l.join(',')).join('\n'));
}, 120_000);

describe('enclave deployment commands', () => {
  it('predict prints one CSV row per input row: its number, the prediction and p_<class>, as the studio predicts', async () => {
    const r = enclave('predict', join(dir, 'logistic.zip'), 'static/samples/penguins.csv');
    expect(r.status).toBe(0);
    const [header, ...rows] = r.stdout.trim().split('\n').map((l) => l.split(','));
    expect(header).toEqual(['row', 'prediction', 'p_Adelie', 'p_Chinstrap', 'p_Gentoo']);
    expect(rows).toHaveLength(344);
    expect(rows.map((row) => Number(row[0]))).toEqual(Array.from({ length: 344 }, (_, i) => i + 1));
    // The reference: the bundle's model and recipe through the studio's predictTable, in this process.
    await initBackend('wasm');
    const bundle = await readBundle(new Uint8Array(readFileSync(join(dir, 'logistic.zip'))));
    const m = bundle.manifest;
    const model = modelFromJSON(bundle.model);
    const out = await predictTable(model, { target: m.target, features: m.features, task: m.task, classNames: m.classNames, fitted: bundle.recipe }, await readFileTable('static/samples/penguins.csv'));
    model.dispose();
    expect(rows.map((row) => row[1])).toEqual(out.predictions);
    rows.forEach((row, i) => row.slice(2).forEach((p, k) => expect(Number(p)).toBeCloseTo(out.probabilities![i][k], 6)));
  }, 60_000);

  it('monitor flags body mass +30% on that feature only; with --target it scores labelled rows', () => {
    const shifted = json(enclave('monitor', join(dir, 'logistic.zip'), join(dir, 'heavier.csv')));
    expect(shifted.columns.filter((c: { drifted: boolean }) => c.drifted).map((c: { column: string }) => c.column)).toEqual(['Body Mass (g)']);
    expect(shifted.metrics).toBeUndefined();
    const labelled = json(enclave('monitor', join(dir, 'logistic.zip'), 'static/samples/penguins.csv', '--target', 'Species'));
    expect(labelled.datasetDrift).toBe(false);
    expect(labelled.metrics.batch.accuracy).toBeGreaterThan(0.95);
    const unlabelled = enclave('monitor', join(dir, 'logistic.zip'), join(dir, 'heavier.csv'), '--target', 'Species');
    expect(unlabelled.status).toBe(2);
    expect(JSON.parse(unlabelled.stderr).error.message).toMatch(/no "Species" column/);
  }, 60_000);

  it('compare prints the metric difference, its interval, McNemar and a verdict; export writes an ONNX file', () => {
    const same = json(enclave('compare', join(dir, 'logistic.zip'), join(dir, 'logistic.zip'), 'static/samples/penguins.csv', '--target', 'Species'));
    expect(same).toMatchObject({ metric: 'accuracy', rows: 344, difference: { estimate: 0, ci95: [0, 0] }, mcnemar: { b: 0, c: 0, pValue: 1 }, verdict: 'no-difference' });
    const two = json(enclave('compare', join(dir, 'logistic.zip'), join(dir, 'mlp.zip'), 'static/samples/penguins.csv', '--target', 'Species'));
    expect(['better', 'worse', 'no-difference']).toContain(two.verdict);
    expect(two.difference.ci95[0]).toBeLessThanOrEqual(two.difference.estimate);
    const onnx = join(dir, 'logistic.onnx');
    const out = json(enclave('export', join(dir, 'logistic.zip'), '--onnx', onnx));
    expect(out.bytes).toBe(statSync(onnx).size);
    expect(out.inputs.map((i: { name: string }) => i.name)).toContain('Island');
  }, 60_000);

  it('refuses what is not a bundle, clearly', () => {
    writeFileSync(join(dir, 'not.zip'), 'hello');
    const r = enclave('predict', join(dir, 'not.zip'), 'static/samples/penguins.csv');
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stderr).error.message).toMatch(/not a model bundle/);
  }, 30_000);
});
