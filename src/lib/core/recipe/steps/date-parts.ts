/**
 * `date-parts`: integer columns "<col>_year", "<col>_month" (1–12), "<col>_day" (1–31), "<col>_weekday" (Monday = 0,
 * as pandas dt.weekday) and "<col>_hour", in UTC, inserted right after the date column. The date column stays unless
 * dropOriginal is set (models cannot use it directly, but later steps may). The default stays "keep" because stored
 * recipes were written against it (one that keeps the date and drops it in a later drop-columns step would break if the
 * default changed); the recipe builder sets dropOriginal on new steps, and Prepare refuses a date left behind, naming
 * this step (core/validate/model-ready.ts).
 */
import * as v from 'valibot';
import type { Column, NumericColumn } from '../../table.ts';
import { dropColumns, insertColumnsAfter } from '../../table-ops.ts';
import { columnsAt, findColumn, stepError } from '../select.ts';
import { takeOut } from '../target-guard.ts';
import type { StepContext, StepKind } from '../types.ts';
import { parseParams } from './shared.ts';

const KIND = 'date-parts';
const PARTS = ['year', 'month', 'day', 'weekday', 'hour'] as const;
type Part = (typeof PARTS)[number];
const schema = v.strictObject({
  column: v.pipe(v.string(), v.minLength(1)),
  parts: v.pipe(v.array(v.picklist(PARTS)), v.minLength(1)),
  dropOriginal: v.optional(v.boolean(), false),
});
export type DatePartsParams = v.InferOutput<typeof schema>;
export type DatePartsState = Record<string, never>;

const GET: Record<Part, (d: Date) => number> = {
  year: (d) => d.getUTCFullYear(),
  month: (d) => d.getUTCMonth() + 1,
  day: (d) => d.getUTCDate(),
  weekday: (d) => (d.getUTCDay() + 6) % 7,
  hour: (d) => d.getUTCHours(),
};

export const dateParts: StepKind<DatePartsParams, DatePartsState> = {
  kind: KIND,
  describe: (p) => `Extract ${p.parts.join(', ')} from ${p.column}`,
  parse(spec, ctx) {
    const p = parseParams(schema, spec, ctx, KIND);
    return { ...p, parts: [...new Set(p.parts)] };
  },
  targetConflict: (p, target) => (p.column === target ? { message: `makes features from the target column "${target}": a model would see the answer. ${takeOut(target)}` } : undefined),
  fit(table, p, ctx) {
    checkDate(findColumn(table, p.column, ctx, KIND), ctx);
    return {};
  },
  apply(table, p, _s, ctx) {
    const [col] = columnsAt(table, [p.column], ctx, KIND);
    if (!col) return table;
    checkDate(col, ctx);
    const c = col as NumericColumn;
    const n = c.values.length;
    const made = p.parts.map((part): NumericColumn => ({ kind: 'numeric', name: `${c.name}_${part}`, type: 'integer', values: new Float64Array(n), valid: new Uint8Array(n) }));
    for (const m of made) if (table.columns.some((x) => x.name === m.name)) throw stepError(ctx, KIND, `the new column "${m.name}" already exists.`, { column: m.name });
    const d = new Date(0);
    for (let i = 0; i < n; i++) {
      if (!c.valid[i] || !Number.isFinite(c.values[i])) continue;
      d.setTime(c.values[i]);
      p.parts.forEach((part, k) => {
        made[k].values[i] = GET[part](d);
        made[k].valid[i] = 1;
      });
    }
    const out = insertColumnsAfter(table, c.name, made);
    return p.dropOriginal ? dropColumns(out, [c.name]) : out;
  },
};

function checkDate(col: Column, ctx: StepContext): void {
  if (col.type !== 'datetime') throw stepError(ctx, KIND, `column "${col.name}" is ${col.type}, not a date (cast it to datetime first).`, { column: col.name });
}
