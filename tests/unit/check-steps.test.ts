import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkSteps, type StepCheck } from '../../src/lib/core/recipe/check-steps.ts';
import { readTable } from '../../src/lib/core/io/index.ts';
import type { Table } from '../../src/lib/core/table.ts';

async function penguins(): Promise<Table> {
  const blob = new Blob([readFileSync('static/samples/penguins.csv')]);
  return (await readTable({ name: 'penguins.csv', size: blob.size, stream: () => blob.stream() })).table;
}

const ok = expect.objectContaining({ status: 'ok' });
const broken = (problem: RegExp, column?: string) => expect.objectContaining({ status: 'broken', problem: expect.stringMatching(problem), ...(column ? { column } : {}) });
const impute = { kind: 'impute', columns: '*numeric', strategy: 'median' };

// Each row: a recipe whose last step is broken (or fine), what the checker says of every step. The columns are the
// penguins header (static/samples/penguins.csv): Species, Island, Beak Length (mm), Beak Depth (mm),
// Flipper Length (mm), Body Mass (g), Sex; Island and Sex are categorical, the four measures numeric.
const cases: [string, unknown[], unknown[]][] = [
  ['marks a scale step over a text column, naming it, and keeps the steps before it',
    [impute, { kind: 'scale', columns: ['Island'], method: 'minmax' }],
    [ok, broken(/^Step 2 \(scale\): column "Island" is categorical; scale works on numeric/, 'Island')]],
  ['marks a formula with a syntax error, with the position, and keeps the steps before it',
    [impute, { kind: 'derive', name: 'ratio', expression: '`Beak Length (mm)` / (`Beak Depth (mm)`' }],
    [ok, broken(/^Step 2 \(derive\): .*expected "\)"/i)]],
  ['marks a formula over a column that is not there, naming it',
    [{ kind: 'derive', name: 'ratio', expression: '`Beak Length` / `Beak Depth (mm)`' }],
    [broken(/^Step 1 \(derive\).*Beak Length/)]],
  ['marks a one-hot of a column an earlier step dropped: the column does not exist at that point of the recipe',
    [{ kind: 'drop-columns', columns: ['Island'] }, { kind: 'onehot', columns: ['Island'] }],
    [ok, broken(/^Step 2 \(onehot\): there is no column "Island"/, 'Island')]],
  ['marks a column name with a typo and offers the nearest name',
    [{ kind: 'impute', columns: ['Body Mas (g)'], strategy: 'median' }],
    [broken(/^Step 1 \(impute\): there is no column "Body Mas \(g\)"\. Did you mean "Body Mass \(g\)"\?/)]],
  ['marks a median impute of a categorical column',
    [{ kind: 'impute', columns: ['Sex'], strategy: 'median' }],
    [broken(/^Step 1 \(impute\): column "Sex" is categorical; impute works on numeric/, 'Sex')]],
  ['marks date parts of a column that is not a date',
    [{ kind: 'date-parts', column: 'Island', parts: ['year'] }],
    [broken(/^Step 1 \(date-parts\): column "Island" is categorical, not a date/, 'Island')]],
  ['marks a step with a parameter missing before any data is read',
    [{ kind: 'scale', columns: '*numeric' }],
    [broken(/^Step 1 \(scale\): parameter "method" is required/)]],
  ['marks a step that reads the target',
    [{ kind: 'scale', columns: ['Body Mass (g)'], method: 'minmax' }],
    [broken(/^Step 1 \(scale\) rescales the target column "Body Mass \(g\)"/)]],
  ['accepts a scale of the columns one-hot encoding made, since they exist at that point',
    [{ kind: 'onehot', columns: ['Island'] }, { kind: 'scale', columns: ['Island=Biscoe'], method: 'minmax' }],
    [ok, ok]],
];

describe('checkSteps (each step checked at its place in the recipe)', () => {
  for (const [name, steps, expected] of cases) {
    it(name, async () => {
      const target = name.includes('reads the target') ? 'Body Mass (g)' : 'Species';
      const r = checkSteps(await penguins(), { target, steps });
      expect(r.steps).toEqual(expected);
    });
  }

  it('gives the columns after each step that runs (what the next step may name)', async () => {
    const r = checkSteps(await penguins(), { target: 'Species', steps: [{ kind: 'onehot', columns: ['Island'] }] });
    expect(r.columns.map((c) => c.name)).toEqual(['Species', 'Island', 'Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)', 'Sex']);
    const after = (r.steps[0] as Extract<StepCheck, { status: 'ok' }>).columns.map((c) => c.name);
    // Penguins' islands, in the code-point order one-hot sorts categories in, where Island was.
    expect(after).toEqual(['Species', 'Island=Biscoe', 'Island=Dream', 'Island=Torgersen', 'Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)', 'Sex']);
  });

  it('leaves the steps after a broken one unchecked (their columns depend on it), but still checks their parameters', async () => {
    const r = checkSteps(await penguins(), {
      target: 'Species',
      steps: [{ kind: 'scale', columns: ['Sex'], method: 'minmax' }, { kind: 'onehot', columns: ['Sex'] }, { kind: 'scale', columns: '*numeric', method: 'sideways' }],
    });
    expect(r.steps).toEqual([broken(/column "Sex" is categorical/), { status: 'unchecked', after: 0 }, broken(/^Step 3 \(scale\): method/)]);
  });
});
