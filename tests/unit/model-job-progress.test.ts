import { freshDatabases } from './fresh-db.ts';
import { knnPenguinsRun } from './knn-penguins-run.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { promote, type PromoteProgress } from '../../src/lib/jobs/train-job.ts';
import { initBackend } from '../../src/lib/ml/backend.ts';
import { exportModelBundle, importModelBundle, type ExportProgress, type ImportBundleProgress } from '../../src/lib/jobs/bundle-job.ts';

const freshDb = freshDatabases('model-job-progress');

beforeAll(async () => {
  await initBackend('cpu');
});

describe('the promote, export and import jobs report their progress', () => {
  it('counts its five steps up to the total, in order, the last once the version is registered', async () => {
    const database = freshDb();
    const { run } = await knnPenguinsRun(database);
    const events: PromoteProgress[] = [];
    const version = await promote(run.id, 'penguins', database, undefined, (p) => events.push(p));
    expect(version.version).toBe('1.0.0');
    expect(events.map((e) => [e.stage, e.done])).toEqual([['load', 0], ['backend', 1], ['test', 2], ['score', 3], ['register', 4], ['register', 5]]);
    expect(events.every((e) => e.total === 5)).toBe(true);

    // Exporting the version: its four steps, the summaries (a forward pass the first time) among them.
    const exported: ExportProgress[] = [];
    const out = await exportModelBundle({ model: version.id, includeTrainingRows: true }, { database, onProgress: (p) => exported.push(p) });
    expect(out.fileName).toBe('penguins-1.0.0.zip');
    expect(exported.map((e) => [e.stage, e.done])).toEqual([['read', 0], ['backend', 1], ['summaries', 2], ['write', 3], ['write', 4]]);
    expect(exported.every((e) => e.total === 4)).toBe(true);

    // Importing it on another device (a fresh database): three steps, counted up to the total.
    const importSteps: ImportBundleProgress[] = [];
    const r = await importModelBundle({ bytes: out.bytes, fileName: out.fileName }, { database: freshDb(), onProgress: (p) => importSteps.push(p) });
    expect(r.created).toBe(true);
    expect(importSteps.map((e) => [e.stage, e.done])).toEqual([['check', 0], ['register', 1], ['summaries', 2], ['summaries', 3]]);
    expect(importSteps.every((e) => e.total === 3)).toBe(true);
  }, 60_000);
});
