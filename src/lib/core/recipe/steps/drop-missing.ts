/**
 * `drop-missing`: drop columns, or rows, whose fraction of missing cells is above `threshold` (default 0: any gap).
 * Columns are decided at fit on training rows (state: the dropped names), so every split loses the same columns.
 * Rows are a filter over the selected columns, applied to train and eval splits; at prediction time rows are never
 * dropped (every incoming row needs an answer).
 */
import * as v from 'valibot';
import type { Column } from '../../table.ts';
import { dropColumns, filterRows } from '../../table-ops.ts';
import { columnsAt, resolveColumns } from '../select.ts';
import { namesTarget, takeOut } from '../target-guard.ts';
import type { StepKind } from '../types.ts';
import { note, parseParams, selectorSchema, showSelector } from './shared.ts';

const KIND = 'drop-missing';
const schema = v.strictObject({
  axis: v.picklist(['rows', 'columns']),
  threshold: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1)), 0),
  columns: v.optional(selectorSchema, '*'),
});
export type DropMissingParams = v.InferOutput<typeof schema>;
/** columns: the dropped columns (axis columns), or the columns whose gaps are counted (axis rows). */
export interface DropMissingState {
  columns: string[];
}

export const dropMissing: StepKind<DropMissingParams, DropMissingState> = {
  kind: KIND,
  describe: (p) =>
    `Drop ${p.axis} with ${p.threshold === 0 ? 'any' : `more than ${Math.round(p.threshold * 100)}%`} missing values${p.axis === 'rows' ? ' in' : ' among'} ${showSelector(p.columns)}`,
  parse: (spec, ctx) => parseParams(schema, spec, ctx, KIND),
  // Rows with a missing target may go (they cannot be learned from); the target column itself may not.
  targetConflict: (p, target) =>
    p.axis === 'columns' && namesTarget(p.columns, target)
      ? { message: `would drop the target column "${target}" when it has missing values: there would be nothing to predict. ${takeOut(target)}` }
      : undefined,
  fit(table, p, ctx) {
    const names = resolveColumns(table, p.columns, ctx, KIND);
    if (p.axis === 'rows') return { columns: names };
    const n = table.rowCount;
    return { columns: names.filter((name) => n > 0 && missingIn(table.columns.find((c) => c.name === name)!) / n > p.threshold) };
  },
  apply(table, p, state, ctx) {
    if (p.axis === 'columns') return dropColumns(table, state.columns);
    if (ctx.mode === 'predict') return table;
    const cols = columnsAt(table, state.columns, ctx, KIND);
    if (cols.length === 0) return table;
    const n = table.rowCount;
    const missing = new Uint32Array(n);
    for (const c of cols) for (let i = 0; i < n; i++) missing[i] += isMissing(c, i) ? 1 : 0;
    const keep = new Uint8Array(n);
    let dropped = 0;
    for (let i = 0; i < n; i++) {
      keep[i] = missing[i] / cols.length > p.threshold ? 0 : 1;
      dropped += 1 - keep[i];
    }
    if (dropped === 0) return table;
    note(ctx, KIND, `dropped ${dropped} of ${n} rows.`);
    return filterRows(table, keep);
  },
};

function isMissing(c: Column, i: number): boolean {
  return !c.valid[i] || (c.kind === 'numeric' && !Number.isFinite(c.values[i]));
}

function missingIn(c: Column): number {
  let m = 0;
  for (let i = 0; i < c.valid.length; i++) if (isMissing(c, i)) m++;
  return m;
}
