import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { importFile } from '../../src/lib/jobs/import-job.ts';
import { prepare, previewStep } from '../../src/lib/jobs/prepare-job.ts';
import { createDb, type EnclaveDB } from '../../src/lib/store/db.ts';
import { listPreparations } from '../../src/lib/store/preparations.ts';
import { loadTable } from '../../src/lib/store/tables.ts';
import { hashJson } from '../../src/lib/core/canonical-json.ts';
import { hashTable } from '../../src/lib/core/hash.ts';

const penguins = new Uint8Array(readFileSync('static/samples/penguins.csv'));
const recipe = JSON.parse(readFileSync('tests/fixtures/penguins-recipe.json', 'utf8'));
let dbs: EnclaveDB[] = [];

async function withPenguins() {
  const database = createDb(`prepare-job-${crypto.randomUUID()}`);
  dbs.push(database);
  const blob = new Blob([penguins]);
  const imported = await importFile({ file: { name: 'penguins.csv', size: blob.size, stream: () => blob.stream() } }, { database });
  return { database, source: imported.hash, dataset: imported.datasetId };
}

afterEach(async () => {
  for (const d of dbs) { d.close(); await d.delete(); }
  dbs = [];
});

describe('prepare (job)', () => {
  it('stores three prepared versions whose parent is the source and whose recipe hash is recorded', async () => {
    const { database, source, dataset } = await withPenguins();
    const r = await prepare({ source, recipe: { ...recipe, target: 'Species' }, split: { seed: 42 } }, { database });
    expect(r.status).toBe('saved');
    if (r.status !== 'saved') return;
    const p = r.preparation;
    expect(p.sizes).toEqual({ train: 206, validation: 69, test: 69 });
    expect(p.recipe).toBe(await hashJson({ ...recipe, target: 'Species' }));
    for (const split of ['train', 'validation', 'test'] as const) {
      const v = await database.versions.get(p.splits[split]);
      expect(v).toMatchObject({ parent: source, recipe: p.recipe, dataset, split, preparation: p.id });
      // Stored bytes hash to the version's name.
      expect(await hashTable(await loadTable(database, p.splits[split]))).toBe(p.splits[split]);
    }
    expect((await database.recipes.get(p.recipe))?.recipe).toEqual({ ...recipe, target: 'Species' });
    expect(await listPreparations(database, dataset)).toHaveLength(1);
  });

  it('the same source and recipe give the same hashes; another seed gives others', async () => {
    const { database, source } = await withPenguins();
    const req = { source, recipe: { ...recipe, target: 'Species' }, split: { seed: 42 } };
    const a = await prepare(req, { database });
    const b = await prepare(req, { database });
    const c = await prepare({ ...req, split: { seed: 43 } }, { database });
    if (a.status !== 'saved' || b.status !== 'saved' || c.status !== 'saved') throw new Error('expected saved');
    expect(b.preparation.splits).toEqual(a.preparation.splits);
    expect(c.preparation.splits.train).not.toBe(a.preparation.splits.train);
    expect(c.preparation.recipe).toBe(a.preparation.recipe);
  });

  it('a recipe naming a missing column fails with a message naming the step and stores nothing', async () => {
    const { database, source } = await withPenguins();
    const bad = { target: 'Species', steps: [{ kind: 'scale', columns: ['Body Mas'], method: 'minmax' }] };
    await expect(prepare({ source, recipe: bad, split: {} }, { database })).rejects.toMatchObject({ code: 'invalid-recipe', message: expect.stringMatching(/Step 1 \(scale\).*Body Mas/s) });
    expect(await database.preparations.count()).toBe(0);
    expect(await database.versions.count()).toBe(1);
  });

  it('a target with one class is refused before anything is fitted, naming the class', async () => {
    const database = createDb(`prepare-job-${crypto.randomUUID()}`);
    dbs.push(database);
    const blob = new Blob(['y,x\n' + Array.from({ length: 30 }, (_, i) => `yes,${i}`).join('\n')]);
    const { hash } = await importFile({ file: { name: 'one.csv', size: blob.size, stream: () => blob.stream() } }, { database });
    await expect(prepare({ source: hash, recipe: { target: 'y', steps: [] }, split: {} }, { database })).rejects.toMatchObject({
      code: expect.stringMatching(/invalid-split|invalid-target/),
      message: expect.stringMatching(/single class|one class|only one/i)
    });
    expect(await database.preparations.count()).toBe(0);
  });
});

describe('previewStep', () => {
  it('shows the one-hot step turning 7 columns into 10 on the training rows', async () => {
    const { database, source } = await withPenguins();
    const p = await previewStep(source, { ...recipe, target: 'Species' }, { seed: 42 }, 2, database);
    expect(p.before).toEqual({ rows: 206, columns: 7 });
    expect(p.after).toEqual({ rows: 206, columns: 10 });
    expect(p.dropped).toEqual(['Island', 'Sex']);
    expect(p.changed.map((c) => c.name)).toContain('Island=Biscoe');
  });
});
