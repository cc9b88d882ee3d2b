/** Monitoring in the studio: a scored file is kept as a batch (hash and report, not rows), with the version's summaries. */
import { freshDatabases } from './fresh-db.ts';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '../../src/lib/jobs/import-job.ts';
import { monitorFile } from '../../src/lib/jobs/monitor-job.ts';
import { prepare } from '../../src/lib/jobs/prepare-job.ts';
import { promote, train } from '../../src/lib/jobs/train-job.ts';
import { initBackend } from '../../src/lib/ml/backend.ts';
import { splitTable } from '../../src/lib/core/split.ts';
import { rowArrays } from '../../src/lib/core/table.ts';
import { takeRows } from '../../src/lib/core/table-ops.ts';
import { listBatches } from '../../src/lib/store/batches.ts';
import { deleteDataset } from '../../src/lib/store/delete.ts';
import { readFileTable } from './ml-fixtures.ts';

const bytes = new Uint8Array(readFileSync('static/samples/penguins.csv'));
const recipe = JSON.parse(readFileSync('tests/fixtures/penguins-recipe.json', 'utf8'));
const freshDb = freshDatabases('monitor-job');

beforeAll(async () => {
  await initBackend('cpu');
});

/** The test split's source rows as a JSON file, with `change` applied to each record. */
async function batchFile(seed: number, change: (r: Map<string, unknown>) => void, withTarget: boolean) {
  const table = await readFileTable('static/samples/penguins.csv');
  const rows = takeRows(table, splitTable(table, { seed, target: 'Species' }).indices.test);
  const records = rowArrays(rows).map((values) => {
    const r = new Map(rows.columns.map((c, j) => [c.name, values[j]] as [string, unknown]));
    if (!withTarget) r.delete('Species');
    change(r);
    return Object.fromEntries(r);
  });
  const blob = new Blob([JSON.stringify(records)]);
  return { name: 'batch.json', size: blob.size, stream: () => blob.stream() };
}

describe('monitorFile', () => {
  it('keeps a batch with its drift report: body mass +30% is flagged on that feature only; a labelled batch is scored', async () => {
    const database = freshDb();
    const blob = new Blob([bytes]);
    const imported = await importFile({ file: { name: 'penguins.csv', size: blob.size, stream: () => blob.stream() } }, { database });
    const prepared = await prepare({ source: imported.hash, recipe: { ...recipe, target: 'Species' }, split: { seed: 9 } }, { database });
    if (prepared.status !== 'saved') throw new Error('expected saved');
    const run = await train({ preparation: prepared.preparation.id, algorithm: 'logistic', hyperparameters: { epochs: 30 }, seed: 9, backend: 'cpu' }, { database });
    const model = await promote(run.id, 'penguins', database);

    const shifted = await monitorFile({ model: model.id, file: await batchFile(9, (r) => { const m = r.get('Body Mass (g)'); if (typeof m === 'number') r.set('Body Mass (g)', m * 1.3); }, false) }, { database });
    const drifted = shifted.report.columns.filter((c) => c.drifted).map((c) => c.column);
    expect(drifted).toEqual(['Body Mass (g)']);
    expect(shifted.report.metrics).toBeUndefined(); // no labels in this batch
    expect(shifted.dataHash).toMatch(/^[0-9a-f]{64}$/);

    const labelled = await monitorFile({ model: model.id, file: await batchFile(9, () => {}, true) }, { database });
    expect(labelled.report.columns.filter((c) => c.drifted)).toEqual([]);
    // The unshifted test rows are the sealed test split: the batch's metrics are the test metrics.
    expect(labelled.report.metrics!.batch).toEqual(model.metrics.test);

    const batches = await listBatches(database, 'penguins');
    expect(batches.map((b) => b.id)).toEqual([shifted.id, labelled.id]);
    expect(await database.modelSummaries.count()).toBe(1); // computed once, then reused

    await deleteDataset(database, imported.datasetId);
    expect(await database.batches.count()).toBe(0);
    expect(await database.modelSummaries.count()).toBe(0);
  }, 60_000);
});
