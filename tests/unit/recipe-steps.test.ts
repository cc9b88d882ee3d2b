import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyRecipe, describeRecipe, fitRecipe, parseRecipe } from '../../src/lib/core/recipe/index.ts';
import type { ApplyMode, FittedRecipe, StepSpec } from '../../src/lib/core/recipe/types.ts';
import type { Column, NumericColumn, Table } from '../../src/lib/core/table.ts';
import { asTexts, numericColumn, stringColumn } from '../../src/lib/core/table-ops.ts';
import { seeded } from '../../src/lib/core/random.ts';
import { mean, median, medianOf, presentMean, presentStd, presentValues, sortedEnds, sortedValues, std } from '../../src/lib/core/recipe/steps/shared.ts';
import { errorOf } from './errors.ts';
import { indicatorBits } from '../../src/lib/core/indicator-column.ts';

/*
 * Reference values: scikit-learn 1.2.1 / numpy 1.24 / pandas 1.5.3 (Debian /usr/bin/python3), computed once into
 * tests/fixtures/sklearn-recipe.json (train and test rows included) by:
 *
 *   import json
 *   import numpy as np, pandas as pd
 *   from sklearn.preprocessing import MinMaxScaler, StandardScaler, RobustScaler, OneHotEncoder, OrdinalEncoder, KBinsDiscretizer
 *   from sklearn.impute import SimpleImputer
 *   nan = np.nan
 *   train = pd.DataFrame({
 *       'age': [22, 35, nan, 58, 41, 29, 63, 35, 47, 19],
 *       'income': [3.2, 4.8, 5.1, 7.9, 6.0, 2.5, 9.4, 4.4, 6.6, 1.8],
 *       'height': [1.62, nan, 1.80, 1.75, 1.68, 1.91, 1.55, 1.70, 1.83, 1.77],
 *       'city': ['Oslo', 'Bergen', None, 'Tromsø', 'Bergen', 'Oslo', 'Stavanger', 'Bergen', 'Oslo', 'Tromsø'],
 *       'color': ['red', 'green', 'blue', 'green', 'red', 'blue', 'green', 'yellow', 'red', 'green'],
 *       'size': ['S', 'M', 'L', 'M', 'S', 'L', 'XL', 'M', 'S', 'L'],
 *   })
 *   test = pd.DataFrame({
 *       'age': [70, nan, 10, 35], 'income': [12.0, 0.5, 5.0, 3.3], 'height': [2.0, 1.5, nan, 1.7],
 *       'city': ['Trondheim', 'Oslo', None, 'Bergen'], 'color': ['purple', 'red', 'blue', 'green'],
 *       'size': ['XXL', 'XL', 'S', 'L'],
 *   })
 *   num = ['age', 'income', 'height']
 *   def rows(a): return [[None if np.isnan(x) else float(x) for x in r] for r in np.asarray(a, dtype=float)]
 *   def records(df): return {c: [None if (isinstance(x, float) and np.isnan(x)) or x is None else x for x in df[c]] for c in df.columns}
 *   out = {'train': records(train), 'test': records(test)}
 *   for name, cls in [('minmax', MinMaxScaler), ('standard', StandardScaler), ('robust', RobustScaler)]:
 *       s = cls().fit(train[num])
 *       out[name] = {'train': rows(s.transform(train[num])), 'test': rows(s.transform(test[num]))}
 *   for strategy in ['mean', 'median', 'most_frequent']:
 *       out['impute_' + strategy] = [float(x) for x in SimpleImputer(strategy=strategy).fit(train[num]).statistics_]
 *   out['impute_most_frequent_city'] = SimpleImputer(strategy='most_frequent').fit(train[['city']].fillna(nan)).statistics_.tolist()
 *   oh = OneHotEncoder(handle_unknown='ignore', sparse_output=False).fit(train[['color']])
 *   out['onehot_ignore'] = {'names': oh.get_feature_names_out().tolist(), 'train': rows(oh.transform(train[['color']])), 'test': rows(oh.transform(test[['color']]))}
 *   for col in ['color', 'size']:
 *       oh = OneHotEncoder(handle_unknown='infrequent_if_exist', max_categories=3, sparse_output=False).fit(train[[col]])
 *       out['onehot_max3_' + col] = {'names': oh.get_feature_names_out().tolist(), 'infrequent': oh.infrequent_categories_[0].tolist(),
 *                                    'train': rows(oh.transform(train[[col]])), 'test': rows(oh.transform(test[[col]]))}
 *   oe = OrdinalEncoder(handle_unknown='use_encoded_value', unknown_value=nan).fit(train[['color']])
 *   out['ordinal'] = {'categories': oe.categories_[0].tolist(), 'test': rows(oe.transform(test[['color']]))}
 *   for strategy, n in [('uniform', 3), ('quantile', 4), ('quantile', 3)]:
 *       kb = KBinsDiscretizer(n_bins=n, encode='ordinal', strategy=strategy).fit(train[['income']])
 *       out[f'kbins_{strategy}_{n}'] = {'edges': kb.bin_edges_[0].tolist(), 'train': rows(kb.transform(train[['income']])), 'test': rows(kb.transform(test[['income']]))}
 *   inc = train['income'].to_numpy()
 *   out['iqr_income'] = [float(x) for x in np.percentile(inc, [25, 75])]
 *   out['zscore_income'] = [float(np.mean(inc)), float(np.std(inc))]
 *   print(json.dumps(out, ensure_ascii=False))
 */
type Rows = (number | null)[][];
const SK = JSON.parse(readFileSync(new URL('../fixtures/sklearn-recipe.json', import.meta.url), 'utf8')) as Record<string, any>;

function tableOf(data: Record<string, (number | string | null)[]>): Table {
  const columns = Object.entries(data).map(([name, xs]): Column => {
    if (xs.some((x) => typeof x === 'string')) return stringColumn(name, 'categorical', xs as (string | null)[]);
    const type = xs.every((x) => x === null || Number.isInteger(x)) ? 'integer' : 'float';
    return numericColumn(name, type, Float64Array.from(xs, (x) => (x as number) ?? 0), Uint8Array.from(xs, (x) => (x === null ? 0 : 1)));
  });
  return { rowCount: columns[0].valid.length, columns };
}
const train = tableOf(SK.train);
const test = tableOf(SK.test);

function fit(steps: (StepSpec | string)[], on: Table = train, target?: string): { fitted: FittedRecipe; table: Table; notes: string[] } {
  return fitRecipe(on, parseRecipe(target ? { target, steps } : { steps }));
}
function col(t: Table, name: string): Column {
  const c = t.columns.find((x) => x.name === name);
  if (!c) throw new Error(`no column ${name} in ${t.columns.map((x) => x.name).join(', ')}`);
  return c;
}
/** A numeric column's cells, null where missing. */
function cells(t: Table, name: string): (number | null)[] {
  const c = col(t, name) as NumericColumn;
  return Array.from(c.values, (v, i) => (c.valid[i] ? v : null));
}
/** Column j of sklearn's output rows. */
const column = (rows: Rows, j: number) => rows.map((r) => r[j]);
function expectClose(actual: (number | null)[], expected: (number | null)[], tol = 1e-12): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    if (expected[i] === null) expect(a, `row ${i}`).toBeNull();
    else expect(Math.abs(a! - expected[i]!), `row ${i}: ${a} vs ${expected[i]}`).toBeLessThanOrEqual(tol);
  });
}
const NUM = ['age', 'income', 'height'];

describe('scale equals scikit-learn', () => {
  for (const [method, key] of [['minmax', 'minmax'], ['standard', 'standard'], ['robust', 'robust']] as const) {
    it(`${method} matches ${key === 'minmax' ? 'MinMaxScaler' : key === 'standard' ? 'StandardScaler' : 'RobustScaler'} on train and test, missing kept missing`, () => {
      const { fitted, table } = fit([{ kind: 'scale', columns: NUM, method }]);
      const out = applyRecipe(test, fitted, 'eval');
      NUM.forEach((name, j) => {
        expectClose(cells(table, name), column(SK[key].train, j));
        expectClose(cells(out, name), column(SK[key].test, j));
        expect(col(out, name).type).toBe('float');
      });
    });
  }

  it('keeps one-hot indicators as bits when min-max scaling maps them onto themselves (the same 0/1 floats)', () => {
    const t = tableOf({ c: ['a', 'b', 'a', 'c', 'b', 'a'], x: [1, 2, 3, 4, 5, 6] });
    const onehot = { kind: 'onehot', columns: ['c'] };
    const plain = fit([onehot], t).table;
    for (const method of ['minmax', 'standard'] as const) {
      const scaled = fit([onehot, { kind: 'scale', columns: '*numeric', method }], t).table;
      for (const name of ['c=a', 'c=b', 'c=c']) {
        const out = col(scaled, name) as NumericColumn;
        expect(out.type).toBe('float');
        expect(indicatorBits(out) !== undefined, `${method} ${name}`).toBe(method === 'minmax');
        const ones = cells(plain, name) as number[];
        const mu = ones.reduce((a, b) => a + b, 0) / ones.length;
        const sd = Math.sqrt(ones.reduce((a, b) => a + (b - mu) ** 2, 0) / ones.length);
        expectClose(cells(scaled, name), method === 'minmax' ? ones : ones.map((v) => (v - mu) / sd));
      }
    }
  });

  it('maps a constant column to 0 (minmax, standard and robust) instead of dividing by zero', () => {
    const t = tableOf({ k: [0.1, 0.1, 0.1, null] });
    for (const method of ['minmax', 'standard', 'robust']) expect(cells(fit([{ kind: 'scale', columns: ['k'], method }], t).table, 'k')).toEqual([0, 0, 0, null]);
  });
});

describe('impute equals scikit-learn SimpleImputer', () => {
  for (const strategy of ['mean', 'median', 'most_frequent'] as const) {
    it(`${strategy}: the fitted fill values are SimpleImputer's statistics_`, () => {
      const { fitted, table } = fit([{ kind: 'impute', columns: NUM, strategy }]);
      const state = fitted.steps[0].state as { columns: { name: string; fill: number }[] };
      expectClose(state.columns.map((c) => c.fill), SK[`impute_${strategy}`]);
      expect(cells(table, 'age')[2]).toBe(SK[`impute_${strategy}`][0]);
      expect(cells(applyRecipe(test, fitted, 'eval'), 'height')[2]).toBe(SK[`impute_${strategy}`][2]);
    });
  }

  it('most_frequent on text breaks the Bergen/Oslo tie toward the smallest, as sklearn', () => {
    const { fitted, table } = fit([{ kind: 'impute', columns: ['city'], strategy: 'most_frequent' }]);
    expect((fitted.steps[0].state as { columns: { fill: string }[] }).columns[0].fill).toBe(SK.impute_most_frequent_city[0]);
    expect(asTexts(col(table, 'city'))[2]).toBe('Bergen');
    expect(asTexts(col(applyRecipe(test, fitted, 'eval'), 'city'))).toEqual(['Trondheim', 'Oslo', 'Bergen', 'Bergen']);
  });

  it('constant fills 0 / "missing_value" by default, or the given value; the indicator follows the column', () => {
    const { table } = fit([{ kind: 'impute', columns: ['age', 'city'], strategy: 'constant', indicator: true }]);
    expect(table.columns.map((c) => c.name)).toEqual(['age', 'age_was_missing', 'income', 'height', 'city', 'city_was_missing', 'color', 'size']);
    expect(cells(table, 'age')[2]).toBe(0);
    expect(asTexts(col(table, 'city'))[2]).toBe('missing_value');
    expect(cells(table, 'city_was_missing')).toEqual([0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
    expect(col(table, 'age_was_missing').type).toBe('integer');
    expect(cells(fit([{ kind: 'impute', columns: ['height'], strategy: 'constant', value: 1.5 }]).table, 'height')[1]).toBe(1.5);
  });

  it('turns an integer column float when the mean is not whole, and keeps it integer for a whole median', () => {
    expect(col(fit([{ kind: 'impute', columns: ['age'], strategy: 'mean' }]).table, 'age').type).toBe('float');
    expect(col(fit([{ kind: 'impute', columns: ['age'], strategy: 'median' }]).table, 'age').type).toBe('integer');
  });

  it('refuses mean on a text column and a non-numeric constant for a number column, naming step and column', () => {
    expect(errorOf(() => fit([{ kind: 'impute', columns: ['city'], strategy: 'mean' }])).message).toBe(
      'Step 1 (impute): column "city" is categorical; impute works on numeric (integer or float) columns.',
    );
    expect(errorOf(() => fit([{ kind: 'impute', columns: ['age'], strategy: 'constant', value: 'n/a' }])).message).toMatch(/^Step 1 \(impute\): the constant "n\/a" is not a valid integer value for column "age"/);
    expect(errorOf(() => parseRecipe({ steps: [{ kind: 'impute', columns: ['age'], strategy: 'mean', value: 3 }] })).message).toMatch(/only used with strategy "constant"/);
  });
});

describe('onehot equals scikit-learn OneHotEncoder', () => {
  it("handle_unknown='ignore': sorted categories, an unseen category is all zeros", () => {
    const { fitted, table } = fit([{ kind: 'onehot', columns: ['color'], unknown: 'ignore' }]);
    const names = (SK.onehot_ignore.names as string[]).map((n) => n.replace('color_', 'color='));
    expect(table.columns.map((c) => c.name)).toEqual(['age', 'income', 'height', 'city', ...names, 'size']);
    const out = applyRecipe(test, fitted, 'eval');
    names.forEach((n, j) => {
      expect(cells(table, n)).toEqual(column(SK.onehot_ignore.train, j));
      expect(cells(out, n)).toEqual(column(SK.onehot_ignore.test, j));
      expect(col(out, n).type).toBe('integer');
    });
  });

  for (const c of ['color', 'size']) {
    it(`maxCategories 3 on ${c} keeps sklearn's frequent categories (ties included) and folds the rest into ${c}_other`, () => {
      const ref = SK[`onehot_max3_${c}`];
      const { fitted, table } = fit([{ kind: 'onehot', columns: [c], maxCategories: 3, unknown: 'infrequent' }]);
      expect((fitted.steps[0].state as { columns: { infrequent: string[] }[] }).columns[0].infrequent).toEqual(ref.infrequent);
      const names = (ref.names as string[]).map((n) => n.replace(`${c}_infrequent_sklearn`, `${c}_other`).replace(`${c}_`, `${c}=`).replace(`${c}=other`, `${c}_other`));
      const out = applyRecipe(test, fitted, 'eval');
      names.forEach((n, j) => {
        expect(cells(table, n)).toEqual(column(ref.train, j));
        expect(cells(out, n)).toEqual(column(ref.test, j));
      });
    });
  }

  it('keeps the original with dropOriginal false, encodes booleans as false/true, and gives missing cells all zeros', () => {
    const t: Table = { rowCount: 3, columns: [numericColumn('ok', 'boolean', Float64Array.of(1, 0, 0), Uint8Array.of(1, 1, 0))] };
    const { table } = fit([{ kind: 'onehot', columns: '*categorical', dropOriginal: false }], t);
    expect(table.columns.map((c) => c.name)).toEqual(['ok', 'ok=false', 'ok=true']);
    expect(cells(table, 'ok=false')).toEqual([0, 1, 0]);
    expect(cells(table, 'ok=true')).toEqual([1, 0, 0]);
  });

  it("unknown 'error' names the value and the row", () => {
    const { fitted } = fit([{ kind: 'onehot', columns: ['color'], unknown: 'error' }]);
    expect(errorOf(() => applyRecipe(test, fitted, 'eval')).message).toBe(
      'Step 1 (onehot): column "color" has the category "purple" at row 1, which the training rows did not have (set unknown to "ignore" or "infrequent" to accept new categories).',
    );
  });

  it('refuses a numeric column, naming step and column', () => {
    expect(errorOf(() => fit([{ kind: 'drop-duplicates' }, { kind: 'onehot', columns: ['income'] }])).message).toBe(
      'Step 2 (onehot): column "income" is float; onehot works on categorical, text or boolean columns.',
    );
  });
});

describe('ordinal equals scikit-learn OrdinalEncoder', () => {
  it('codes sorted categories 0..k-1; an unseen category becomes missing', () => {
    const { fitted } = fit([{ kind: 'ordinal', columns: ['color'] }]);
    expect((fitted.steps[0].state as { columns: { categories: string[] }[] }).columns[0].categories).toEqual(SK.ordinal.categories);
    const out = applyRecipe(test, fitted, 'eval');
    expect(cells(out, 'color')).toEqual(column(SK.ordinal.test, 0));
    expect(col(out, 'color').type).toBe('integer');
  });

  it('follows a given order, and refuses an order missing a training value', () => {
    expect(cells(fit([{ kind: 'ordinal', columns: ['size'], order: { size: ['S', 'M', 'L', 'XL'] } }]).table, 'size')).toEqual([0, 1, 2, 1, 0, 2, 3, 1, 0, 2]);
    expect(errorOf(() => fit([{ kind: 'ordinal', columns: ['size'], order: { size: ['S', 'M', 'L'] } }])).message).toBe(
      'Step 1 (ordinal): column "size" has the value "XL", which is not in the given order (S, M, L).',
    );
  });
});

describe('ordinal: keys that are JavaScript names', () => {
  // Column and category names a person may well have: "constructor", "__proto__", "toString". A plain object keyed by
  // them loses them (valibot's record drops "__proto__" and "constructor"; obj["__proto__"] = … sets a prototype).
  const two = (a: string[], b: string[]): Table => ({ rowCount: a.length, columns: [stringColumn('constructor', 'categorical', a), stringColumn('__proto__', 'categorical', b)] });
  const names = two(['constructor', '__proto__', 'toString', '__proto__'], ['a', 'b', 'c', 'a']);
  const later = two(['toString', 'constructor', '__proto__', 'valueOf'], ['c', 'c', 'b', 'a']);
  // The person's orders, unlike sorted order (__proto__ < constructor < toString; a < b < c), so a fallback shows.
  /** Codes of [constructor, __proto__] (the test itself keeps such names out of object keys). */
  const ordered = (t: Table) => [cells(t, 'constructor'), cells(t, '__proto__')];

  it('keeps the given order for a column named "constructor" and categories "__proto__", "constructor", "toString" through parse → fit → JSON → apply', () => {
    const text = JSON.stringify({
      steps: [{ kind: 'ordinal', columns: ['constructor', '__proto__'], order: [{ column: 'constructor', categories: ['toString', '__proto__', 'constructor'] }, { column: '__proto__', categories: ['c', 'b', 'a'] }] }],
    });
    const { fitted, table } = fitRecipe(names, parseRecipe(JSON.parse(JSON.stringify(parseRecipe(text)))));
    expect(ordered(table)).toEqual([[2, 1, 0, 1], [2, 1, 0, 2]]);
    const copy = JSON.parse(JSON.stringify(fitted)) as FittedRecipe;
    expect(copy).toEqual(fitted);
    expect(ordered(applyRecipe(later, copy, 'eval'))).toEqual([[0, 2, 1, null], [0, 0, 1, 2]]) // valueOf was not seen: missing;
  });

  it('still loads an ordinal step stored in the old { column: order } object shape, keeping "__proto__" and "constructor" keys', () => {
    // As JSON.parse and IndexedDB (structured clone) give it back: "__proto__" an own key, not a prototype.
    const spec = structuredClone(JSON.parse('{"kind":"ordinal","columns":["constructor","__proto__"],"order":{"constructor":["toString","__proto__","constructor"],"__proto__":["c","b","a"]}}'));
    expect(Object.keys(spec.order)).toEqual(['constructor', '__proto__']);
    const { fitted, table } = fitRecipe(names, parseRecipe({ steps: [spec] }));
    expect(ordered(table)).toEqual([[2, 1, 0, 1], [2, 1, 0, 2]]);
    // A fitted recipe saved before (old spec, state as ever) replays the same.
    const saved = JSON.parse(JSON.stringify({ steps: [{ spec, state: fitted.steps[0].state }] })) as FittedRecipe;
    expect(ordered(applyRecipe(later, saved, 'predict'))).toEqual([[0, 2, 1, null], [0, 0, 1, 2]]) // valueOf was not seen: missing;
    expect(describeRecipe({ steps: [spec] })).toEqual(['Ordinal-encode constructor, __proto__ (order given for constructor, __proto__)']);
  });

  it('refuses an order given twice for one column, or for a column the step does not encode', () => {
    const twice = { kind: 'ordinal', columns: ['constructor'], order: [{ column: 'constructor', categories: ['a'] }, { column: 'constructor', categories: ['b'] }] };
    expect(errorOf(() => parseRecipe({ steps: [twice] })).message).toBe('Step 1 (ordinal): the order for column "constructor" is given twice.');
    const stray = { kind: 'ordinal', columns: ['constructor'], order: [{ column: '__proto__', categories: ['a', 'b', 'c'] }] };
    expect(errorOf(() => fitRecipe(names, parseRecipe({ steps: [stray] }))).message).toBe('Step 1 (ordinal): "order" names column "__proto__", which this step does not encode (columns: constructor).');
  });
});

describe('bin equals scikit-learn KBinsDiscretizer(encode="ordinal")', () => {
  for (const [method, strategy, bins] of [['width', 'uniform', 3], ['quantile', 'quantile', 4], ['quantile', 'quantile', 3]] as const) {
    it(`${strategy} with ${bins} bins: the same edges and bins, test values outside the range in the end bins`, () => {
      const ref = SK[`kbins_${strategy}_${bins}`];
      const { fitted, table } = fit([{ kind: 'bin', columns: ['income'], method, bins }]);
      expectClose((fitted.steps[0].state as { columns: { edges: number[] }[] }).columns[0].edges, ref.edges, 0);
      expect(cells(table, 'income')).toEqual(column(ref.train, 0));
      expect(cells(applyRecipe(test, fitted, 'eval'), 'income')).toEqual(column(ref.test, 0));
      expect(col(table, 'income').type).toBe('integer');
    });
  }

  it('puts a constant column in one bin and keeps missing cells missing', () => {
    expect(cells(fit([{ kind: 'bin', columns: ['k'], method: 'quantile', bins: 4 }], tableOf({ k: [5, 5, null, 5] })).table, 'k')).toEqual([0, 0, null, 0]);
  });
});

describe('outliers', () => {
  const [q1, q3] = SK.iqr_income as number[];
  const [mu, sd] = SK.zscore_income as number[];

  it('fits IQR bounds from numpy quartiles and z-score bounds from mean ± 3 std (ddof 0)', () => {
    const iqr = fit([{ kind: 'outliers', columns: ['income'], method: 'iqr', action: 'clip' }]).fitted.steps[0].state as { columns: { lo: number; hi: number }[] };
    expect(iqr.columns[0]).toEqual({ name: 'income', lo: q1 - 1.5 * (q3 - q1), hi: q3 + 1.5 * (q3 - q1) });
    const z = fit([{ kind: 'outliers', columns: ['income'], method: 'zscore', factor: 1, action: 'clip' }]).fitted.steps[0].state as { columns: { lo: number; hi: number }[] };
    expectClose([z.columns[0].lo, z.columns[0].hi], [mu - sd, mu + sd]);
  });

  it('clips to the training bounds; remove drops rows on train/eval but clips at prediction time', () => {
    const lo = q1 - 1.5 * (q3 - q1), hi = q3 + 1.5 * (q3 - q1);
    const clip = fit([{ kind: 'outliers', columns: ['income'], method: 'iqr', action: 'clip' }]).fitted;
    expect(cells(applyRecipe(test, clip, 'eval'), 'income')).toEqual([hi, 0.5, 5, 3.3]);
    expect(lo).toBeLessThan(0.5);
    const remove = fit([{ kind: 'outliers', columns: ['income'], method: 'iqr', action: 'remove' }]).fitted;
    expect(cells(applyRecipe(test, remove, 'eval'), 'income')).toEqual([0.5, 5, 3.3]);
    expect(cells(applyRecipe(test, remove, 'predict'), 'income')).toEqual([hi, 0.5, 5, 3.3]);
  });
});

describe('drop-missing and drop-duplicates', () => {
  const messy = tableOf({ a: [1, null, 3, 1, null], b: [null, null, 'x', null, 'y'], c: [1, 2, 3, 1, 5] });

  it('drops columns whose missing fraction in training rows is above the threshold, on every split', () => {
    const { fitted, table } = fit([{ kind: 'drop-missing', axis: 'columns', threshold: 0.5 }], messy);
    expect(table.columns.map((c) => c.name)).toEqual(['a', 'c']);
    expect(fitted.steps[0].state).toEqual({ columns: ['b'] });
    expect(applyRecipe(tableOf({ a: [1], b: ['z'], c: [2] }), fitted, 'predict').columns.map((c) => c.name)).toEqual(['a', 'c']);
  });

  it('drops rows above the threshold on train and eval but never at prediction time', () => {
    const { fitted, table, notes } = fit([{ kind: 'drop-missing', axis: 'rows', columns: ['a', 'b'] }], messy);
    expect(cells(table, 'c')).toEqual([3]);
    expect(notes).toEqual(['Step 1 (drop-missing): dropped 4 of 5 rows.']);
    expect(applyRecipe(messy, fitted, 'eval').rowCount).toBe(1);
    expect(applyRecipe(messy, fitted, 'predict').rowCount).toBe(5);
    expect(fit([{ kind: 'drop-missing', axis: 'rows', threshold: 0.5 }], messy).table.rowCount).toBe(4);
  });

  it('keeps the first of equal rows (missing equals missing) on train and eval, not at prediction time', () => {
    const { fitted, table } = fit([{ kind: 'drop-duplicates' }], messy);
    expect(cells(table, 'c')).toEqual([1, 2, 3, 5]);
    expect(applyRecipe(messy, fitted, 'predict').rowCount).toBe(5);
  });
});

describe('cast, date-parts, drop-columns and keep-columns', () => {
  it('casts text to numbers, counting the cells that cannot convert', () => {
    const t = tableOf({ n: ['1', '2.7', 'x', null, '-0.5'] });
    const { table, notes } = fit([{ kind: 'cast', column: 'n', to: 'integer' }], t);
    expect(cells(table, 'n')).toEqual([1, 2, null, null, 0]);
    expect(Object.is(cells(table, 'n')[4], 0)).toBe(true);
    expect(notes).toEqual(['Step 1 (cast): 1 of 4 values of column "n" could not become integer and are now missing.']);
    expect(cells(fit([{ kind: 'cast', column: 'n', to: 'float' }], t).table, 'n')).toEqual([1, 2.7, null, null, -0.5]);
  });

  it('casts numbers to categorical text and back, and booleans from 0/1 and true/false', () => {
    const { table } = fit([{ kind: 'cast', column: 'age', to: 'categorical' }]);
    expect(col(table, 'age')).toMatchObject({ kind: 'string', type: 'categorical' });
    expect(asTexts(col(table, 'age')).slice(0, 3)).toEqual(['22', '35', null]);
    expect(cells(fit([{ kind: 'cast', column: 'b', to: 'boolean' }], tableOf({ b: ['true', '0', 'FALSE', 'maybe'] })).table, 'b')).toEqual([1, 0, 0, null]);
  });

  it('refuses a cast that would lose every value, naming step and column', () => {
    expect(errorOf(() => fit([{ kind: 'cast', column: 'city', to: 'datetime' }])).message).toBe(
      'Step 1 (cast): none of the 9 values of column "city" can be read as datetime (e.g. "Oslo").',
    );
  });

  it('extracts UTC year, month, day, weekday (Monday = 0) and hour after the date column', () => {
    const when = numericColumn('when', 'datetime', Float64Array.of(Date.UTC(2024, 0, 1, 23, 30), Date.UTC(2023, 11, 31, 0, 0), 0), Uint8Array.of(1, 1, 0));
    const { table } = fit([{ kind: 'date-parts', column: 'when', parts: ['year', 'month', 'day', 'weekday', 'hour'] }], { rowCount: 3, columns: [when] });
    expect(table.columns.map((c) => c.name)).toEqual(['when', 'when_year', 'when_month', 'when_day', 'when_weekday', 'when_hour']);
    expect([0, 1, 2].map((i) => table.columns.slice(1).map((c) => (c.valid[i] ? (c as NumericColumn).values[i] : null)))).toEqual([
      [2024, 1, 1, 0, 23],
      [2023, 12, 31, 6, 0],
      [null, null, null, null, null],
    ]);
    expect(errorOf(() => fit([{ kind: 'date-parts', column: 'city', parts: ['year'] }])).message).toBe('Step 1 (date-parts): column "city" is categorical, not a date (cast it to datetime first).');
  });

  it('drops and keeps columns by name or wildcard; keep-columns keeps the target, drop-columns refuses it', () => {
    expect(fit([{ kind: 'drop-columns', columns: '*categorical' }]).table.columns.map((c) => c.name)).toEqual(['age', 'income', 'height']);
    expect(fit([{ kind: 'keep-columns', columns: '*numeric' }], train, 'city').table.columns.map((c) => c.name)).toEqual(['age', 'income', 'height', 'city']);
    expect(errorOf(() => fit([{ kind: 'drop-columns', columns: ['city'] }], train, 'city')).message).toBe('Step 1 (drop-columns) drops the target column "city": there would be nothing to predict. Take "city" out of this step, or choose another target.');
  });
});

describe('selectors', () => {
  it('wildcards skip the target and columns the step cannot use', () => {
    const { fitted } = fit([{ kind: 'scale', columns: '*', method: 'minmax' }], train, 'income');
    expect((fitted.steps[0].state as { columns: { name: string }[] }).columns.map((c) => c.name)).toEqual(['age', 'height']);
  });

  it('an explicit name that does not exist is an error listing the columns and the nearest name', () => {
    expect(errorOf(() => fit([{ kind: 'drop-duplicates' }, { kind: 'drop-duplicates' }, { kind: 'scale', columns: ['agee'], method: 'minmax' }])).message).toBe(
      'Step 3 (scale): there is no column "agee". Did you mean "age"? Columns: age, income, height, city, color, size',
    );
  });

  it('an explicitly named column of the wrong type is an error naming step and column', () => {
    const e = errorOf(() => fit([{ kind: 'scale', columns: ['age', 'color'], method: 'standard' }]));
    expect(e.code).toBe('invalid-recipe');
    expect(e.message).toBe('Step 1 (scale): column "color" is categorical; scale works on numeric (integer or float) columns.');
    expect(e.detail).toMatchObject({ step: 0, kind: 'scale', column: 'color' });
  });

  it('a table missing a fitted column at apply time is an error naming it (except an absent target)', () => {
    // keep-columns records the target among its columns; at prediction time there is none.
    const { fitted } = fit([{ kind: 'scale', columns: ['age'], method: 'minmax' }, { kind: 'keep-columns', columns: ['age', 'height', 'city', 'color', 'size'] }], train, 'income');
    expect((fitted.steps[1].state as { columns: string[] }).columns).toContain('income');
    const noIncome: Table = { rowCount: test.rowCount, columns: test.columns.filter((c) => c.name !== 'income') };
    expect(applyRecipe(noIncome, fitted, 'predict').columns.map((c) => c.name)).toEqual(['age', 'height', 'city', 'color', 'size']);
    const noAge: Table = { rowCount: test.rowCount, columns: test.columns.filter((c) => c.name !== 'age') };
    expect(errorOf(() => applyRecipe(noAge, fitted, 'eval' as ApplyMode)).message).toMatch(/^Step 1 \(scale\): there is no column "age"/);
  });
});

describe('order statistics without sorting', () => {
  const rng = seeded(5);
  const POOL = [0, -0, 1, -1, 2.5, -2.5, 1e-300, 7];
  const samples: Float64Array[] = [Float64Array.of(3), Float64Array.of(-0, 0), Float64Array.of(0, -0), Float64Array.of(-0, -0, 0), Float64Array.of(0, 0, -0, -0)];
  for (const n of [1, 2, 3, 4, 5, 10, 11, 601, 602, 5000, 5001]) {
    samples.push(Float64Array.from({ length: n }, () => POOL[rng.int(POOL.length)]));
    samples.push(Float64Array.from({ length: n }, () => rng.next() * 100 - 50));
    samples.push(Float64Array.from({ length: n }, () => (rng.next() < 0.5 ? 0 : rng.next() < 0.5 ? -0 : rng.int(3) - 1)));
  }

  it("medianOf is median() of the sorted values to the bit, a zero's sign included", () => {
    for (const a of samples) expect(medianOf(a.slice()), `${a.length}: ${a.slice(0, 6).join(',')}`).toBe(median(a.slice().sort()));
  });

  it('sortedEnds gives the first and last of sortedValues (NaN and ±Infinity dropped, missing slots skipped)', () => {
    for (const a of samples) {
      const values = Float64Array.from(a, (v, i) => (i % 7 === 3 ? NaN : i % 11 === 5 ? -Infinity : v));
      const c = numericColumn('x', 'float', values, Uint8Array.from(values, (_, i) => (i % 5 === 2 ? 0 : 1)));
      const sorted = sortedValues(c);
      const ends = sortedEnds(c);
      expect(ends.n).toBe(sorted.length);
      if (sorted.length) {
        expect(ends.min).toBe(sorted[0]);
        expect(ends.max).toBe(sorted[sorted.length - 1]);
      }
    }
  });

  it('minmax scaling and median imputation fit what the sorted values give', () => {
    for (const a of samples.filter((x) => x.length > 1)) {
      const t: Table = { rowCount: a.length, columns: [numericColumn('x', 'float', a, Uint8Array.from(a, (_, i) => (i % 9 === 4 ? 0 : 1)))] };
      const sorted = sortedValues(t.columns[0] as NumericColumn);
      const scale = fit([{ kind: 'scale', columns: ['x'], method: 'minmax' }], t).fitted.steps[0].state as { columns: { center: number; scale: number }[] };
      const min = sorted[0], max = sorted[sorted.length - 1];
      expect(scale.columns[0].center).toBe(min);
      expect(scale.columns[0].scale).toBe(min === max ? 1 : max - min);
      const impute = fit([{ kind: 'impute', columns: ['x'], strategy: 'median' }], t).fitted.steps[0].state as { columns: { fill: number }[] };
      expect(impute.columns[0].fill).toBe(median(sorted));
    }
  });
});

describe('mean and standard deviation read in place', () => {
  it('are mean() and std() of the copied present finite values, to the bit', () => {
    const rng = seeded(9);
    for (const n of [1, 2, 7, 1000, 100_003]) {
      const values = Float64Array.from({ length: n }, (_, i) => (i % 101 === 5 ? [NaN, Infinity, -Infinity][i % 3] : (rng.next() - 0.3) * 10 ** rng.int(6)));
      const valid = Uint8Array.from({ length: n }, () => (rng.next() < 0.1 ? 0 : 1));
      const col = { kind: 'numeric' as const, name: 'x', type: 'float' as const, values, valid };
      const copied = presentValues(col);
      const m = mean(copied);
      expect(Object.is(presentMean(col), m), `${n}`).toBe(true);
      expect(Object.is(presentStd(col, m), std(copied, m)), `${n}`).toBe(true);
    }
  });
});

describe('onehot by dictionary code', () => {
  it('encodes a dictionary with a repeated label and unused entries as the labels read', () => {
    const city = { kind: 'string' as const, name: 'city', type: 'categorical' as const, dictionary: ['Oslo', 'Lima', 'Oslo', 'never', 'Pune'], codes: Int32Array.of(0, 1, 2, 4, 0, 2, 1), valid: Uint8Array.of(1, 1, 1, 1, 1, 0, 1) };
    const t: Table = { rowCount: 7, columns: [city] };
    const { fitted, table } = fit([{ kind: 'onehot', columns: ['city'] }], t);
    expect((fitted.steps[0].state as { columns: { categories: string[] }[] }).columns[0].categories).toEqual(['Lima', 'Oslo', 'Pune']);
    expect(cells(table, 'city=Oslo')).toEqual([1, 0, 1, 0, 1, 0, 0]);
    expect(cells(table, 'city=Lima')).toEqual([0, 1, 0, 0, 0, 0, 1]);
    expect(cells(table, 'city=Pune')).toEqual([0, 0, 0, 1, 0, 0, 0]);
    const later: Table = { rowCount: 3, columns: [{ ...city, dictionary: ['Pune', 'Bergen', 'Oslo'], codes: Int32Array.of(1, 2, 0), valid: Uint8Array.of(1, 1, 1) }] };
    const out = applyRecipe(later, fitted, 'eval');
    expect(['city=Lima', 'city=Oslo', 'city=Pune'].map((n) => cells(out, n))).toEqual([[0, 0, 0], [0, 1, 0], [0, 0, 1]]);
    const strict = fit([{ kind: 'onehot', columns: ['city'], unknown: 'error' }], t).fitted;
    expect(errorOf(() => applyRecipe(later, strict, 'eval')).message).toMatch(/has the category "Bergen" at row 1,/);
  });
});
