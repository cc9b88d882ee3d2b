import { freshDatabases } from './fresh-db.ts';
import { knnPenguinsRun } from './knn-penguins-run.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyse, type AnalyseProgress } from '../../src/lib/jobs/analyse.ts';
import { initBackend } from '../../src/lib/ml/backend.ts';
import { analyseStage } from '../../src/lib/components/evaluation-view/analyse-stage.ts';

const freshDb = freshDatabases('analyse-progress');

beforeAll(async () => {
  await initBackend('cpu');
});

describe('the analyse job reports its progress', () => {
  it('counts loading, then every scoring of the permutation importance up to the total, naming the feature shuffled', async () => {
    const database = freshDb();
    const { run } = await knnPenguinsRun(database);
    const events: AnalyseProgress[] = [];
    await analyse(run.id, 'Island', database, undefined, (p) => events.push(p));

    expect(events.map((e) => e.stage).filter((s, i, all) => s !== all[i - 1])).toEqual(['load', 'predict', 'importance', 'rows']);
    const load = events.filter((e) => e.stage === 'load');
    expect(load.map((e) => e.done)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(load.every((e) => e.total === 5)).toBe(true);
    // 4 measurements + Island (3 one-hot columns) + Sex (2) = 9 features; the baseline plus 3 shuffles of each = 28 scorings.
    expect(run.features).toHaveLength(9);
    const importance = events.filter((e) => e.stage === 'importance');
    expect(importance.map((e) => e.done)).toEqual(Array.from({ length: 29 }, (_, i) => i));
    expect(importance.every((e) => e.total === 28)).toBe(true);
    expect(importance.slice(2, 5).map((e) => e.feature)).toEqual([run.features[0], run.features[0], run.features[0]]);
    expect(importance.at(-1)!.feature).toBe(run.features[8]);
  }, 60_000);
});

describe('the Evaluate page says what the analysis is doing', () => {
  it('names the feature being shuffled and counts the scorings', () => {
    expect(analyseStage({ stage: 'importance', done: 12, total: 1234, feature: 'Flipper Length (mm)' })).toEqual({
      stage: 'Shuffling Flipper Length (mm) and scoring again', done: 12, total: 1234, detail: '12 of 1,234 scorings'
    });
    expect(analyseStage({ stage: 'load', done: 2, total: 5 }).stage).toBe('Loading the model and the validation split');
  });
});
