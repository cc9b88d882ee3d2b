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

  it('suggests the parts of a date column, dropping the date', async () => {
    const table = await read('node_modules/vega-datasets/data/seattle-weather.csv');
    const s = suggest(profileTable(table) as Profile, 'weather', []);
    expect(s.map((x) => x.step)).toContainEqual({ kind: 'date-parts', column: 'date', parts: ['year', 'month', 'weekday'], dropOriginal: true });
  });
});
