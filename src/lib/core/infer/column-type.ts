/** The type a finished column gets from its cells: integer, float, boolean, datetime, identifier, categorical or text. */
import { NumberIndex } from '../number-index.ts';
import type { NumericColumn, StringType } from '../table.ts';
import type { Mode } from './builder-part.ts';

/**
 * A number, boolean or date column's type. An integer key (e.g. "patient_id": an id-like name, every value distinct)
 * is 'identifier', which keeps it out of numeric statistics and models; it stays numeric (no string per row), and
 * hashing and profiling treat it as the strings String(v).
 */
export function valueType(mode: Exclude<Mode, 'string'>, allIntegral: boolean, name: string, values: Float64Array, valid: Uint8Array): NumericColumn['type'] {
  const type = mode === 'boolean' ? 'boolean' : mode === 'date' ? 'datetime' : mode === 'number' && !allIntegral ? 'float' : mode === 'empty' ? 'float' : 'integer';
  return type === 'integer' && looksLikeIdName(name) && allDistinct(values, valid) ? 'identifier' : type;
}

/**
 * categorical: few distinct values relative to rows (or few in absolute terms);
 * identifier: every present value distinct (and enough rows to tell), or an id-like name with mostly distinct values;
 * text: many distinct, long or multi-word values.
 */
export function stringType(name: string, dictionary: string[], present: number, totalLength: number, withSpace: number): StringType {
  const distinct = dictionary.length;
  if (present === 0) return 'categorical';
  const avgLen = totalLength / Math.max(1, distinct);
  const ratio = distinct / present;
  if (distinct <= 20 || ratio <= 0.05) return 'categorical';
  if (ratio === 1 && present >= 20 && avgLen < 64 && withSpace / distinct < 0.5) return 'identifier';
  if (looksLikeIdName(name) && ratio > 0.9) return 'identifier';
  if (avgLen >= 20 || withSpace / distinct >= 0.5 || ratio > 0.5) return 'text';
  return 'categorical';
}

function looksLikeIdName(name: string): boolean {
  return /(^|[_\s-])id$|^id$|identifier|uuid|^key$/i.test(name) || /[a-z]Id$/.test(name);
}

/** Every present value distinct, and at least two present. Ascending keys (the usual 1..n) need no hash set. */
function allDistinct(values: Float64Array, valid: Uint8Array): boolean {
  let present = 0;
  let prev = -Infinity;
  let ascending = true;
  for (let i = 0; i < values.length; i++) {
    if (!valid[i]) continue;
    present++;
    const v = values[i];
    if (!(v > prev)) { ascending = false; break; }
    prev = v;
  }
  if (ascending) return present >= 2;
  const seen = new NumberIndex(1024);
  present = 0;
  for (let i = 0; i < values.length; i++) {
    if (!valid[i]) continue;
    present++;
    const before = seen.size;
    seen.add(values[i]);
    if (seen.size === before) return false;
  }
  return present >= 2;
}
