import { freshDatabases } from './fresh-db.ts';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '../../src/lib/jobs/import-job.ts';
import { prepare } from '../../src/lib/jobs/prepare-job.ts';
import { promote, train, type PromoteProgress } from '../../src/lib/jobs/train-job.ts';
import { initBackend } from '../../src/lib/ml/backend.ts';

const freshDb = freshDatabases('promote-progress');
const text = readFileSync('static/samples/penguins.csv', 'utf8');

beforeAll(async () => {
  await initBackend('cpu');
});

describe('the promote job reports its progress', () => {
  it('counts its five steps up to the total, in order, the last once the version is registered', async () => {
    const database = freshDb();
    const blob = new Blob([text]);
    const imported = await importFile({ file: { name: 'penguins.csv', size: blob.size, stream: () => blob.stream() } }, { database });
    const steps = [
      { kind: 'impute', columns: '*numeric', strategy: 'mean' },
      { kind: 'impute', columns: ['Sex'], strategy: 'most_frequent' },
      { kind: 'onehot', columns: ['Island', 'Sex'] }
    ];
    const prep = await prepare({ source: imported.hash, recipe: { target: 'Species', steps }, split: { seed: 42 } }, { database });
    if (prep.status !== 'saved') throw new Error('expected saved');
    const run = await train({ preparation: prep.preparation.id, algorithm: 'knn', hyperparameters: { k: 3 }, backend: 'cpu' }, { database });
    const events: PromoteProgress[] = [];
    const version = await promote(run.id, 'penguins', database, undefined, (p) => events.push(p));
    expect(version.version).toBe('1.0.0');
    expect(events.map((e) => [e.stage, e.done])).toEqual([['load', 0], ['backend', 1], ['test', 2], ['score', 3], ['register', 4], ['register', 5]]);
    expect(events.every((e) => e.total === 5)).toBe(true);
  }, 60_000);
});
