/**
 * `cast`: change a column's type. Cells that cannot convert become missing and the count is reported as a note; if
 * every present cell of a non-empty column would be lost, the cast is an error naming the step and column (it is
 * almost surely the wrong column or the wrong type). Conversions: numbers to integer truncate toward zero (as pandas
 * astype(int)); to boolean, only 0/1 and true/false texts convert; numbers to datetime are milliseconds since the
 * epoch (the Table's own representation); texts parse with the readers' own parsers.
 */
import * as v from 'valibot';
import { parseBoolean, parseDate, parseNumber } from '../../infer.ts';
import type { Column, NumericType, StringType } from '../../table.ts';
import { asTexts, stringColumn, withColumn } from '../../table-ops.ts';
import { columnsAt, findColumn, stepError } from '../select.ts';
import type { StepKind } from '../types.ts';
import { note, parseParams } from './shared.ts';

const KIND = 'cast';
const TYPES = ['integer', 'float', 'boolean', 'categorical', 'text', 'datetime'] as const;
const schema = v.strictObject({ column: v.pipe(v.string(), v.minLength(1)), to: v.picklist(TYPES) });
export type CastParams = v.InferOutput<typeof schema>;
export type CastState = Record<string, never>;

export const cast: StepKind<CastParams, CastState> = {
  kind: KIND,
  describe: (p) => `Cast ${p.column} to ${p.to}`,
  parse: (spec, ctx) => parseParams(schema, spec, ctx, KIND),
  fit(table, p, ctx) {
    findColumn(table, p.column, ctx, KIND);
    return {};
  },
  apply(table, p, _s, ctx) {
    const [col] = columnsAt(table, [p.column], ctx, KIND);
    if (!col) return table;
    const { column, lost, present } = castColumn(col, p.to);
    if (present > 0 && lost === present)
      throw stepError(ctx, KIND, `none of the ${present} values of column "${col.name}" can be read as ${p.to} (e.g. "${firstText(col)}").`, { column: col.name });
    if (lost > 0) note(ctx, KIND, `${lost} of ${present} values of column "${col.name}" could not become ${p.to} and are now missing.`);
    return withColumn(table, column);
  },
};

function firstText(col: Column): string {
  return asTexts(col).find((t) => t !== null) ?? '';
}

/** The converted column, with how many present cells were lost and how many there were. */
export function castColumn(col: Column, to: CastParams['to']): { column: Column; lost: number; present: number } {
  let present = 0;
  for (let i = 0; i < col.valid.length; i++) present += col.valid[i];
  if (to === 'categorical' || to === 'text') {
    const column = col.kind === 'string' ? { ...col, type: to as StringType } : stringColumn(col.name, to, asTexts(col));
    return { column, lost: 0, present };
  }
  const n = col.valid.length;
  const values = new Float64Array(n);
  const valid = new Uint8Array(n);
  // Text converts once per dictionary entry, not once per row.
  const byCode = col.kind === 'string' ? col.dictionary.map((s) => fromText(s, to)) : null;
  let lost = 0;
  for (let i = 0; i < n; i++) {
    if (!col.valid[i]) continue;
    const x = col.kind === 'string' ? byCode![col.codes[i]] : fromNumber(col.values[i], col.type, to);
    if (Number.isFinite(x)) (values[i] = x), (valid[i] = 1);
    else lost++;
  }
  return { column: { kind: 'numeric', name: col.name, type: to as NumericType, values, valid }, lost, present };
}

function fromText(s: string, to: NumericType): number {
  switch (to) {
    case 'integer': return Math.trunc(parseNumber(s)) + 0; // + 0 turns -0 into 0
    case 'float': return parseNumber(s);
    case 'boolean': {
      const b = parseBoolean(s.trim());
      return Number.isNaN(b) ? (s.trim() === '0' ? 0 : s.trim() === '1' ? 1 : NaN) : b;
    }
    default: return parseDate(s); // datetime
  }
}

function fromNumber(x: number, from: Column['type'], to: NumericType): number {
  if (!Number.isFinite(x)) return NaN;
  switch (to) {
    case 'integer': return Math.trunc(x) + 0;
    case 'float': return x;
    case 'boolean': return x === 0 || x === 1 ? x : NaN;
    default: return from === 'boolean' ? NaN : x; // datetime
  }
}
