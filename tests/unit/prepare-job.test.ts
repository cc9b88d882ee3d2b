import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { importFile } from '../../src/lib/jobs/import-job.ts';
import { checkRecipe, prepare, previewStep } from '../../src/lib/jobs/prepare-job.ts';
import { createDb, type EnclaveDB } from '../../src/lib/store/db.ts';
import { listPreparations } from '../../src/lib/store/preparations.ts';
import { loadTable } from '../../src/lib/store/load-table.ts';
import { hashJson } from '../../src/lib/core/canonical-json.ts';
import { hashTable } from '../../src/lib/core/hash.ts';
import { chunkStore, setChunkStore } from '../../src/lib/store/chunk-store.ts';
import { dropSource } from '../../src/lib/jobs/source-cache.ts';

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

  it("profiles each split's columns (their ranges feed the Train page's scale warning) but not their correlations or duplicates", async () => {
    const { database, source } = await withPenguins();
    const r = await prepare({ source, recipe: { ...recipe, target: 'Species' }, split: { seed: 42 } }, { database });
    if (r.status !== 'saved') throw new Error('expected saved');
    const v = await database.versions.get(r.preparation.splits.train);
    const table = await loadTable(database, r.preparation.splits.train);
    expect(v!.profile.columns.map((c) => c.name)).toEqual(table.columns.map((c) => c.name));
    const mass = v!.profile.columns.find((c) => c.name === 'Body Mass (g)');
    expect(mass).toMatchObject({ count: 206 });
    expect(v!.profile.correlations.columns).toEqual([]);
    expect(v!.profile.duplicateRows).toBeNull();
    // The source keeps its correlation matrix and its duplicate count.
    expect((await database.versions.get(source))!.profile.correlations.columns.length).toBeGreaterThan(1);
    expect((await database.versions.get(source))!.profile.duplicateRows).toBe(0);
  });

  it('a large source is let go after its split, not cached: preparing it again gives the same splits', async () => {
    const { database, source } = await withPenguins();
    const req = { source, recipe: { ...recipe, target: 'Species' }, split: { seed: 42 } };
    const small = await prepare(req, { database });
    // Every source counts as large here: released once split, so a second prepare must load it afresh.
    const first = await prepare(req, { database, largeCells: 1 });
    const second = await prepare(req, { database, largeCells: 1 });
    if (small.status !== 'saved' || first.status !== 'saved' || second.status !== 'saved') throw new Error('expected saved preparations');
    expect(first.preparation.splits).toEqual(small.preparation.splits);
    expect(second.preparation.splits).toEqual(small.preparation.splits);
    const train = await loadTable(database, second.preparation.splits.train);
    expect(await hashTable(train)).toBe(second.preparation.splits.train);
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

describe('prepare (job): rows without a target, and columns no model could use', () => {
  async function imported(name: string, text: string) {
    const database = createDb(`prepare-job-${crypto.randomUUID()}`);
    dbs.push(database);
    const blob = new Blob([text]);
    const r = await importFile({ file: { name, size: blob.size, stream: () => blob.stream() } }, { database });
    return { database, source: r.hash, dataset: r.datasetId };
  }

  it('leaves out the rows without a target, records how many on the preparation, and reads older records without it', async () => {
    // penguins.csv: Body Mass (g) is empty in 2 of 344 rows (rows 4 and 340).
    const { database, source, dataset } = await withPenguins();
    const steps = [
      { kind: 'impute', columns: '*numeric', strategy: 'mean' },
      { kind: 'impute', columns: ['Sex'], strategy: 'most_frequent' },
      { kind: 'onehot', columns: ['Species', 'Island', 'Sex'] },
    ];
    const r = await prepare({ source, recipe: { target: 'Body Mass (g)', steps }, split: { seed: 42 } }, { database });
    if (r.status !== 'saved') throw new Error('expected saved');
    expect(r.preparation.excluded).toEqual({ missingTarget: 2 });
    expect(r.report.split.excluded).toEqual({ missingTarget: 2 });
    const { train, validation, test } = r.preparation.sizes;
    expect(train + validation + test).toBe(342);
    const [stored] = await listPreparations(database, dataset);
    expect(stored.excluded).toEqual({ missingTarget: 2 });
    expect((stored.report as { split: { excluded: unknown } }).split.excluded).toEqual({ missingTarget: 2 });

    // A preparation stored before the field existed reads as before, without it.
    const { excluded: _, ...old } = stored;
    await database.preparations.put({ ...old, id: 'older', created: stored.created - 1 });
    const both = await listPreparations(database, dataset);
    expect(both.map((p) => [p.id, p.excluded])).toEqual([[stored.id, { missingTarget: 2 }], ['older', undefined]]);
  });

  it('refuses a date-parts step that keeps its date before saving, naming the column, and stores nothing', async () => {
    const days = Array.from({ length: 40 }, (_, i) => `2024-0${1 + (i % 9)}-1${i % 10},${(i * 37) % 100},${i % 3 ? 'yes' : 'no'}`);
    const { database, source } = await imported('days.csv', 'day,x,y\n' + days.join('\n'));
    const steps = [{ kind: 'date-parts', column: 'day', parts: ['year', 'month', 'weekday'] }];
    await expect(prepare({ source, recipe: { target: 'y', steps }, split: { seed: 1 } }, { database })).rejects.toMatchObject({
      code: 'invalid-recipe',
      message: expect.stringContaining('"day" (datetime): step 1 (date-parts) made new columns from it but kept "day" itself: drop it'),
    });
    expect(await database.preparations.count()).toBe(0);
    expect(await database.versions.count()).toBe(1);
    // With dropOriginal the same recipe is saved, and its prepared splits hold only numbers.
    const ok = await prepare({ source, recipe: { target: 'y', steps: [{ ...steps[0], dropOriginal: true }] }, split: { seed: 1 } }, { database });
    if (ok.status !== 'saved') throw new Error('expected saved');
    const t = await loadTable(database, ok.preparation.splits.train);
    expect(t.columns.map((c) => [c.name, c.type])).toEqual([['day_year', 'integer'], ['day_month', 'integer'], ['day_weekday', 'integer'], ['x', 'integer'], ['y', 'categorical']]);
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

  it('previews a step before a broken one: step k applies steps 0..k only', async () => {
    const { database, source } = await withPenguins();
    const broken = { kind: 'derive', name: 'ratio', expression: '`Beak Length (mm)` / (`Beak Depth (mm)`' };
    const p = await previewStep(source, { ...recipe, target: 'Species', steps: [...recipe.steps, broken] }, { seed: 42 }, 2, database);
    expect(p.after).toEqual({ rows: 206, columns: 10 });
    // The broken step's own preview says what is wrong with it.
    await expect(previewStep(source, { target: 'Species', steps: [broken] }, { seed: 42 }, 0, database)).rejects.toMatchObject({ message: expect.stringMatching(/^Step 1 \(derive\)/) });
  });
});

describe('checkRecipe (job)', () => {
  it('marks a scale step over a text column on the training rows, and gives the columns after each step that runs', async () => {
    const { database, source } = await withPenguins();
    const r = await checkRecipe(source, { target: 'Species', steps: [{ kind: 'onehot', columns: ['Island'] }, { kind: 'scale', columns: ['Sex'], method: 'minmax' }] }, { seed: 42 }, database);
    // 344 penguins less 0 without a species, 60% of them for training (the split the preview uses too).
    expect(r.sampled).toBe(206);
    expect(r.steps[0]).toMatchObject({ status: 'ok', columns: expect.arrayContaining([{ name: 'Island=Dream', type: 'integer' }]) });
    expect(r.steps[1]).toMatchObject({ status: 'broken', column: 'Sex', problem: expect.stringMatching(/^Step 2 \(scale\): column "Sex" is categorical/) });
  });

  it('checks a source larger than it loads on its first rows only, split the same way', async () => {
    const database = createDb(`prepare-job-${crypto.randomUUID()}`);
    dbs.push(database);
    const rows = Array.from({ length: 300 }, (_, i) => `${i % 7},${i % 2 ? 'yes' : 'no'},${['a', 'b', 'c'][i % 3]}`);
    const blob = new Blob(['x,y,c\n' + rows.join('\n')]);
    const { hash } = await importFile({ file: { name: 'rows.csv', size: blob.size, stream: () => blob.stream() } }, { database });
    const check = () => checkRecipe(hash, { target: 'y', steps: [{ kind: 'scale', columns: ['c'], method: 'minmax' }] }, { seed: 42 }, database, { loadRows: 100 });
    // Still held from its import: all 300 rows, 60% of them (180) for training.
    expect((await check()).sampled).toBe(180);
    // Not held (a page reloaded, say): past a limit of 100 rows, the first 100, 60% of them (60) for training.
    dropSource();
    const r = await check();
    expect(r.sampled).toBe(60);
    expect(r.steps[0]).toMatchObject({ status: 'broken', column: 'c' });
  });
});

describe('prepare (job) after an import', () => {
  it('starts from the table the import kept, reading nothing back, and stores what a prepare read from storage stores', async () => {
    const { database, source } = await withPenguins();
    const store = chunkStore(database);
    let reads = 0;
    setChunkStore(database, { ...store, read: (...args) => (reads++, store.read(...args)) });
    const req = { source, recipe: { ...recipe, target: 'Species' }, split: { seed: 42 } };
    const kept = await prepare(req, { database });
    expect(reads).toBe(0);
    dropSource();
    const read = await prepare(req, { database });
    expect(reads).toBeGreaterThan(0);
    if (kept.status !== 'saved' || read.status !== 'saved') throw new Error('expected saved preparations');
    expect(kept.preparation.splits).toEqual(read.preparation.splits);
    expect(kept.report).toEqual(read.report);
  });
});
