/**
 * `bin`: numeric → integer bin number, as scikit-learn 1.2's KBinsDiscretizer(encode='ordinal'): edges fitted on
 * training rows, equal width (numpy.linspace(min, max, bins + 1)) or quantiles (numpy.percentile at
 * linspace(0, 100, bins + 1), dropping bins narrower than 1e-8 as sklearn does). A value's bin is the number of
 * inner edges ≤ it (searchsorted side='right'), so values outside the training range fall in the first or last bin.
 * A constant column has one bin (0). Missing stays missing (sklearn rejects NaN; here it is ignored when fitting).
 */
import * as v from 'valibot';
import type { NumericColumn, Table } from '../../table.ts';
import { withColumn } from '../../table-ops.ts';
import { columnsAt, NUMBER_COLUMNS, resolveColumns } from '../select.ts';
import { namesTarget, takeOut } from '../target-guard.ts';
import type { StepKind } from '../types.ts';
import { checkType, parseParams, percentile, selectorSchema, showSelector, sortedValues } from './shared.ts';

const KIND = 'bin';
const schema = v.strictObject({
  columns: selectorSchema,
  method: v.picklist(['width', 'quantile']),
  bins: v.pipe(v.number(), v.integer(), v.minValue(2), v.maxValue(1000)),
});
export type BinParams = v.InferOutput<typeof schema>;
/** edges: all edges, first = training minimum, last = maximum; empty when the training rows held no value. */
export interface BinState {
  columns: { name: string; edges: number[] }[];
}

export const bin: StepKind<BinParams, BinState> = {
  kind: KIND,
  describe: (p) => `Bin ${showSelector(p.columns)} into ${p.bins} ${p.method === 'width' ? 'equal-width' : 'equal-count (quantile)'} bins`,
  parse: (spec, ctx) => parseParams(schema, spec, ctx, KIND),
  targetConflict: (p, target) =>
    namesTarget(p.columns, target) ? { message: `replaces the target column "${target}" by bin numbers: the model would predict bins, not "${target}". ${takeOut(target)}` } : undefined,
  fit(table, p, ctx) {
    const names = resolveColumns(table, p.columns, ctx, KIND, NUMBER_COLUMNS);
    return { columns: names.map((name) => ({ name, edges: binEdges(sortedValues(table.columns.find((c) => c.name === name) as NumericColumn), p) })) };
  },
  apply(table, _p, state, ctx) {
    let out: Table = table;
    const byName = new Map(state.columns.map((s) => [s.name, s.edges]));
    for (const col of columnsAt(table, state.columns.map((s) => s.name), ctx, KIND)) {
      checkType(col, NUMBER_COLUMNS, ctx, KIND);
      out = withColumn(out, binColumn(col as NumericColumn, byName.get(col.name)!));
    }
    return out;
  },
};

/** numpy.linspace(start, stop, num): i·step + start, the last exactly stop. */
function linspace(start: number, stop: number, num: number): number[] {
  const step = (stop - start) / (num - 1);
  return Array.from({ length: num }, (_, i) => (i === num - 1 ? stop : i * step + start));
}

export function binEdges(sorted: Float64Array, p: Pick<BinParams, 'method' | 'bins'>): number[] {
  const n = sorted.length;
  if (n === 0) return [];
  const min = sorted[0], max = sorted[n - 1];
  if (min === max) return [min, max];
  if (p.method === 'width') return linspace(min, max, p.bins + 1);
  const edges = linspace(0, 100, p.bins + 1).map((q) => percentile(sorted, q));
  // np.ediff1d(edges, to_begin=inf) > 1e-8: compared with the previous edge before removal, as sklearn.
  return edges.filter((e, i) => i === 0 || e - edges[i - 1] > 1e-8);
}

function binColumn(col: NumericColumn, edges: number[]): NumericColumn {
  const n = col.values.length;
  const values = new Float64Array(n);
  const valid = new Uint8Array(n);
  const inner = edges.slice(1, -1);
  for (let i = 0; i < n; i++) {
    const x = col.values[i];
    if (!col.valid[i] || !Number.isFinite(x) || edges.length === 0) continue;
    // Bisect: the number of inner edges ≤ x.
    let lo = 0, hi = inner.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (inner[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    values[i] = lo;
    valid[i] = 1;
  }
  return { kind: 'numeric', name: col.name, type: 'integer', values, valid };
}
