/**
 * Anomalies of a table against a schema (schema.ts), each written for a person: which column, what changed, by how
 * much. Severity:
 *   blocking  missing-column, type-mismatch — the pipeline cannot use the data as it is; it stops until the anomaly is
 *             fixed or explicitly accepted (acceptAnomalies);
 *   warning   out-of-range, unexpected-category, missing-rose, class-balance-moved — worth a look, nothing breaks;
 *   info      new-column (it is ignored), and out-of-range for datetime columns (later data is expected to be newer).
 * Types are compared by family: integer and float are both numbers (an integer batch of a float column is normal,
 * and imputing can turn integers into floats); categorical, text and identifier are all strings (the inferred string
 * kind depends on how many distinct values a batch happens to hold). Boolean, datetime, numbers and strings differ.
 * Ids are stable (`kind:column`), so an acceptance recorded once applies to the same anomaly next time.
 */
import { EnclaveError } from '../errors.ts';
import { valueCounts } from '../split/classes.ts';
import type { ColumnType, NumericColumn, Table } from '../table.ts';
import type { ColumnSchema, Schema } from './schema.ts';
import { readableDate, readableNumber } from '../readable.ts';
import { countOnes, indicatorBits } from '../indicator-column.ts';

export type AnomalyKind =
  | 'missing-column'
  | 'new-column'
  | 'type-mismatch'
  | 'out-of-range'
  | 'unexpected-category'
  | 'missing-rose'
  | 'class-balance-moved';

export type Severity = 'blocking' | 'warning' | 'info';

export interface Anomaly {
  id: string;
  column?: string;
  kind: AnomalyKind;
  severity: Severity;
  message: string;
  detail: Record<string, unknown>;
}

export interface Acceptance {
  id: string;
  reason: string;
  at: number;
}

export interface CheckOptions {
  /** Flag a column whose missing share rose by more than this (absolute; default 0.05 = 5 points). */
  missingTolerance?: number;
  /** Flag the target when a class share moved by more than this (absolute; default 0.1 = 10 points). */
  balanceTolerance?: number;
  /**
   * The table is a prepared split: for each column, its numbers back in the source column's units (null where no
   * source unit applies: source-units.ts). Ranges are then told in the units a person knows, not "0 to 1" after scaling.
   */
  units?: (column: string) => ((x: number) => number) | null;
}

const FAMILY: Record<ColumnType, string> = {
  integer: 'number', float: 'number', boolean: 'boolean', datetime: 'datetime', categorical: 'string', text: 'string', identifier: 'string',
};
const DESCRIBE: Record<string, string> = { number: 'numbers', boolean: 'true/false values', datetime: 'dates', string: 'text' };
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const plural = (n: number, word: string) => `${readableNumber(n)} ${word}${n === 1 ? '' : 's'}`;

export function checkTable(table: Table, schema: Schema, opts: CheckOptions = {}): Anomaly[] {
  const missingTolerance = opts.missingTolerance ?? 0.05;
  const balanceTolerance = opts.balanceTolerance ?? 0.1;
  const out: Anomaly[] = [];
  const add = (kind: AnomalyKind, severity: Severity, column: string, message: string, detail: Record<string, unknown>) =>
    out.push({ id: `${kind}:${column}`, column, kind, severity, message, detail });
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  const n = table.rowCount;

  for (const expected of schema.columns) {
    const col = byName.get(expected.name);
    const name = expected.name;
    if (!col) {
      add('missing-column', 'blocking', name, `Column "${name}" is missing: the training data has it (${expected.type}).`, { expected: expected.type });
      continue;
    }
    if (FAMILY[col.type] !== FAMILY[expected.type]) {
      add('type-mismatch', 'blocking', name, `Column "${name}" holds ${DESCRIBE[FAMILY[col.type]]} (${col.type}); the training data holds ${DESCRIBE[FAMILY[expected.type]]} (${expected.type}).`, { expected: expected.type, actual: col.type });
      continue;
    }
    const ranged = col.kind === 'numeric' && col.type !== 'boolean' ? col : null;
    const range = ranged ? rangeCheck(ranged, n, expected.range) : null;
    const counts = !ranged || expected.categories || expected.classBalance ? valueCounts(col, n) : null;
    const present = range ? range.n : n - counts!.missing;
    const missingShare = n ? 1 - present / n : 0;

    if (n && missingShare - expected.missing > missingTolerance) {
      add('missing-rose', 'warning', name, `Column "${name}" is ${pct(missingShare)} missing (${plural(n - present, 'row')} of ${readableNumber(n)}), up from ${pct(expected.missing)} in the training data.`, {
        expected: expected.missing, actual: missingShare, missing: n - present, rows: n, tolerance: missingTolerance,
      });
    }
    if (range && expected.range && range.n) outOfRange(name, col.type, range, expected, add, opts.units?.(name));
    if (counts && expected.categories) unexpected(name, counts, expected.categories, present, add);
    if (counts && expected.classBalance && name === schema.target) balance(name, counts, present, expected, balanceTolerance, add);
  }
  const known = new Set(schema.columns.map((c) => c.name));
  for (const c of table.columns) {
    if (!known.has(c.name)) add('new-column', 'info', c.name, `Column "${c.name}" (${c.type}) is not in the training data; it is ignored.`, { actual: c.type });
  }
  return out;
}

type Add = (kind: AnomalyKind, severity: Severity, column: string, message: string, detail: Record<string, unknown>) => void;

interface RangeCheck {
  /** Present values (valid, not NaN). */
  n: number;
  /** How many fall below the training min and above its max. */
  below: number;
  above: number;
  /** The smallest and largest present value (as a sorted copy's ends: -0 before 0); NaN when none is outside. */
  seenMin: number;
  seenMax: number;
}

/**
 * One pass over a numeric column: its present values counted against the training range. The extremes (what a sorted
 * copy has at its ends, -0 before 0) take a second pass, only for a column that has values outside the range.
 */
function rangeCheck(col: NumericColumn, rowCount: number, range: ColumnSchema['range']): RangeCheck {
  const lo = range ? range.min : NaN, hi = range ? range.max : NaN;
  const bits = indicatorBits(col);
  if (bits) {
    // An indicator column (every cell present, 0 or 1), from its bits: the same counts as the pass below.
    const ones = countOnes(bits, rowCount), zeros = rowCount - ones;
    const below = (0 < lo ? zeros : 0) + (1 < lo ? ones : 0), above = (0 > hi ? zeros : 0) + (1 > hi ? ones : 0);
    const outside = below + above > 0;
    return { n: rowCount, below, above, seenMin: outside ? (zeros ? 0 : 1) : NaN, seenMax: outside ? (ones ? 1 : 0) : NaN };
  }
  const { values, valid } = col;
  let n = 0, below = 0, above = 0;
  for (let r = 0; r < rowCount; r++) {
    const v = values[r];
    if (!valid[r] || v !== v) continue;
    n++;
    if (v < lo) below++;
    if (v > hi) above++;
  }
  let min = NaN, max = NaN;
  if (below + above) {
    min = Infinity;
    max = -Infinity;
    for (let r = 0; r < rowCount; r++) {
      const v = values[r];
      if (!valid[r] || v !== v) continue;
      if (v <= min && (v < min || (v === 0 && 1 / v < 0))) min = v;
      if (v >= max && (v > max || (v === 0 && 1 / v > 0))) max = v;
    }
  }
  return { n, below, above, seenMin: min, seenMax: max };
}

/**
 * `toSource`: undefined when the table is not a prepared split (the numbers are the source's); a function when they can
 * be told in the source column's units; null when they cannot (a derived or encoded column).
 */
function outOfRange(name: string, type: ColumnType, seen: RangeCheck, expected: ColumnSchema, add: Add, toSource?: ((x: number) => number) | null): void {
  const { min, max } = expected.range!;
  const { below, above, seenMin, seenMax } = seen;
  const outside = below + above;
  if (!outside) return;
  const isTime = type === 'datetime';
  // Six significant digits with separators are enough for a person; the exact numbers stay in `detail`.
  const unit = toSource ?? ((x: number) => x);
  const show = (v: number) => (isTime ? readableDate(unit(v)) : readableNumber(unit(v), 6));
  const rescaled = toSource ? toSource(0) !== 0 || toSource(1) !== 1 : false;
  const where = toSource === null ? ' of the prepared column (after the recipe\'s steps)' : '';
  const units = rescaled ? ", in the source column's units (before scaling)" : '';
  add('out-of-range', isTime ? 'info' : 'warning', name,
    `Column "${name}": ${plural(outside, 'value')} (${pct(outside / seen.n)}) ${outside === 1 ? 'falls' : 'fall'} outside the training range${where} ${show(min)} to ${show(max)} (seen ${show(seenMin)} to ${show(seenMax)})${units}.`,
    { min, max, seenMin, seenMax, below, above, count: outside, share: outside / seen.n,
      ...(rescaled ? { source: { min: unit(min), max: unit(max), seenMin: unit(seenMin), seenMax: unit(seenMax) } } : {}) });
}

function unexpected(name: string, counts: ReturnType<typeof valueCounts>, categories: string[], present: number, add: Add): void {
  const known = new Set(categories);
  const fresh: { value: string; count: number }[] = [];
  counts.labels.forEach((v, i) => { if (!known.has(v)) fresh.push({ value: v, count: counts.counts[i] }); });
  if (!fresh.length) return;
  fresh.sort((a, b) => b.count - a.count);
  const rows = fresh.reduce((s, f) => s + f.count, 0);
  const shown = fresh.slice(0, 5).map((f) => `"${f.value}" (${readableNumber(f.count)})`).join(', ') + (fresh.length > 5 ? `, and ${fresh.length - 5} more` : '');
  add('unexpected-category', 'warning', name,
    `Column "${name}": ${plural(rows, 'row')} (${pct(rows / present)}) hold ${plural(fresh.length, 'value')} the training data never had: ${shown}.`,
    { values: fresh.slice(0, 100), distinct: fresh.length, rows, share: rows / present });
}

function balance(name: string, counts: ReturnType<typeof valueCounts>, present: number, expected: ColumnSchema, tolerance: number, add: Add): void {
  if (!present) return;
  const actual = new Map(counts.labels.map((v, i) => [v, counts.counts[i] / present]));
  const classes = new Set([...expected.classBalance!.map((c) => c.value), ...counts.labels]);
  const moves = [...classes].map((value) => {
    const was = expected.classBalance!.find((c) => c.value === value)?.share ?? 0;
    const now = actual.get(value) ?? 0;
    return { value, expected: was, actual: now, change: now - was };
  });
  const worst = moves.reduce((m, x) => (Math.abs(x.change) > Math.abs(m.change) ? x : m), moves[0]);
  if (Math.abs(worst.change) <= tolerance) return;
  add('class-balance-moved', 'warning', name,
    `Target "${name}": class "${worst.value}" is ${pct(worst.actual)} of rows here and ${pct(worst.expected)} in the training data (${worst.change > 0 ? 'up' : 'down'} ${(Math.abs(worst.change) * 100).toFixed(1)} points).`,
    { classes: moves, largest: worst.value, tolerance });
}

/** The blocking anomalies that no acceptance covers (the caller records acceptances with their reason and time). */
export function acceptAnomalies(anomalies: Anomaly[], accepted: readonly Acceptance[]): Anomaly[] {
  const ok = new Set(accepted.map((a) => a.id));
  return anomalies.filter((a) => a.severity === 'blocking' && !ok.has(a.id));
}

/** Throws 'blocked-anomalies' when any blocking anomaly is not accepted. */
export function assertAccepted(anomalies: Anomaly[], accepted: readonly Acceptance[]): void {
  const open = acceptAnomalies(anomalies, accepted);
  if (!open.length) return;
  const list = open.slice(0, 3).map((a) => a.message).join(' ');
  throw new EnclaveError('blocked-anomalies', `${plural(open.length, 'blocking problem')} in the data must be fixed or accepted first. ${list}${open.length > 3 ? ' …' : ''}`, { ids: open.map((a) => a.id) });
}
