import { describe, expect, it } from 'vitest';
import { applyRecipe, describeRecipe, fitRecipe, KNOWN_KINDS, parseRecipe, STEP_KINDS } from '../../src/lib/core/recipe/index.ts';
import type { FittedRecipe, Recipe } from '../../src/lib/core/recipe/types.ts';
import type { Column, NumericColumn, Table } from '../../src/lib/core/table.ts';
import { numericColumn, stringColumn, takeRows } from '../../src/lib/core/table-ops.ts';
import { prepareTable } from '../../src/lib/core/prepare.ts';
import { seeded } from '../../src/lib/core/random.ts';
import { errorOf } from './errors.ts';

function num(name: string, xs: (number | null)[], type: NumericColumn['type'] = 'float'): Column {
  return numericColumn(name, type, Float64Array.from(xs, (x) => x ?? 0), Uint8Array.from(xs, (x) => (x === null ? 0 : 1)));
}
function table(...columns: Column[]): Table {
  return { rowCount: columns[0].valid.length, columns };
}
function cells(t: Table, name: string): (number | null)[] {
  const c = t.columns.find((x) => x.name === name) as NumericColumn;
  return Array.from(c.values, (v, i) => (c.valid[i] ? v : null));
}

/** 20 penguin-like rows: numbers with gaps, a category with gaps, a boolean, a date, a duplicate row and a target. */
const source = table(
  num('mass', [3750, 3800, null, 3250, 3450, 3650, 3625, 4675, 3475, 4250, 3300, 3700, 3200, 3800, 4400, 3700, 3450, 4500, 3325, 3750]),
  num('flipper', [181, 186, 195, null, 193, 190, 181, 195, 193, 190, 186, 180, 182, 191, 198, 185, 195, 197, 184, 181], 'integer'),
  stringColumn('island', 'categorical', ['Torgersen', 'Biscoe', 'Dream', null, 'Biscoe', 'Dream', 'Torgersen', 'Biscoe', 'Dream', 'Dream', 'Biscoe', 'Torgersen', 'Dream', 'Biscoe', 'Dream', 'Torgersen', 'Biscoe', 'Dream', 'Biscoe', 'Torgersen']),
  num('male', [1, 0, 0, null, 0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 0, 1, 0, 1], 'boolean'),
  num('seen', Array.from({ length: 20 }, (_, i) => Date.UTC(2007, 10, 1 + i, i % 24)), 'datetime'),
  stringColumn('species', 'categorical', Array.from({ length: 20 }, (_, i) => (i % 3 === 0 ? 'Adelie' : i % 3 === 1 ? 'Gentoo' : 'Chinstrap'))),
);
source.columns.forEach((c) => c.kind === 'numeric' && (c.values[19] = c.values[0])); // row 20 duplicates row 1
(source.columns[2] as { codes: Int32Array }).codes[19] = (source.columns[2] as { codes: Int32Array }).codes[0];
(source.columns[5] as { codes: Int32Array }).codes[19] = (source.columns[5] as { codes: Int32Array }).codes[0];

const ALL_KINDS: Recipe = parseRecipe({
  target: 'species',
  steps: [
    { kind: 'drop-duplicates' },
    { kind: 'drop-missing', axis: 'columns', threshold: 0.5 },
    { kind: 'impute', columns: ['mass'], strategy: 'median', indicator: true },
    { kind: 'impute', columns: '*categorical', strategy: 'most_frequent' },
    { kind: 'outliers', columns: ['mass'], method: 'iqr', action: 'remove' },
    { kind: 'cast', column: 'flipper', to: 'float' },
    'mass_kg = `mass` / 1000',
    { kind: 'derive', name: 'long', expression: 'flipper > 190' },
    { kind: 'date-parts', column: 'seen', parts: ['month', 'weekday'], dropOriginal: true },
    { kind: 'bin', columns: ['flipper'], method: 'quantile', bins: 3 },
    { kind: 'ordinal', columns: ['long'] },
    { kind: 'onehot', columns: ['island'], maxCategories: 2, unknown: 'infrequent' },
    { kind: 'scale', columns: '*numeric', method: 'standard' },
    { kind: 'drop-columns', columns: ['mass_was_missing'] },
    { kind: 'keep-columns', columns: '*' },
  ],
});
/** A copy where the chosen rows' numbers are ×1e6 + 7, their island is "Atlantis" and their date missing. */
function mutate(t: Table, pick: (row: number) => boolean): Table {
  return table(
    ...t.columns.map((c): Column => {
      if (c.kind === 'string') {
        if (c.name !== 'island') return c;
        const codes = c.codes.map((k, i) => (pick(i) ? c.dictionary.length : k));
        return { ...c, codes, dictionary: [...c.dictionary, 'Atlantis'], valid: c.valid.map((ok, i) => (pick(i) ? 1 : ok)) };
      }
      if (c.type === 'datetime') return { ...c, valid: c.valid.map((ok, i) => (pick(i) ? 0 : ok)) };
      if (c.type === 'boolean') return c;
      return { ...c, values: c.values.map((x, i) => (pick(i) ? x * 1e6 + 7 : x)) };
    }),
  );
}
const idx = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const trainRows = takeRows(source, idx(0, 14));
const testRows = takeRows(source, idx(14, 20));

describe('registry and parseRecipe', () => {
  it('registers every step kind once', () => {
    expect(KNOWN_KINDS).toEqual(['drop-missing', 'impute', 'drop-duplicates', 'outliers', 'cast', 'scale', 'onehot', 'ordinal', 'bin', 'date-parts', 'derive', 'drop-columns', 'keep-columns']);
    for (const k of KNOWN_KINDS) expect(STEP_KINDS.get(k)!.kind).toBe(k);
  });

  it('rejects an unknown kind, naming the step and the known kinds', () => {
    const e = errorOf(() => parseRecipe({ steps: [{ kind: 'drop-duplicates' }, { kind: 'scal', columns: '*', method: 'minmax' }] }));
    expect(e.code).toBe('invalid-recipe');
    expect(e.message).toBe(`Step 2: unknown step kind "scal" (known: ${KNOWN_KINDS.join(', ')}).`);
  });

  it('rejects bad parameters, naming the step, kind and parameter', () => {
    expect(errorOf(() => parseRecipe({ steps: [{ kind: 'scale', columns: '*', method: 'zscore' }] })).message).toBe(
      'Step 1 (scale): method: expected ("minmax" | "standard" | "robust"), got "zscore"',
    );
    expect(errorOf(() => parseRecipe({ steps: [{ kind: 'scale', colums: '*', method: 'minmax' }] })).message).toMatch(/^Step 1 \(scale\): (unknown parameter "colums"|parameter "columns" is required)$/);
    expect(errorOf(() => parseRecipe({ steps: [{ kind: 'scale', method: 'minmax' }] })).message).toBe('Step 1 (scale): parameter "columns" is required');
    expect(errorOf(() => parseRecipe({ steps: [{ kind: 'scale', columns: '*numerc', method: 'minmax' }] })).message).toBe(
      'Step 1 (scale): columns: expected a list of column names or one of "*", "*numeric", "*categorical", "*datetime"',
    );
    expect(errorOf(() => parseRecipe({ steps: [{ kind: 'drop-missing', axis: 'rows', threshold: 1.5 }] })).message).toBe('Step 1 (drop-missing): threshold: Expected <=1 but received 1.5');
    expect(errorOf(() => parseRecipe({ steps: [{ kind: 'bin', columns: ['a'], method: 'width', bins: 1 }] })).message).toMatch(/^Step 1 \(bin\): bins: /);
  });

  it('rejects a recipe that is not { target?, steps }', () => {
    expect(errorOf(() => parseRecipe([])).message).toMatch(/^A recipe is \{ "target"\?: "column", "steps": \[ … \] \}/);
    expect(errorOf(() => parseRecipe({ steps: [], targt: 'y' })).message).toMatch(/unknown field "targt"/);
    expect(errorOf(() => parseRecipe({ steps: [42] })).message).toMatch(/^Step 1: a step is an object with a "kind"/);
    expect(errorOf(() => parseRecipe('{"steps": [')).message).toMatch(/^The recipe is not valid JSON/);
    expect(parseRecipe('{"target": "y", "steps": ["z = 1"]}')).toEqual({ target: 'y', steps: [{ kind: 'derive', expression: 'z = 1' }] });
  });

  it('describes each step in one line', () => {
    expect(describeRecipe(ALL_KINDS).slice(0, 4)).toEqual([
      'Drop duplicate rows (keep the first)',
      'Drop columns with more than 50% missing values among all columns',
      'Impute the median of mass (with missing-value indicators)',
      'Impute the most frequent value of all categorical columns',
    ]);
    expect(describeRecipe(ALL_KINDS)[6]).toBe('Derive mass_kg = `mass` / 1000');
  });
});

describe('fitRecipe learns from the training rows only', () => {
  it('min-max fitted on train [0..10] maps a test value of 20 to 2.0, not 1.0', () => {
    const trainT = table(num('x', [0, 2, 4, 6, 8, 10]));
    const { fitted } = fitRecipe(trainT, parseRecipe({ steps: [{ kind: 'scale', columns: ['x'], method: 'minmax' }] }));
    expect(cells(applyRecipe(table(num('x', [20, -10, 5])), fitted, 'eval'), 'x')).toEqual([2, -1, 0.5]);
  });

  it('gives the same fitted state when the validation and test rows change wildly', () => {
    const trainIdx = idx(0, 14);
    const before = JSON.stringify(fitRecipe(takeRows(source, trainIdx), ALL_KINDS).fitted);
    // Rows 14..19 (validation/test) scaled by a million, shifted, given a new island and a missing date.
    const wild = mutate(source, (i) => i >= 14);
    const after = fitRecipe(takeRows(wild, trainIdx), ALL_KINDS);
    expect(JSON.stringify(after.fitted)).toBe(before);
    // Replaying on the wild rows does not move the state either.
    applyRecipe(takeRows(wild, idx(14, 20)), after.fitted, 'eval');
    expect(JSON.stringify(after.fitted)).toBe(before);
    // Control: the same change to one training row does move it.
    expect(JSON.stringify(fitRecipe(takeRows(mutate(source, (i) => i === 3), trainIdx), ALL_KINDS).fitted)).not.toBe(before);
  });

  it('fits each step on the previous steps\' output (a median after dropping duplicates, a scale after imputing)', () => {
    const t = table(num('x', [1, 1, 1, 10, null]));
    const { fitted, table: out } = fitRecipe(t, parseRecipe({ steps: [{ kind: 'drop-duplicates' }, { kind: 'impute', columns: ['x'], strategy: 'median' }, { kind: 'scale', columns: ['x'], method: 'minmax' }] }));
    expect(fitted.steps[1].state).toEqual({ columns: [{ name: 'x', fill: 5.5 }] });
    expect(cells(out, 'x')[2]).toBeCloseTo(0.5, 15); // 5.5 · (1/9) - 1/9, in MinMaxScaler's arithmetic
  });

  it('reports progress per step and stops when cancelled', () => {
    const seen: string[] = [];
    fitRecipe(trainRows, ALL_KINDS, { onProgress: (p) => seen.push(`${p.done}/${p.steps}`) });
    expect(seen[0]).toBe('0/15');
    expect(seen.at(-1)).toBe('15/15');
    const ctl = new AbortController();
    ctl.abort();
    expect(errorOf(() => fitRecipe(trainRows, ALL_KINDS, { signal: ctl.signal })).code).toBe('cancelled');
  });

  it('stops a step that would remove the target', () => {
    expect(errorOf(() => fitRecipe(trainRows, { target: 'species', steps: [{ kind: 'onehot', columns: ['species'] }] })).message).toBe(
      'Step 1 (onehot) makes features from the target column "species": a model would see the answer. Take "species" out of this step.',
    );
  });
});

describe('fitted recipes are plain JSON', () => {
  it('round-trips through JSON.stringify / JSON.parse and replays identical tables in every mode', () => {
    const { fitted, table: preparedTrain } = fitRecipe(trainRows, ALL_KINDS);
    const copy = JSON.parse(JSON.stringify(fitted)) as FittedRecipe;
    expect(copy).toEqual(fitted);
    expect(applyRecipe(trainRows, copy, 'train')).toEqual(preparedTrain);
    for (const mode of ['train', 'eval', 'predict'] as const) expect(applyRecipe(testRows, copy, mode)).toEqual(applyRecipe(testRows, fitted, mode));
  });

  it('applies every step kind in a full recipe and keeps the target', () => {
    const { table: t } = fitRecipe(trainRows, ALL_KINDS);
    expect(t.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'mass:float', 'flipper:float', 'island=Dream:float', 'island_other:float', 'male:boolean', 'seen_month:float', 'seen_weekday:float', 'species:categorical', 'mass_kg:float', 'long:float',
    ]);
    const { fitted } = fitRecipe(trainRows, ALL_KINDS);
    const withDup = takeRows(source, [...idx(14, 20), 19]);
    const { lo, hi } = (fitted.steps[4].state as { columns: { lo: number; hi: number }[] }).columns[0];
    const outliers = cells(testRows, 'mass').filter((m) => m !== null && (m < lo || m > hi)).length;
    expect(outliers).toBeGreaterThan(0);
    // eval drops the repeated row and the outliers; predict never drops a row (drop-duplicates, outliers remove).
    expect(applyRecipe(withDup, fitted, 'eval').rowCount).toBe(7 - 1 - outliers);
    expect(applyRecipe(withDup, fitted, 'predict').rowCount).toBe(7);
    const noTarget: Table = { rowCount: testRows.rowCount, columns: testRows.columns.filter((c) => c.name !== 'species') };
    expect(applyRecipe(noTarget, fitRecipe(trainRows, ALL_KINDS).fitted, 'predict').columns.some((c) => c.name === 'species')).toBe(false);
  });

  it('keeps NaN out of the state (null instead) when a column has no training values', () => {
    const t = table(num('x', [null, null]), num('y', [1, 2]));
    const { fitted } = fitRecipe(t, parseRecipe({ steps: [{ kind: 'scale', columns: ['x'], method: 'standard' }, { kind: 'impute', columns: ['x'], strategy: 'mean' }] }));
    expect(fitted.steps.map((s) => s.state)).toEqual([{ columns: [{ name: 'x', center: null, scale: null }] }, { columns: [{ name: 'x', fill: null }] }]);
  });
});

describe('bad inputs name the step and the column', () => {
  const t = table(num('age', [30, 40]), stringColumn('species', 'categorical', ['a', 'b']));
  const cases: [string, unknown[], string][] = [
    ['a column that does not exist', [{ kind: 'drop-duplicates' }, { kind: 'drop-duplicates' }, { kind: 'scale', columns: ['agee'], method: 'minmax' }], 'Step 3 (scale): there is no column "agee". Did you mean "age"? Columns: age, species'],
    ['scaling a categorical column', [{ kind: 'scale', columns: ['species'], method: 'robust' }], 'Step 1 (scale): column "species" is categorical; scale works on numeric (integer or float) columns.'],
    ['mean-imputing a string column', [{ kind: 'drop-duplicates' }, { kind: 'impute', columns: ['species'], strategy: 'mean' }], 'Step 2 (impute): column "species" is categorical; impute works on numeric (integer or float) columns.'],
    ['binning a categorical column', [{ kind: 'bin', columns: ['species'], method: 'width', bins: 3 }], 'Step 1 (bin): column "species" is categorical; bin works on numeric (integer or float) columns.'],
    ['clipping outliers of a categorical column', [{ kind: 'outliers', columns: ['species'], method: 'zscore', action: 'clip' }], 'Step 1 (outliers): column "species" is categorical; outliers works on numeric (integer or float) columns.'],
    ['casting a column that does not exist', [{ kind: 'cast', column: 'Age', to: 'float' }], 'Step 1 (cast): there is no column "Age". Did you mean "age"? Columns: age, species'],
  ];
  for (const [what, steps, message] of cases) {
    it(`${what}`, () => {
      const e = errorOf(() => fitRecipe(t, parseRecipe({ steps })));
      expect(e.code).toBe('invalid-recipe');
      expect(e.message).toBe(message);
      expect(e.detail).toMatchObject({ step: steps.length - 1 });
    });
  }

  it('a column whose type changed in a later table (text where numbers were fitted)', () => {
    const { fitted } = fitRecipe(t, parseRecipe({ steps: [{ kind: 'scale', columns: ['age'], method: 'minmax' }] }));
    const later = table(stringColumn('age', 'categorical', ['thirty']), stringColumn('species', 'categorical', ['a']));
    expect(errorOf(() => applyRecipe(later, fitted, 'predict')).message).toBe('Step 1 (scale): column "age" is categorical; scale works on numeric (integer or float) columns.');
  });
});

describe('the target is the answer: no step may read it into a feature or rewrite it', () => {
  // A random 0/1 target (seeded): any step that lets a feature see it would score far above chance.
  const rand = seeded(7);
  const n = 60;
  const leaky = table(
    num('x', Array.from({ length: n }, (_, i) => i % 7)),
    num('y', Array.from({ length: n }, () => rand.int(2)), 'integer'),
    num('when', Array.from({ length: n }, (_, i) => Date.UTC(2020, 0, 1 + i)), 'datetime'),
    stringColumn('kind', 'categorical', Array.from({ length: n }, (_, i) => (i % 2 ? 'a' : 'b'))),
  );
  const refusal = (recipe: unknown) => {
    const e = errorOf(() => parseRecipe(recipe));
    expect(e.code).toBe('invalid-recipe');
    return e;
  };

  it('refuses a derive step that reads the target, naming the step', () => {
    const e = refusal({ target: 'y', steps: [{ kind: 'drop-duplicates' }, { kind: 'cast', column: 'x', to: 'float' }, 'leak = y * 1'] });
    expect(e.message).toBe('Step 3 (derive "leak") reads the target column "y": a model would see the answer. Remove it or derive from other columns.');
    expect(e.detail).toMatchObject({ step: 2, kind: 'derive', column: 'y' });
    // However the target is written or hidden in the formula.
    for (const f of ['leak = `y` + 0', 'leak = if(x > 3, 0, y)', 'leak = max(x, abs(y - 1))']) expect(refusal({ target: 'y', steps: [f] }).message).toMatch(/^Step 1 \(derive "leak"\) reads the target column "y"/);
    expect(refusal({ target: 'y', steps: [{ kind: 'derive', name: 'leak', expression: 'y > 0' }] }).message).toMatch(/^Step 1 \(derive "leak"\) reads the target/);
  });

  it('refuses a derive step that overwrites the target, naming the step', () => {
    const e = refusal({ target: 'y', steps: ['y = x * 2'] });
    expect(e.message).toBe('Step 1 (derive "y") overwrites the target column "y": the model would learn this formula instead of "y". Give the new column another name.');
    expect(refusal({ target: 'y', steps: ['y = log(y + 1)'] }).message).toMatch(/^Step 1 \(derive "y"\) overwrites the target column "y"/);
  });

  it('refuses at fit when the target arrives with the data rather than in the recipe (the CLI --target, the split settings)', () => {
    const recipe = parseRecipe({ steps: ['leak = y * 1'] }); // no target yet: nothing to check
    expect(errorOf(() => fitRecipe(leaky, { ...recipe, target: 'y' })).message).toMatch(/^Step 1 \(derive "leak"\) reads the target column "y"/);
    expect(errorOf(() => prepareTable(leaky, { steps: ['leak = y * 1'] }, { split: { target: 'y', seed: 1 } })).message).toMatch(/^Step 1 \(derive "leak"\) reads the target/);
    expect(errorOf(() => prepareTable(leaky, { target: 'y', steps: ['y = x * 2'] }, { split: { seed: 1 } })).message).toMatch(/^Step 1 \(derive "y"\) overwrites the target/);
    // Without a target the same formula is an ordinary feature.
    expect(cells(fitRecipe(leaky, recipe).table, 'leak')).toEqual(cells(leaky, 'y'));
  });

  const cases: [string, unknown, string][] = [
    ['impute', { kind: 'impute', columns: ['x', 'y'], strategy: 'most_frequent' }, 'Step 2 (impute) fills in missing values of the target column "y": the model would learn, and be scored on, answers the step made up. Take "y" out of this step.'],
    ['scale', { kind: 'scale', columns: ['y'], method: 'standard' }, 'Step 2 (scale) rescales the target column "y": predictions would come out in scaled units, and nothing scales them back. Take "y" out of this step (wildcards such as "*numeric" already leave the target out).'],
    ['outliers (clip)', { kind: 'outliers', columns: ['y'], method: 'iqr', action: 'clip' }, 'Step 2 (outliers) changes the values of the target column "y": the model would be trained and scored on changed answers. Take "y" out of this step (wildcards such as "*numeric" already leave the target out).'],
    ['outliers (remove)', { kind: 'outliers', columns: ['x', 'y'], method: 'zscore', action: 'remove' }, 'Step 2 (outliers) removes rows by the value of the target column "y", in the validation and test splits too: scores would look better than they are. Take "y" out of this step.'],
    ['onehot', { kind: 'onehot', columns: ['y'], dropOriginal: false }, 'Step 2 (onehot) makes features from the target column "y": a model would see the answer. Take "y" out of this step.'],
    ['ordinal', { kind: 'ordinal', columns: ['kind', 'y'] }, 'Step 2 (ordinal) replaces the target column "y" by category codes: the model would predict codes, not "y". Take "y" out of this step (to make a numeric target\'s values classes, cast it to categorical).'],
    ['bin', { kind: 'bin', columns: ['y'], method: 'width', bins: 2 }, 'Step 2 (bin) replaces the target column "y" by bin numbers: the model would predict bins, not "y". Take "y" out of this step.'],
    ['date-parts', { kind: 'date-parts', column: 'y', parts: ['year'] }, 'Step 2 (date-parts) makes features from the target column "y": a model would see the answer. Take "y" out of this step.'],
    ['drop-columns', { kind: 'drop-columns', columns: ['y'] }, 'Step 2 (drop-columns) drops the target column "y": there would be nothing to predict. Take "y" out of this step, or choose another target.'],
    ['drop-missing (columns)', { kind: 'drop-missing', axis: 'columns', columns: ['y'] }, 'Step 2 (drop-missing) would drop the target column "y" when it has missing values: there would be nothing to predict. Take "y" out of this step.'],
  ];
  for (const [what, step, message] of cases) {
    it(`refuses ${what} on the target, naming the step`, () => {
      const e = refusal({ target: 'y', steps: [{ kind: 'drop-duplicates' }, step] });
      expect(e.message).toBe(message);
      expect(e.detail).toMatchObject({ step: 1, kind: (step as { kind: string }).kind, column: 'y' });
      // The Prepare page's step list says the same, on the step.
      expect(describeRecipe({ target: 'y', steps: [{ kind: 'drop-duplicates' }, step as never] })[1]).toBe(message);
    });
  }

  it('allows the steps that leave the answer as it is: cast, drop-missing rows, drop-duplicates, keep-columns, wildcards', () => {
    const steps = [
      { kind: 'cast', column: 'y', to: 'categorical' }, // "these 0/1 codes are classes": the same cast on every split
      { kind: 'drop-missing', axis: 'rows', columns: ['x', 'y'] },
      { kind: 'drop-duplicates' },
      { kind: 'scale', columns: '*', method: 'minmax' },
      { kind: 'impute', columns: '*', strategy: 'most_frequent' },
      { kind: 'outliers', columns: '*numeric', method: 'iqr', action: 'remove' },
      { kind: 'keep-columns', columns: ['x'] },
    ];
    const { table: out } = fitRecipe(leaky, parseRecipe({ target: 'y', steps }));
    expect(out.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['x:float', 'y:categorical']);
    const y = out.columns[1] as { codes: Int32Array; dictionary: string[] };
    expect(Array.from(y.codes, (k) => y.dictionary[k])).toEqual(cells(leaky, 'y').map(String));
  });

  it('still replays a fitted recipe saved before this check, so a model trained with one keeps predicting', () => {
    const old: FittedRecipe = { target: 'y', steps: [{ spec: { kind: 'scale', columns: ['x', 'y'], method: 'minmax' }, state: { columns: [{ name: 'x', center: 0, scale: 6 }, { name: 'y', center: 0, scale: 1 }] } }] };
    const rows = table(num('x', [3, 6]));
    expect(cells(applyRecipe(rows, old, 'predict'), 'x')).toEqual([0.5, 1]);
  });
});
