import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { suggest } from '../../src/lib/components/recipe-builder/suggest.ts';
import { readTable } from '../../src/lib/core/io/index.ts';
import { profileTable, type Profile } from '../../src/lib/core/profile.ts';
import { prepareTable } from '../../src/lib/core/prepare.ts';
import type { Table } from '../../src/lib/core/table.ts';

async function read(path: string): Promise<Table> {
  const bytes = readFileSync(path);
  const blob = new Blob([bytes]);
  return (await readTable({ name: path.split('/').pop()!, size: blob.size, stream: () => blob.stream() })).table;
}

/** What a person gets by clicking "Add" on the first suggestion until none is left (as the e2e tests do). */
function everySuggestion(profile: Profile, target: string): Record<string, unknown>[] {
  const steps: Record<string, unknown>[] = [];
  for (let i = 0; i < 50; i++) {
    const next = suggest(profile, target, steps)[0];
    if (!next) break;
    steps.push(next.step);
  }
  return steps;
}

const cases: [string, string[]][] = [
  ['node_modules/vega-datasets/data/movies.json', ['IMDB Rating', 'Worldwide Gross', 'Major Genre', 'Rotten Tomatoes Rating']],
  ['node_modules/vega-datasets/data/seattle-weather.csv', ['weather', 'temp_max']],
  ['node_modules/vega-datasets/data/cars.json', ['Origin', 'Miles_per_Gallon']],
  ['static/samples/penguins.csv', ['Species', 'Body Mass (g)']]
];

describe('recipe suggestions', () => {
  for (const [path, targets] of cases) {
    it(`taken together, make every column of ${path.split('/').pop()} ready for models (Prepare saves, Train can use it)`, async () => {
      const table = await read(path);
      const profile = profileTable(table) as Profile;
      for (const target of targets) {
        const steps = everySuggestion(profile, target);
        expect(() => prepareTable(table, { target, steps }, { split: { seed: 42, method: 'random' } }), target).not.toThrow();
      }
    });
  }

  it('drops the mostly missing columns of movies.json instead of imputing them', async () => {
    // python3: of 3201 movies, 'US DVD Sales' is None in 2637 (82%) and 'Running Time min' in 1992 (62%);
    // 'Rotten Tomatoes Rating' in 880 (27%): under half, so it is filled in.
    const table = await read('node_modules/vega-datasets/data/movies.json');
    const steps = everySuggestion(profileTable(table) as Profile, 'IMDB Rating');
    const drop = steps.find((s) => s.kind === 'drop-columns');
    expect(drop?.columns).toEqual(expect.arrayContaining(['US DVD Sales', 'Running Time min']));
    expect(drop?.columns).not.toContain('Rotten Tomatoes Rating');
    expect(steps.indexOf(drop!)).toBe(0); // dropped before any impute could fill them in
    const out = prepareTable(table, { target: 'IMDB Rating', steps }, { split: { seed: 42, method: 'random' } });
    const names = out.splits.train.columns.map((c) => c.name);
    expect(names).not.toContain('US DVD Sales');
    expect(names).not.toContain('Running Time min');
    expect(names).toContain('Rotten Tomatoes Rating');
  });

  it('fills the numeric gaps of movies.json with one impute over the numeric columns, not one step per column', async () => {
    const table = await read('node_modules/vega-datasets/data/movies.json');
    const steps = everySuggestion(profileTable(table) as Profile, 'IMDB Rating');
    const imputes = steps.filter((s) => s.kind === 'impute');
    // One over the numbers (5 with gaps: US Gross, Worldwide Gross, Production Budget, Rotten Tomatoes Rating,
    // IMDB Votes), one over the categories with gaps (MPAA Rating, Source, Major Genre, Creative Type).
    expect(imputes).toEqual([
      { kind: 'impute', columns: '*numeric', strategy: 'median' },
      { kind: 'impute', columns: ['MPAA Rating', 'Source', 'Major Genre', 'Creative Type'], strategy: 'most_frequent' }
    ]);
  });

  it("turns seattle-weather's date into parts, then scales them with the rest: date_year 2012–2015 becomes 0–1", async () => {
    // The file's dates run from 2012-01-01 to 2015-12-31 (its first and last rows).
    const table = await read('node_modules/vega-datasets/data/seattle-weather.csv');
    const steps = everySuggestion(profileTable(table) as Profile, 'weather');
    const parts = steps.findIndex((s) => s.kind === 'date-parts');
    const scale = steps.findIndex((s) => s.kind === 'scale');
    expect(parts).toBeGreaterThanOrEqual(0);
    expect(scale).toBeGreaterThan(parts);
    const train = prepareTable(table, { target: 'weather', steps }, { split: { seed: 42, method: 'random' } }).splits.train;
    const year = train.columns.find((c) => c.name === 'date_year');
    if (year?.kind !== 'numeric') throw new Error('expected a numeric date_year');
    expect(Math.min(...year.values)).toBe(0);
    expect(Math.max(...year.values)).toBe(1);
  });

  it('suggests scaling again when a step that makes numbers comes after the scale step', async () => {
    const table = await read('node_modules/vega-datasets/data/seattle-weather.csv');
    const profile = profileTable(table) as Profile;
    const steps = [{ kind: 'scale', columns: '*numeric', method: 'minmax' }, { kind: 'date-parts', column: 'date', parts: ['year', 'month'], dropOriginal: true }];
    const again = suggest(profile, 'weather', steps).find((s) => s.step.kind === 'scale');
    expect(again?.text).toMatch(/^Scale date_year and date_month to 0–1 \(min–max\) again, at the end\?/);
    expect(suggest(profile, 'weather', [...steps, again!.step]).find((s) => s.step.kind === 'scale')).toBeUndefined();
  });

  it('takes back each suggestion once its step is in the recipe (cars.json: drop Name, date parts of Year, one impute, scale)', async () => {
    const table = await read('node_modules/vega-datasets/data/cars.json');
    const steps = everySuggestion(profileTable(table) as Profile, 'Origin');
    expect(steps.map((s) => s.kind)).toEqual(['drop-columns', 'date-parts', 'impute', 'scale']);
    expect(steps[0]).toEqual({ kind: 'drop-columns', columns: ['Name'] });
  });

  it('suggests the parts of a date column, dropping the date', async () => {
    const table = await read('node_modules/vega-datasets/data/seattle-weather.csv');
    const s = suggest(profileTable(table) as Profile, 'weather', []);
    expect(s.map((x) => x.step)).toContainEqual({ kind: 'date-parts', column: 'date', parts: ['year', 'month', 'weekday'], dropOriginal: true });
  });
});
