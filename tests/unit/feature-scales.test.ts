import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { unscaledFeatures } from '../../src/lib/core/feature-scales.ts';
import { readTable } from '../../src/lib/core/io/index.ts';
import { prepareTable } from '../../src/lib/core/prepare.ts';
import { profileTable, type Profile } from '../../src/lib/core/profile.ts';

async function preparedTrain(path: string, target: string, steps: unknown[]): Promise<Profile> {
  const blob = new Blob([readFileSync(path)]);
  const table = (await readTable({ name: path.split('/').pop()!, size: blob.size, stream: () => blob.stream() })).table;
  return profileTable(prepareTable(table, { target, steps }, { split: { seed: 42, method: 'random' } }).splits.train) as Profile;
}

/** A profile of numeric features with the given ranges (only what the check reads). */
function ranges(cols: [string, number, number][]): Profile {
  return { columns: cols.map(([name, min, max]) => ({ name, type: 'float', min, max })) } as unknown as Profile;
}

const seattle = 'node_modules/vega-datasets/data/seattle-weather.csv';
const parts = { kind: 'date-parts', column: 'date', parts: ['year', 'month', 'weekday'], dropOriginal: true };

describe('unscaledFeatures (the Train page warning before a network meets unscaled features)', () => {
  it("warns before an MLP trains on seattle-weather's date_year (2012–2015) beside small features", async () => {
    // The file's dates run from 2012-01-01 to 2015-12-31; a 60% random split keeps rows of every year.
    const w = unscaledFeatures(await preparedTrain(seattle, 'weather', [parts]), 'weather', 'mlp');
    expect(w?.large).toEqual([{ name: 'date_year', min: 2012, max: 2015 }]);
    expect(w?.ratio).toBeGreaterThanOrEqual(100);
  });

  it('says nothing once a scale step follows the date parts', async () => {
    const profile = await preparedTrain(seattle, 'weather', [parts, { kind: 'scale', columns: '*numeric', method: 'minmax' }]);
    expect(unscaledFeatures(profile, 'weather', 'mlp')).toBeNull();
    expect(unscaledFeatures(profile, 'weather', 'logistic')).toBeNull();
  });

  it('warns for logistic regression on penguins one-hot encoded but not scaled, naming Body Mass (g) against a 0–1 column', async () => {
    const profile = await preparedTrain('static/samples/penguins.csv', 'Species', [
      { kind: 'impute', columns: '*numeric', strategy: 'median' },
      { kind: 'impute', columns: ['Sex'], strategy: 'most_frequent' },
      { kind: 'onehot', columns: ['Island', 'Sex'] },
    ]);
    const w = unscaledFeatures(profile, 'Species', 'logistic');
    expect(w?.large[0].name).toBe('Body Mass (g)');
    expect(w?.small).toMatchObject({ min: 0, max: 1 });
  });

  it('leaves linear regression and unknown algorithms alone', () => {
    const p = ranges([['year', 2012, 2015], ['share', 0, 1]]);
    expect(unscaledFeatures(p, 'y', 'linear')).toBeNull();
    expect(unscaledFeatures(p, 'y', 'knn')).not.toBeNull();
    expect(unscaledFeatures(p, 'y', 'auto')).not.toBeNull();
  });

  it('draws the line at sizes 100 times apart, or a feature beyond ±1000, and ignores the target and all-zero features', () => {
    expect(unscaledFeatures(ranges([['a', 0, 99], ['b', -1, 1]]), 'y', 'mlp')).toBeNull();
    expect(unscaledFeatures(ranges([['a', -100, 3], ['b', 0, 1]]), 'y', 'mlp')).toEqual({ large: [{ name: 'a', min: -100, max: 3 }], small: { name: 'b', min: 0, max: 1 }, ratio: 100 });
    expect(unscaledFeatures(ranges([['a', 1000, 1200], ['b', 500, 900]]), 'y', 'mlp')?.large).toEqual([{ name: 'a', min: 1000, max: 1200 }]);
    expect(unscaledFeatures(ranges([['y', 0, 5000], ['b', 0, 1], ['zero', 0, 0]]), 'y', 'mlp')).toBeNull();
  });
});
