import { describe, expect, it } from 'vitest';
import { applyRecipe, fitRecipe, type Recipe } from '../../src/lib/core/recipe/index.ts';
import type { Table } from '../../src/lib/core/table.ts';
import { fusedFeatureMatrix } from '../../src/lib/ml/fused-matrix.ts';
import { featureMatrix } from '../../src/lib/ml/matrix.ts';
import { columnsOf, penguinsTable } from './tables.ts';

/** A seeded table with the cells that make steps differ: gaps, ±Infinity, a boolean, rare and unseen categories. */
function synthetic(n: number, seed: number, unseen = false): Table {
  let s = seed >>> 0;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const levels = ['a', 'b', 'b', 'c', 'c', 'c', 'd', 'rare'];
  return columnsOf({
    x: Array.from({ length: n }, () => (rand() < 0.1 ? null : rand() < 0.02 ? pick([Infinity, -Infinity]) : (rand() - 0.3) * 1e3)),
    k: Array.from({ length: n }, () => (rand() < 0.05 ? null : Math.floor(rand() * 50))),
    flag: Array.from({ length: n }, () => rand() < 0.5),
    colour: Array.from({ length: n }, () => (rand() < 0.08 ? null : unseen && rand() < 0.1 ? 'never-seen' : pick(levels))),
    size: Array.from({ length: n }, () => pick(['S', 'M', 'L'])),
    y: Array.from({ length: n }, () => pick(['yes', 'no']))
  });
}

const recipes: [string, Recipe][] = [
  ['impute, scale, one-hot', { target: 'y', steps: [{ kind: 'impute', columns: '*numeric', strategy: 'mean' }, { kind: 'impute', columns: '*categorical', strategy: 'most_frequent' }, { kind: 'scale', columns: '*numeric', method: 'standard' }, { kind: 'onehot', columns: '*categorical' }] }],
  ['scale before impute, min-max', { target: 'y', steps: [{ kind: 'scale', columns: ['x', 'k'], method: 'minmax' }, { kind: 'impute', columns: ['x', 'k'], strategy: 'median' }, { kind: 'impute', columns: ['colour'], strategy: 'constant', value: 'none' }, { kind: 'onehot', columns: ['colour', 'size', 'flag'] }] }],
  ['robust scale, max categories, unknown infrequent', { target: 'y', steps: [{ kind: 'impute', columns: '*numeric', strategy: 'most_frequent' }, { kind: 'scale', columns: '*numeric', method: 'robust' }, { kind: 'onehot', columns: ['colour', 'size'], maxCategories: 3, unknown: 'infrequent' }] }],
  ['missing categories left missing', { target: 'y', steps: [{ kind: 'impute', columns: '*numeric', strategy: 'mean' }, { kind: 'onehot', columns: ['colour', 'size'] }] }],
  ['unknown error', { target: 'y', steps: [{ kind: 'impute', columns: '*numeric', strategy: 'mean' }, { kind: 'onehot', columns: ['colour', 'size'], unknown: 'error' }] }],
  ['a gap the matrix refuses', { target: 'y', steps: [{ kind: 'scale', columns: '*numeric', method: 'standard' }, { kind: 'onehot', columns: ['colour', 'size'] }] }],
  ['a step it does not model', { target: 'y', steps: [{ kind: 'impute', columns: '*numeric', strategy: 'mean', indicator: true }, { kind: 'onehot', columns: ['colour', 'size'] }] }]
];

/** The general path's matrix, or its error. */
function reference(batch: Table, fitted: Parameters<typeof applyRecipe>[1], features: string[]): Float32Array | Error {
  try {
    return featureMatrix(applyRecipe(batch, fitted, 'predict'), fitted.target, features).X;
  } catch (err) {
    return err as Error;
  }
}

describe('fusedFeatureMatrix', () => {
  for (const [name, recipe] of recipes) {
    for (const unseen of [false, true]) {
      it(`gives applyRecipe + featureMatrix's matrix bit for bit, or null where that path fails (${name}${unseen ? ', unseen categories' : ''})`, () => {
        const { fitted, table: train } = fitRecipe(synthetic(600, 1), recipe);
        const features = train.columns.map((c) => c.name).filter((c) => c !== 'y');
        const batch = synthetic(5000, 2, unseen);
        const expected = reference(batch, fitted, features);
        const fused = fusedFeatureMatrix(batch, fitted, features);
        if (expected instanceof Error) expect(fused).toBeNull();
        else if (fused) expect(Buffer.from(fused.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
      });
    }
  }

  it('takes the fast path for the per-cell recipes and not for the others', () => {
    const fast = (recipe: Recipe, unseen = false) => {
      const { fitted, table } = fitRecipe(synthetic(600, 1), recipe);
      return fusedFeatureMatrix(synthetic(1000, 3, unseen), fitted, table.columns.map((c) => c.name).filter((c) => c !== 'y')) !== null;
    };
    expect(recipes.map(([, r]) => fast(r))).toEqual([true, true, true, true, true, false, false]);
    expect(fast(recipes[4][1], true)).toBe(false); // an unseen category under unknown 'error': the step's own message
  });

  it('agrees on penguins without a target column in the batch, with a bad value beyond float32 sent the general way', () => {
    const recipe: Recipe = { target: 'Species', steps: recipes[0][1].steps };
    const penguins = penguinsTable();
    const { fitted, table } = fitRecipe(penguins, recipe);
    const features = table.columns.map((c) => c.name).filter((c) => c !== 'Species');
    const batch: Table = { rowCount: penguins.rowCount, columns: penguins.columns.filter((c) => c.name !== 'Species') };
    const fused = fusedFeatureMatrix(batch, fitted, features)!;
    expect(Buffer.from(fused.buffer).equals(Buffer.from((reference(batch, fitted, features) as Float32Array).buffer))).toBe(true);
    const huge = columnsOf({ x: [1, 1e300], y: ['yes', 'no'] });
    const fit = fitRecipe(columnsOf({ x: [1, 2, 3], y: ['yes', 'no', 'yes'] }), { target: 'y', steps: [{ kind: 'impute', columns: ['x'], strategy: 'mean' }] });
    expect(fusedFeatureMatrix(huge, fit.fitted, ['x'])).toBeNull();
    expect(reference(huge, fit.fitted, ['x'])).toBeInstanceOf(Error);
  });
});
