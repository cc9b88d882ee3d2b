import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '../../src/lib/jobs/import-job.ts';
import { prepare } from '../../src/lib/jobs/prepare-job.ts';
import { train } from '../../src/lib/jobs/train-job.ts';
import { analyse } from '../../src/lib/jobs/analyse.ts';
import { initBackend } from '../../src/lib/ml/backend.ts';
import { createDb, type EnclaveDB } from '../../src/lib/store/db.ts';

const text = readFileSync('static/samples/penguins.csv', 'utf8');
let dbs: EnclaveDB[] = [];

beforeAll(async () => {
  await initBackend('cpu');
});

afterEach(async () => {
  for (const d of dbs) { d.close(); await d.delete(); }
  dbs = [];
});

describe('analyse (error analysis on the Evaluate page)', () => {
  it('traces validation rows back to the right source rows when rows without a target were left out before the split', async () => {
    const database = createDb(`analyse-${crypto.randomUUID()}`);
    dbs.push(database);
    const blob = new Blob([text]);
    const imported = await importFile({ file: { name: 'penguins.csv', size: blob.size, stream: () => blob.stream() } }, { database });
    // Body Mass (g) is empty in rows 4 and 340 of penguins.csv: they are left out, so every later row shifts by one or two.
    const steps = [
      { kind: 'impute', columns: '*numeric', strategy: 'mean' },
      { kind: 'impute', columns: ['Sex'], strategy: 'most_frequent' },
      { kind: 'onehot', columns: ['Species', 'Island', 'Sex'] },
    ];
    const prep = await prepare({ source: imported.hash, recipe: { target: 'Body Mass (g)', steps }, split: { seed: 42 } }, { database });
    if (prep.status !== 'saved') throw new Error('expected saved');
    expect(prep.preparation.excluded).toEqual({ missingTarget: 2 });
    const run = await train({ preparation: prep.preparation.id, algorithm: 'knn', hyperparameters: { k: 3 }, backend: 'cpu' }, { database });

    const a = await analyse(run.id, 'Island', database);
    expect(a.notes).toEqual([]); // aligned: nothing says the rows can't be traced back
    expect(a.slices!.rows.reduce((s, r) => s + r.count, 0)).toBe(prep.preparation.sizes.validation);
    expect(a.worst).toHaveLength(10);
    // The reference: the CSV's own lines, split on commas (penguins.csv has no quoted fields). `row` is 1-based.
    const lines = text.trim().split('\n').map((l) => l.split(','));
    const header = lines[0];
    for (const w of a.worst) {
      const line = lines[w.row];
      expect(Number(line[header.indexOf('Body Mass (g)')])).toBe(w.actual);
      expect(w.values['Body Mass (g)']).toBe(w.actual);
      expect(w.values['Species']).toBe(line[header.indexOf('Species')]);
      expect(w.values['Flipper Length (mm)']).toBe(Number(line[header.indexOf('Flipper Length (mm)')]));
    }
  }, 60_000);
});
