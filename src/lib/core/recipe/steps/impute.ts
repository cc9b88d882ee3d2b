/**
 * `impute`: fill missing cells with a value learned from training rows, as scikit-learn's SimpleImputer: the mean or
 * median (numeric columns only), the most frequent value (ties go to the smallest, as sklearn), or a constant (default
 * 0 for numbers and "missing_value" for text, as sklearn). With `indicator`, a "<col>_was_missing" 0/1 column follows
 * each imputed column; unlike sklearn it is added for every imputed column, so the output columns never depend on
 * whether the training rows happened to have a gap.
 */
import * as v from 'valibot';
import { parseDate, parseNumber } from '../../infer.ts';
import type { Column, NumericColumn, StringColumn, Table } from '../../table.ts';
import { insertColumnsAfter, withColumn } from '../../table-ops.ts';
import { imputedFrom } from '../../sorted-lineage.ts';
import { columnsAt, NUMBER_COLUMNS, resolveColumns, stepError, type Accept } from '../select.ts';
import { namesTarget, takeOut } from '../target-guard.ts';
import type { StepContext, StepKind } from '../types.ts';
import { checkType, compareText, medianOf, note, parseParams, presentMean, presentValues, selectorSchema, showSelector } from './shared.ts';

const KIND = 'impute';
const schema = v.strictObject({
  columns: selectorSchema,
  strategy: v.picklist(['mean', 'median', 'most_frequent', 'constant']),
  value: v.optional(v.union([v.number(), v.string(), v.boolean()])),
  indicator: v.optional(v.boolean(), false),
});
export type ImputeParams = v.InferOutput<typeof schema>;
type Fill = number | string | null;
/** fill: a number for numeric columns (booleans 0/1, dates in ms), a string for text columns; null: nothing to fill with. */
export interface ImputeState {
  columns: { name: string; fill: Fill }[];
}

const ANY: Accept = { test: () => true, what: 'any column' };
const accepts = (p: ImputeParams) => (p.strategy === 'mean' || p.strategy === 'median' ? NUMBER_COLUMNS : ANY);

export const impute: StepKind<ImputeParams, ImputeState> = {
  kind: KIND,
  describe: (p) =>
    `Impute ${p.strategy === 'most_frequent' ? 'the most frequent value' : p.strategy === 'constant' ? `the constant ${JSON.stringify(p.value ?? 'default')}` : `the ${p.strategy}`} of ${showSelector(p.columns)}${p.indicator ? ' (with missing-value indicators)' : ''}`,
  parse(spec, ctx) {
    const p = parseParams(schema, spec, ctx, KIND);
    if (p.value !== undefined && p.strategy !== 'constant') throw stepError(ctx, KIND, `"value" is only used with strategy "constant" (strategy is "${p.strategy}").`, { parameter: 'value' });
    return p;
  },
  targetConflict: (p, target) =>
    namesTarget(p.columns, target) ? { message: `fills in missing values of the target column "${target}": the model would learn, and be scored on, answers the step made up. ${takeOut(target)}` } : undefined,
  fit(table, p, ctx) {
    const names = resolveColumns(table, p.columns, ctx, KIND, accepts(p));
    return { columns: names.map((name) => ({ name, fill: fitColumn(table.columns.find((c) => c.name === name)!, p, ctx) })) };
  },
  apply(table, p, state, ctx) {
    let out: Table = table;
    const fills = new Map(state.columns.map((s) => [s.name, s.fill]));
    for (const col of columnsAt(table, state.columns.map((s) => s.name), ctx, KIND)) {
      if (p.strategy === 'mean' || p.strategy === 'median') checkType(col, NUMBER_COLUMNS, ctx, KIND);
      const fill = fills.get(col.name)!;
      if (fill === null) note(ctx, KIND, `column "${col.name}" had no values in the training rows; its missing cells stay missing.`);
      out = withColumn(out, fill === null ? col : fillColumn(col, fill, ctx));
      if (p.indicator) {
        const name = `${col.name}_was_missing`;
        if (out.columns.some((c) => c.name === name)) throw stepError(ctx, KIND, `the indicator column "${name}" already exists.`, { column: name });
        const values = Float64Array.from(col.valid, (ok) => (ok ? 0 : 1));
        out = insertColumnsAfter(out, col.name, [{ kind: 'numeric', name, type: 'integer', values, valid: new Uint8Array(values.length).fill(1) }]);
      }
    }
    return out;
  },
};

function fitColumn(col: Column, p: ImputeParams, ctx: StepContext): Fill {
  if (p.strategy === 'constant') return constantFill(col, p.value, ctx);
  if (col.kind === 'string') return mostFrequentText(col);
  if (p.strategy === 'most_frequent') return mostFrequentNumber(presentValues(col));
  // The mean sums in row order (as numpy), in place; the median is a selection on a copy (no sort).
  if (p.strategy === 'mean') {
    const m = presentMean(col);
    return m === m || presentValues(col).length > 0 ? m : null; // NaN from no values at all: nothing to fill with
  }
  const values = presentValues(col);
  return values.length === 0 ? null : medianOf(values);
}

/** Most frequent number; ties go to the smallest (sklearn's _most_frequent via scipy.stats.mode). */
function mostFrequentNumber(values: Float64Array): Fill {
  const counts = new Map<number, number>();
  for (const x of values) counts.set(x, (counts.get(x) ?? 0) + 1);
  let best: number | null = null, bestCount = 0;
  for (const [x, n] of counts) if (n > bestCount || (n === bestCount && x < best!)) (best = x), (bestCount = n);
  return best;
}

/** Most frequent text; ties go to the smallest in code-point order (sklearn: min over the tied values). */
function mostFrequentText(col: StringColumn): Fill {
  const byCode = new Int32Array(col.dictionary.length);
  for (let i = 0; i < col.codes.length; i++) if (col.valid[i]) byCode[col.codes[i]]++;
  const counts = new Map<string, number>();
  col.dictionary.forEach((s, c) => byCode[c] && counts.set(s, (counts.get(s) ?? 0) + byCode[c]));
  let best: string | null = null, bestCount = 0;
  for (const [s, n] of counts) if (n > bestCount || (n === bestCount && compareText(s, best!) < 0)) (best = s), (bestCount = n);
  return best;
}

/** The constant as the column's kind of value; a value that cannot be one is an error naming the column. */
function constantFill(col: Column, value: number | string | boolean | undefined, ctx: StepContext): Fill {
  if (col.kind === 'string') return value === undefined ? 'missing_value' : String(value);
  if (value === undefined) return 0;
  let x = NaN;
  if (col.type === 'boolean') x = value === true || value === 1 || value === 'true' ? 1 : value === false || value === 0 || value === 'false' ? 0 : NaN;
  else if (typeof value === 'number') x = value;
  else if (typeof value === 'string') x = col.type === 'datetime' ? parseDate(value) : parseNumber(value);
  if (!Number.isFinite(x)) throw stepError(ctx, KIND, `the constant ${JSON.stringify(value)} is not a valid ${col.type} value for column "${col.name}".`, { column: col.name });
  return x;
}

function fillColumn(col: Column, fill: number | string, ctx: StepContext): Column {
  if (col.kind === 'string') {
    if (typeof fill !== 'string') throw stepError(ctx, KIND, `column "${col.name}" is ${col.type} here but was numeric when the step was fitted.`, { column: col.name });
    let code = col.dictionary.indexOf(fill);
    const dictionary = code >= 0 ? col.dictionary : [...col.dictionary, fill];
    if (code < 0) code = col.dictionary.length;
    const codes = col.codes.slice();
    for (let i = 0; i < codes.length; i++) if (!col.valid[i]) codes[i] = code;
    return { ...col, codes, dictionary, valid: new Uint8Array(codes.length).fill(1) };
  }
  if (typeof fill !== 'number') throw stepError(ctx, KIND, `column "${col.name}" is ${col.type} here but was text when the step was fitted.`, { column: col.name });
  const values = col.values.slice();
  for (let i = 0; i < values.length; i++) if (!col.valid[i] || !Number.isFinite(values[i])) values[i] = fill;
  // An integer column filled with a mean like 38.78 becomes float (sklearn's output is float throughout).
  const type: NumericColumn['type'] = col.type === 'integer' && !Number.isInteger(fill) ? 'float' : col.type;
  const out: NumericColumn = { ...col, type, values, valid: new Uint8Array(values.length).fill(1) };
  imputedFrom(out, col, fill); // sorts from the input's counts (sorted-lineage.ts)
  return out;
}
