import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { nextAction, stepStates, type GuideFacts } from '../../src/lib/guide/steps.ts';

const none: GuideFacts = { preparations: 0, runs: 0, models: [], batches: 0, federations: 0 };
const at = (over: Partial<GuideFacts>): GuideFacts => ({ ...none, dataset: { id: 'd', name: 'penguins' }, ...over });
const done = (f: GuideFacts | null) => stepStates(f).filter((s) => s.done).map((s) => s.id);

describe('the guided flow', () => {
  it('marks nothing done before the first import, and each step as what it needs exists for the current dataset', () => {
    expect(done(null)).toEqual([]);
    expect(done(none)).toEqual([]);
    expect(done(at({}))).toEqual(['data']);
    expect(done(at({ preparations: 1 }))).toEqual(['data', 'prepare']);
    expect(done(at({ preparations: 1, runs: 2 }))).toEqual(['data', 'prepare', 'train']);
    expect(done(at({ preparations: 1, runs: 2, models: [{ name: 'm', version: '1.0.0' }] }))).toEqual(['data', 'prepare', 'train', 'evaluate']);
    expect(done(at({ preparations: 1, runs: 2, models: [{ name: 'm', version: '1.0.0' }], batches: 1 }))).toEqual(['data', 'prepare', 'train', 'evaluate', 'deploy', 'monitor']);
  });

  it('leads from each page to the next: prepare this dataset, train on this preparation, evaluate, promote, score a batch', () => {
    const label = (page: Parameters<typeof nextAction>[0], f: GuideFacts | null) => nextAction(page, f)?.label ?? null;
    expect(label('data', none)).toBeNull(); // the Data page's own import is the first step
    expect(label('prepare', none)).toBe('Import a file');
    expect(label('data', at({}))).toBe('Prepare this dataset');
    expect(label('prepare', at({}))).toBeNull(); // its own form comes first
    expect(label('prepare', at({ preparations: 1 }))).toBe('Train on this preparation');
    expect(label('data', at({ preparations: 1 }))).toBe('Train on this preparation');
    expect(label('train', at({ preparations: 1 }))).toBeNull();
    expect(label('train', at({ preparations: 1, runs: 1 }))).toBe('Evaluate this run');
    expect(label('evaluate', at({ preparations: 1, runs: 1 }))).toBe('Promote the best run');
    const deployed = at({ preparations: 1, runs: 1, models: [{ name: 'penguins-model', version: '1.1.0' }, { name: 'penguins-model', version: '1.0.0' }] });
    expect(nextAction('evaluate', deployed)).toMatchObject({ href: '/deploy', label: 'Score a batch', why: expect.stringContaining('penguins-model 1.1.0') });
    expect(label('deploy', deployed)).toBeNull();
    expect(label('deploy', { ...deployed, batches: 1 })).toBe('Monitor the scored batches');
  });
});

describe('workflow counts for the stepper', () => {
  it('does not count a cancelled run as trained', async () => {
    const { createDb } = await import('../../src/lib/store/db.ts');
    const { workflowCounts } = await import('../../src/lib/store/progress.ts');
    const database = createDb(`progress-${crypto.randomUUID()}`);
    const run = (id: string, status: 'completed' | 'cancelled') => ({ id, dataset: 'd', preparation: 'p', created: 1, status } as never);
    await database.runs.bulkAdd([run('a', 'cancelled')]);
    expect((await workflowCounts(database, 'd')).runs).toBe(0);
    await database.runs.add(run('b', 'completed'));
    expect((await workflowCounts(database, 'd')).runs).toBe(1);
    database.close();
    await database.delete();
  });
});
