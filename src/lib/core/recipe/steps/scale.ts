/**
 * `scale`: scikit-learn's MinMaxScaler (to [0, 1]), StandardScaler (ddof 0) and RobustScaler (median, IQR 25–75).
 * Every method is stored as (x - center) / scale. A constant column gets scale 1 (as sklearn's
 * _handle_zeros_in_scale). Missing cells stay missing and are ignored when fitting, as sklearn ignores NaN.
 */
import * as v from 'valibot';
import type { NumericColumn, Table } from '../../table.ts';
import { withColumn } from '../../table-ops.ts';
import { mappedFrom } from '../../sorted-lineage.ts';
import { indicatorBits, indicatorColumn } from '../../indicator-column.ts';
import { columnsAt, NUMBER_COLUMNS, resolveColumns } from '../select.ts';
import { namesTarget, takeOut } from '../target-guard.ts';
import type { StepKind } from '../types.ts';
import { checkType, median, parseParams, percentile, presentMean, presentStd, selectorSchema, showSelector, sortedEnds, sortedValues } from './shared.ts';

const KIND = 'scale';
const schema = v.strictObject({ columns: selectorSchema, method: v.picklist(['minmax', 'standard', 'robust']) });
export type ScaleParams = v.InferOutput<typeof schema>;

/** center/scale are null when the training rows held no value (the column then passes through unchanged). */
export interface ScaleState {
  columns: { name: string; center: number | null; scale: number | null }[];
}

const WORDS = { minmax: 'Min-max scale (to 0–1)', standard: 'Standardise (mean 0, standard deviation 1)', robust: 'Robust-scale (median 0, IQR 1)' };

export const scale: StepKind<ScaleParams, ScaleState> = {
  kind: KIND,
  describe: (p) => `${WORDS[p.method]}: ${showSelector(p.columns)}`,
  parse: (spec, ctx) => parseParams(schema, spec, ctx, KIND),
  targetConflict: (p, target) =>
    namesTarget(p.columns, target) ? { message: `rescales the target column "${target}": predictions would come out in scaled units, and nothing scales them back. ${takeOut(target, true)}` } : undefined,
  fit(table, p, ctx) {
    const names = resolveColumns(table, p.columns, ctx, KIND, NUMBER_COLUMNS);
    return { columns: names.map((name) => ({ name, ...fitColumn(table.columns.find((c) => c.name === name) as NumericColumn, p.method) })) };
  },
  apply(table, p, state, ctx) {
    let out: Table = table;
    const byName = new Map(state.columns.map((s) => [s.name, s]));
    for (const col of columnsAt(table, state.columns.map((s) => s.name), ctx, KIND)) {
      checkType(col, NUMBER_COLUMNS, ctx, KIND);
      const { center, scale: s } = byName.get(col.name)!;
      out = withColumn(out, transform(col as NumericColumn, center ?? 0, s ?? 1, p.method === 'minmax'));
    }
    return out;
  },
};

function fitColumn(col: NumericColumn, method: ScaleParams['method']): { center: number | null; scale: number | null } {
  // Min-max and standard scaling need no sorted copy: the ends of one come from a single pass.
  const sorted = method === 'robust' ? sortedValues(col) : null;
  const { n, min, max } = sorted ? { n: sorted.length, min: sorted[0], max: sorted[sorted.length - 1] } : sortedEnds(col);
  if (n === 0) return { center: null, scale: null };
  // A constant column: centre on the value itself so every output is exactly 0 (no rounding residue from a mean).
  if (min === max) return { center: min, scale: 1 };
  switch (method) {
    case 'minmax':
      return { center: min, scale: max - min };
    case 'standard': {
      const m = presentMean(col); // sums in row order, as numpy
      return { center: m, scale: presentStd(col, m) || 1 };
    }
    case 'robust':
      return { center: median(sorted!), scale: percentile(sorted!, 75) - percentile(sorted!, 25) || 1 };
  }
}

/** (x - center) / s; min-max in MinMaxScaler's own arithmetic, x · (1/s) + (0 - center · (1/s)), so it matches to the bit. */
function transform(col: NumericColumn, center: number, s: number, minmax: boolean): NumericColumn {
  // A one-hot indicator onto itself (centre 0, scale 1: min-max of a 0/1 column): the same 0/1 values, as floats, and
  // still bits — scaling 120 indicators at 1.2M rows had made and written 1.2 GB of doubles (10 s).
  const bits = indicatorBits(col);
  if (bits && center === 0 && s === 1) return indicatorColumn(col.name, bits, col.valid, col.valid.length, 'float');
  const n = col.values.length;
  const values = new Float64Array(n);
  const valid = new Uint8Array(n);
  const mul = 1 / s, add = 0 - center * mul;
  for (let i = 0; i < n; i++) {
    const x = col.values[i];
    if (!col.valid[i] || !Number.isFinite(x)) continue;
    values[i] = minmax ? x * mul + add : (x - center) / s;
    valid[i] = 1;
  }
  const out: NumericColumn = { kind: 'numeric', name: col.name, type: 'float', values, valid };
  // The same expressions, non-decreasing in x (s > 0): the output sorts from the input's counts (sorted-lineage.ts).
  if (s > 0) mappedFrom(out, col, minmax ? (x) => x * mul + add : (x) => (x - center) / s);
  return out;
}
