/**
 * Scoring a file with a registered model through the studio's jobs (IndexedDB in between): the CSV it returns holds
 * the input as read plus the predictions and probabilities predictTable gives on the same rows; a batch that can't be
 * scored is refused with its problems, and a cancelled one stops.
 */
import { freshDatabases } from './fresh-db.ts';
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '../../src/lib/jobs/import-job.ts';
import { prepare } from '../../src/lib/jobs/prepare-job.ts';
import { promote, train } from '../../src/lib/jobs/train-job.ts';
import { scoreBatch } from '../../src/lib/jobs/score-batch-job.ts';
import { initBackend } from '../../src/lib/ml/backend.ts';
import { modelFromJSON } from '../../src/lib/ml/train.ts';
import { predictTable } from '../../src/lib/services/predict.ts';
import { readTable } from '../../src/lib/core/io/index.ts';
import { bytesSource } from '../../src/lib/core/io/source.ts';
import { getArtifact } from '../../src/lib/store/runs.ts';
import type { EnclaveDB } from '../../src/lib/store/db.ts';

const text = readFileSync('static/samples/penguins.csv', 'utf8');
const recipe = JSON.parse(readFileSync('tests/fixtures/penguins-recipe.json', 'utf8'));
const freshDb = freshDatabases('score-batch');

beforeAll(async () => {
  await initBackend('cpu');
});

async function penguinsModel(database: EnclaveDB) {
  const imported = await importFile({ file: bytesSource('penguins.csv', text) }, { database });
  const prepared = await prepare({ source: imported.hash, recipe: { ...recipe, target: 'Species' }, split: { seed: 5 } }, { database });
  if (prepared.status !== 'saved') throw new Error('expected the preparation to be saved');
  const run = await train({ preparation: prepared.preparation.id, algorithm: 'logistic', hyperparameters: { epochs: 20 }, seed: 5, backend: 'cpu' }, { database });
  return promote(run.id, 'penguins', database);
}

/** The penguins file without one column (a CSV a person would score). */
function without(column: string): string {
  const parsed = Papa.parse<string[]>(text.trim(), { skipEmptyLines: true });
  const at = parsed.data[0].indexOf(column);
  return Papa.unparse(parsed.data.map((row) => row.filter((_, i) => i !== at)), { newline: '\n' });
}

describe('scoreBatch', () => {
  it("writes the input with predictTable's predictions and class probabilities, one CSV row per input row", async () => {
    const database = freshDb();
    const m = await penguinsModel(database);
    const batch = without('Species');
    const progress: string[] = [];
    const out = await scoreBatch({ model: m.id, file: bytesSource('new-penguins.csv', batch) }, { database, onProgress: (p) => progress.push(p.stage) });
    expect(out.rows).toBe(344);
    expect(out.check.ok).toBe(true);
    expect(progress).toEqual(expect.arrayContaining(['read', 'check', 'predict', 'write']));

    // The reference: predictTable on the same file, read on its own, with the stored weights.
    const model = modelFromJSON(await getArtifact(database, m.run));
    const reference = await predictTable(model, m, (await readTable(bytesSource('new-penguins.csv', batch))).table);
    model.dispose();

    const csvText = new TextDecoder().decode(out.csv);
    expect(csvText.endsWith('\r\n')).toBe(true);
    const parsed = Papa.parse<string[]>(csvText, { skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    const [header, ...rows] = parsed.data;
    expect(header).toEqual(['Island', 'Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)', 'Sex', 'prediction', 'p_Adelie', 'p_Chinstrap', 'p_Gentoo']);
    expect(m.classNames).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    expect(rows).toHaveLength(344);
    expect(rows.map((r) => r[6])).toEqual(reference.predictions);
    rows.forEach((r, i) => r.slice(7).forEach((p, k) => expect(Number(p)).toBe(reference.probabilities![i][k])));
    // The input's cells as the file has them (the fourth penguin has no measurements: empty cells stay empty).
    const input = Papa.parse<string[]>(batch, { skipEmptyLines: true }).data.slice(1);
    expect(rows.map((r) => r.slice(0, 6))).toEqual(input);
    expect(out.classCounts!.reduce((s, [, k]) => s + k, 0)).toBe(344);
  }, 120_000);

  it('refuses a file missing a column the model needs, the problems in the detail, and a file with no rows', async () => {
    const database = freshDb();
    const m = await penguinsModel(database);
    const err = await scoreBatch({ model: m.id, file: bytesSource('no-island.csv', without('Island')) }, { database }).catch((e) => e);
    expect(err).toMatchObject({ code: 'invalid-argument', message: expect.stringContaining('Column "Island" is missing') });
    expect(err.detail.problems).toEqual(expect.arrayContaining([expect.objectContaining({ column: 'Island', problem: 'missing', blocking: true })]));
    // The readers refuse a file without rows before the check (which also blocks one: check-batch.test.ts).
    await expect(scoreBatch({ model: m.id, file: bytesSource('empty.json', '[]') }, { database })).rejects.toMatchObject({ code: 'empty-file' });
    await expect(scoreBatch({ model: m.id, file: bytesSource('header.csv', 'Island,Sex\n') }, { database })).rejects.toMatchObject({ code: 'header-only' });
  }, 120_000);

  it('stops when cancelled, with a cancelled error', async () => {
    const database = freshDb();
    const m = await penguinsModel(database);
    const ctl = new AbortController();
    ctl.abort();
    await expect(scoreBatch({ model: m.id, file: bytesSource('b.csv', without('Species')) }, { database, signal: ctl.signal })).rejects.toMatchObject({ code: 'cancelled' });
  }, 120_000);
});
