/**
 * `outliers`: bounds fitted on training rows, per column: IQR (q1 - f·IQR, q3 + f·IQR, quartiles by numpy's linear
 * interpolation, f default 1.5) or z-score (mean ± f·std with ddof 0, f default 3). `clip` pulls values to the bounds;
 * `remove` drops rows with any value outside them on train and eval splits, and clips at prediction time (every
 * incoming row needs an answer). Missing cells are neither outliers nor changed.
 */
import * as v from 'valibot';
import type { NumericColumn, Table } from '../../table.ts';
import { filterRows, withColumn } from '../../table-ops.ts';
import { columnsAt, NUMBER_COLUMNS, resolveColumns } from '../select.ts';
import { namesTarget, takeOut } from '../target-guard.ts';
import type { StepKind } from '../types.ts';
import { checkType, mean, note, parseParams, percentile, presentValues, selectorSchema, showSelector, sortedValues, std } from './shared.ts';

const KIND = 'outliers';
const schema = v.strictObject({
  columns: selectorSchema,
  method: v.picklist(['iqr', 'zscore']),
  factor: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0))),
  action: v.picklist(['clip', 'remove']),
});
export type OutliersParams = v.InferOutput<typeof schema>;
/** lo/hi null: the training rows held no value, so nothing is an outlier. */
export interface OutliersState {
  columns: { name: string; lo: number | null; hi: number | null }[];
}

const factorOf = (p: OutliersParams) => p.factor ?? (p.method === 'iqr' ? 1.5 : 3);

export const outliers: StepKind<OutliersParams, OutliersState> = {
  kind: KIND,
  describe: (p) =>
    `${p.action === 'clip' ? 'Clip' : 'Remove rows with'} outliers (${p.method === 'iqr' ? `beyond ${factorOf(p)}×IQR` : `|z| > ${factorOf(p)}`}) in ${showSelector(p.columns)}`,
  parse: (spec, ctx) => parseParams(schema, spec, ctx, KIND),
  targetConflict(p, target) {
    if (!namesTarget(p.columns, target)) return undefined;
    if (p.action === 'remove') return { message: `removes rows by the value of the target column "${target}", in the validation and test splits too: scores would look better than they are. ${takeOut(target)}` };
    return { message: `changes the values of the target column "${target}": the model would be trained and scored on changed answers. ${takeOut(target, true)}` };
  },
  fit(table, p, ctx) {
    const f = factorOf(p);
    const names = resolveColumns(table, p.columns, ctx, KIND, NUMBER_COLUMNS);
    return {
      columns: names.map((name) => {
        const col = table.columns.find((c) => c.name === name) as NumericColumn;
        const sorted = sortedValues(col);
        if (sorted.length === 0) return { name, lo: null, hi: null };
        if (p.method === 'zscore') {
          const inOrder = presentValues(col);
          const m = mean(inOrder), s = std(inOrder, m);
          return { name, lo: m - f * s, hi: m + f * s };
        }
        const q1 = percentile(sorted, 25), q3 = percentile(sorted, 75);
        return { name, lo: q1 - f * (q3 - q1), hi: q3 + f * (q3 - q1) };
      }),
    };
  },
  apply(table, p, state, ctx) {
    const bounds = new Map(state.columns.map((s) => [s.name, s]));
    const cols = columnsAt(table, state.columns.map((s) => s.name), ctx, KIND) as NumericColumn[];
    for (const c of cols) checkType(c, NUMBER_COLUMNS, ctx, KIND);
    if (p.action === 'remove' && ctx.mode !== 'predict') {
      const keep = new Uint8Array(table.rowCount).fill(1);
      for (const c of cols) {
        const { lo, hi } = bounds.get(c.name)!;
        if (lo === null || hi === null) continue;
        for (let i = 0; i < keep.length; i++) if (c.valid[i] && (c.values[i] < lo || c.values[i] > hi)) keep[i] = 0;
      }
      const dropped = keep.length - keep.reduce((a, b) => a + b, 0);
      if (dropped === 0) return table;
      note(ctx, KIND, `removed ${dropped} of ${table.rowCount} rows with outliers.`);
      return filterRows(table, keep);
    }
    let out: Table = table;
    for (const c of cols) {
      const { lo, hi } = bounds.get(c.name)!;
      if (lo !== null && hi !== null) out = withColumn(out, clip(c, lo, hi));
    }
    return out;
  },
};

/** Clipped copy; an integer column stays integer only when both bounds are whole (the type never depends on the rows). */
function clip(c: NumericColumn, lo: number, hi: number): NumericColumn {
  const values = new Float64Array(c.values.length);
  for (let i = 0; i < values.length; i++) values[i] = c.valid[i] ? Math.min(hi, Math.max(lo, c.values[i])) : 0;
  const type = c.type === 'integer' && Number.isInteger(lo) && Number.isInteger(hi) ? 'integer' : 'float';
  return { ...c, type, values, valid: c.valid.slice() };
}
