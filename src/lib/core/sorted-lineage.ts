/**
 * Columns whose present values are, one for one, a non-decreasing function of another column's present finite values
 * — plus, for an imputed column, copies of its fill: what the impute and scale steps make. Sorting such a column
 * (its profile, the validation schema of a prepared split) then needs no sort: its values are written in order from
 * the decimal counts of the column it came from (profile/decimal-counts.ts), even once that column is gone. At 5M
 * rows a prepared split's 16 scaled columns took seconds of radix sorts in the tab.
 *
 * A lineage is recorded only where the first column's values count as decimals (else the column is sorted as any).
 * The function must be the very expression the step computes per cell, so each written value is the cell's value.
 */
import { indicatorBits } from './indicator-column.ts';
import { COUNTED_FROM_ROWS, decimalCountsOf, writeSorted, type DecimalCounts } from './profile/decimal-counts.ts';
import type { NumericColumn } from './table.ts';

interface Lineage {
  counts: DecimalCounts;
  /** What each counted value became (none: itself). */
  map: ((x: number) => number) | null;
  /** The value every other row holds (imputed), or null: the other rows are missing. */
  fill: number | null;
  rows: number;
}

const lineages = new WeakMap<NumericColumn, Lineage>();

/** `from` as a lineage: its own, or its decimal counts; null when neither. */
function baseOf(from: NumericColumn): Lineage | null {
  const own = lineages.get(from);
  if (own) return own;
  if (indicatorBits(from)) return null; // counted from its bits, and reading its values would make its doubles
  const counts = decimalCountsOf(from);
  return counts ? { counts, map: null, fill: null, rows: from.valid.length } : null;
}

/** `out` is `from` with every missing or non-finite cell set to `fill` (a finite number), every row present. */
export function imputedFrom(out: NumericColumn, from: NumericColumn, fill: number): void {
  const base = baseOf(from);
  // A column imputed before has no such cell left: it is unchanged.
  if (base) lineages.set(out, base.fill === null ? { ...base, fill } : base);
}

/** `out` holds f(x) for each present finite x of `from`, and is missing elsewhere; f is non-decreasing. */
export function mappedFrom(out: NumericColumn, from: NumericColumn, f: (x: number) => number): void {
  const base = baseOf(from);
  if (!base) return;
  const inner = base.map;
  lineages.set(out, { counts: base.counts, map: inner ? (x) => f(inner(x)) : f, fill: base.fill === null ? null : f(base.fill), rows: base.rows });
}

export function hasLineage(col: NumericColumn): boolean {
  return lineages.has(col);
}

/**
 * The present values of `col` (valid, not NaN) ascending, written from counts — its lineage's, or its own decimal
 * counts — into `out` when it is large enough. Null when it has neither (an indicator column has its bits instead), or
 * when what they give does not add up (as many values as the column has present, in order): then the column is
 * sorted as any other.
 */
export function sortedFromCounts(col: NumericColumn, rowCount: number, out?: Float64Array): Float64Array | null {
  if (col.valid.length !== rowCount || rowCount < COUNTED_FROM_ROWS || indicatorBits(col)) return null;
  const l = baseOf(col);
  if (!l || l.rows !== rowCount) return null;
  const { values, valid } = col;
  let present = 0;
  for (let r = 0; r < rowCount; r++) if (valid[r] && values[r] === values[r]) present++;
  const fills = l.fill === null ? 0 : rowCount - l.counts.size;
  if (present !== l.counts.size + fills) return null;
  const sorted = out && out.length >= present ? out.subarray(0, present) : new Float64Array(present);
  writeSorted(l.counts, sorted, l.map ?? undefined, l.fill === null ? undefined : { value: l.fill, count: fills });
  for (let i = 1; i < present; i++) if (!(sorted[i] >= sorted[i - 1])) return null;
  return sorted;
}
