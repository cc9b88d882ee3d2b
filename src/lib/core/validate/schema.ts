/**
 * The schema of a table as data validation needs it (in the spirit of TFX's data validation): per column its type,
 * how much of it is present, the range of its numbers, the set of its categories, and for the target the balance of
 * its classes. Learned from the prepared training split; later data (validation, test, serving) is checked against it
 * (anomalies.ts). Plain JSON: it is stored with the preparation.
 */
import { numericScratch, sortedRange, type NumericScratch } from '../profile/numeric.ts';
import { atSorted, countNumbers, distinctOf, quantileCounted, sortedCounts } from './counted.ts';
import { valueCounts } from '../split/classes.ts';
import { isClassColumn } from '../split.ts';
import type { Column, ColumnType, NumericColumn, Table } from '../table.ts';

/** Category sets are kept up to this many distinct values (beyond it a column is too open to check). */
export const MAX_CATEGORIES = 1000;

export interface NumericRange {
  min: number;
  max: number;
  /** 1st and 99th percentiles (R-7, as pandas and d3). */
  p1: number;
  p99: number;
}

export interface ClassShare {
  value: string;
  count: number;
  share: number;
}

export interface ColumnSchema {
  name: string;
  type: ColumnType;
  /** Shares of rows with and without a value (they add up to 1; both 0 for an empty table). */
  present: number;
  missing: number;
  /** Distinct present values. */
  distinct: number;
  /** integer, float and datetime (epoch ms) columns with at least one value; else null. */
  range: NumericRange | null;
  /** Categorical and boolean columns (and a class target) with at most 1000 distinct values, most frequent first. */
  categories: string[] | null;
  /** The target only, when it holds classes: each class's count and share of present values. */
  classBalance?: ClassShare[];
}

export interface Schema {
  version: 1;
  rowCount: number;
  target: string | null;
  columns: ColumnSchema[];
}

export function inferSchema(table: Table, opts: { target?: string } = {}): Schema {
  const target = opts.target ?? null;
  // One working copy for every large column sorted (fresh memory for each million-row column costs page faults).
  let working: NumericScratch | undefined;
  const scratch = () => (table.rowCount >= 1 << 15 ? (working ??= numericScratch(table.rowCount)) : undefined);
  return {
    version: 1,
    rowCount: table.rowCount,
    target,
    columns: table.columns.map((c) => columnSchema(c, table.rowCount, c.name === target, scratch)),
  };
}

function columnSchema(col: Column, rowCount: number, isTarget: boolean, scratch: () => NumericScratch | undefined): ColumnSchema {
  const out: ColumnSchema = { name: col.name, type: col.type, present: 0, missing: 0, distinct: 0, range: null, categories: null };
  const numericRange = col.kind === 'numeric' && col.type !== 'boolean';
  if (numericRange) {
    const s = numericSummary(col, rowCount, scratch);
    out.present = rowCount ? s.n / rowCount : 0;
    out.missing = rowCount ? 1 - out.present : 0;
    out.distinct = s.distinct;
    out.range = s.range;
  }
  const isClass = isTarget && isClassColumn(col);
  if (!numericRange || isClass) {
    const classes = valueCounts(col, rowCount);
    const counts = classes.counts;
    const present = counts.reduce((a, b) => a + b, 0);
    if (!numericRange) {
      out.present = rowCount ? present / rowCount : 0;
      out.missing = rowCount ? 1 - out.present : 0;
      out.distinct = classes.labels.length;
    }
    const order = classes.labels.map((_, i) => i).sort((a, b) => counts[b] - counts[a] || (classes.labels[a] < classes.labels[b] ? -1 : 1));
    const keepSet = col.type === 'categorical' || col.type === 'boolean' || isClass;
    if (keepSet && classes.labels.length <= MAX_CATEGORIES) out.categories = order.map((i) => classes.labels[i]);
    if (isClass) out.classBalance = order.map((i) => ({ value: classes.labels[i], count: counts[i], share: present ? counts[i] / present : 0 }));
  }
  return out;
}

/** Most distinct values a column is counted with (more: it is sorted). */
const COUNTED_MAX_DISTINCT = 1 << 14;

/**
 * Present count, distinct count and range of a numeric column (present: valid and not NaN), as a sorted copy of the
 * present values gives them. A column of few distinct values (at most an eighth of its rows, and 16,384) is counted
 * instead: the same numbers to the bit, without the sort. A sorted column's profile is made from the same copy
 * (profile/numeric.ts `sortedRange`): the prepare stage profiles this split next, and need not sort it again.
 */
function numericSummary(col: NumericColumn, rowCount: number, scratch: () => NumericScratch | undefined): { n: number; distinct: number; range: NumericRange | null } {
  const counted = countNumbers(col, rowCount, Math.min(COUNTED_MAX_DISTINCT, Math.max(16, rowCount >> 3)), false);
  if (counted) {
    const s = sortedCounts(counted);
    const n = s.n;
    const range = n ? { min: atSorted(s, 0), max: atSorted(s, n - 1), p1: quantileCounted(s, 0.01), p99: quantileCounted(s, 0.99) } : null;
    return { n, distinct: distinctOf(counted), range };
  }
  return sortedRange(col, rowCount, { scratch: scratch() });
}
