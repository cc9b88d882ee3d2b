import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ColumnBuilder } from '../../src/lib/core/infer.ts';
import { prepareTable } from '../../src/lib/core/prepare.ts';
import { splitTable } from '../../src/lib/core/split.ts';
import type { NumericColumn, Table } from '../../src/lib/core/table.ts';

function penguins(): Table {
  const rows = JSON.parse(readFileSync('node_modules/vega-datasets/data/penguins.json', 'utf8')) as Record<string, unknown>[];
  const names = Object.keys(rows[0]);
  const columns = names.map((n) => { const b = new ColumnBuilder(n); for (const r of rows) b.pushValue(r[n]); return b.finish(); });
  return { rowCount: rows.length, columns };
}

const recipe = { target: 'Species', steps: [{ kind: 'scale', columns: ['Body Mass (g)'], method: 'minmax' }] };

describe('prepareTable', () => {
  it('fits min-max on the training rows only: the state is the train split\'s min and range', () => {
    const table = penguins();
    const out = prepareTable(table, recipe, { split: { seed: 42 } });
    const { indices } = splitTable(table, { seed: 42, target: 'Species' });
    const mass = table.columns.find((c) => c.name === 'Body Mass (g)') as NumericColumn;
    const trainValues = Array.from(indices.train).filter((i) => mass.valid[i]).map((i) => mass.values[i]);
    const min = Math.min(...trainValues), max = Math.max(...trainValues);
    const state = out.fitted.steps[0].state as { columns: { name: string; center: number; scale: number }[] };
    expect(state.columns[0].center).toBe(min);
    expect(state.columns[0].scale).toBe(max - min);
    expect(out.splits.train.rowCount).toBe(indices.train.length);
  });

  it('gives the same fitted state when every validation and test row is changed wildly (would fail on any leak)', () => {
    const table = penguins();
    const before = prepareTable(table, recipe, { split: { seed: 42 } }).fitted;
    const { indices } = splitTable(table, { seed: 42, target: 'Species' });
    const mass = table.columns.find((c) => c.name === 'Body Mass (g)') as NumericColumn;
    for (const i of [...indices.validation, ...indices.test]) { mass.values[i] = 1e9; mass.valid[i] = 1; }
    const after = prepareTable(table, recipe, { split: { seed: 42 } }).fitted;
    expect(after).toEqual(before);
  });

  it('a recipe naming a missing column is refused with the step and column named', () => {
    expect(() => prepareTable(penguins(), { target: 'Species', steps: [{ kind: 'impute', columns: ['age'], strategy: 'mean' }] })).toThrow(/Step 1 \(impute\).*"age"/s);
  });
});
