/**
 * A column's present values as a drift sample (types.ts SampleView), read straight from the column: finite numbers
 * of a numeric column, labels of a string column — what `presentValues` lists, without listing them where that is
 * not needed:
 *   - a string column is counted by dictionary code in one pass (no label per row);
 *   - a numeric column of at most 20 distinct values (0/1 flags, small codes) is counted by value in one pass, with no
 *     copy and no sort; one of decimals is counted by decimal step (profile/decimal-counts.ts, kept with the column,
 *     which the impute and scale steps then sort from), written out in order when a test asks for it; any other is
 *     copied once into a Float64Array, sorted when a test asks for it.
 * Each view also answers `keysUpTo`, for the distinct count that picks the default test, stopping early.
 */
import { sortFloat64 } from '../../profile/sort.ts';
import type { Column, NumericColumn, StringColumn } from '../../table.ts';
import { countNumbers } from '../counted.ts';
import { decimalCountsOf, writeSorted, type DecimalCounts } from '../../profile/decimal-counts.ts';
import { MAX_VALUE_BUCKETS } from './shares.ts';
import { countValues, distinctAbove, numericSample, type SampleView } from './types.ts';

export interface ColumnSample extends SampleView {
  /** Present values. */
  readonly size: number;
  /** Some distinct present values: all of them, or at least `limit + 1` when there are more. */
  keysUpTo(limit: number): Set<string | number>;
}

export function columnSample(col: Column): ColumnSample {
  return col.kind === 'numeric' ? new NumericSample(col) : new StringSample(col);
}

/** Present values: finite numbers as a Float64Array, strings as an array of labels (row order). */
export function presentValues(col: Column): Float64Array | string[] {
  const n = col.valid.length;
  if (col.kind === 'numeric') return finiteValues(col);
  const out: string[] = [];
  for (let i = 0; i < n; i++) if (col.valid[i]) out.push(col.dictionary[col.codes[i]]);
  return out;
}

function finiteValues(col: NumericColumn): Float64Array {
  const { values, valid } = col;
  const n = valid.length;
  let k = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (valid[i] && v - v === 0) k++;
  }
  const out = new Float64Array(k);
  for (let i = 0, j = 0; i < n; i++) {
    const v = values[i];
    if (valid[i] && v - v === 0) out[j++] = v;
  }
  return out;
}

class NumericSample implements ColumnSample {
  readonly isSampleView = true as const;
  readonly size: number;
  /** Every present value's count (keys as a Map holds them: -0 as 0), when there are at most 20 distinct. */
  private readonly counted: Map<number, number> | null;
  /** Otherwise the present values, in row order until sorted() sorts them in place; none yet where counted as decimals. */
  private values: Float64Array | null = null;
  /** The present values as decimal counts (profile/decimal-counts.ts), when they are: sorted() writes them in order. */
  private decimals: DecimalCounts | null = null;
  private isSorted = false;
  private valueCounts?: Map<string | number, number>;

  constructor(col: NumericColumn) {
    const c = countNumbers(col, col.valid.length, MAX_VALUE_BUCKETS, true);
    if (c) {
      const counted = new Map<number, number>();
      for (let k = 0; k < c.size; k++) counted.set(c.keys[k], c.counts[k]);
      if (c.zeros || c.negativeZeros) counted.set(0, c.zeros + c.negativeZeros);
      this.counted = counted;
      this.size = c.n;
    } else {
      this.counted = null;
      this.decimals = decimalCountsOf(col);
      if (this.decimals) this.size = this.decimals.size;
      else this.size = (this.values = finiteValues(col)).length;
    }
  }

  sorted(): Float64Array {
    if (!this.values && this.decimals) {
      writeSorted(this.decimals, (this.values = new Float64Array(this.size)));
      this.isSorted = true;
    }
    if (!this.values) {
      // Counted: the sorted copy spelled out (-0 and 0 are one key here; a sort would put every -0 first, and no
      // test tells them apart).
      const keys = [...this.counted!.keys()].sort((a, b) => a - b);
      const out = new Float64Array(this.size);
      let i = 0;
      for (const key of keys) out.fill(key, i, (i += this.counted!.get(key)!));
      this.values = out;
      this.isSorted = true;
    }
    if (!this.isSorted) {
      sortFloat64(this.values);
      this.isSorted = true;
    }
    return this.values;
  }

  counts(): Map<string | number, number> {
    return (this.valueCounts ??= this.counted ?? countValues(this.sorted()));
  }

  numeric(): boolean {
    return true;
  }

  distinctAbove(limit: number): boolean {
    if (this.counted) return this.counted.size > limit;
    if (limit <= MAX_VALUE_BUCKETS) return true; // not counted: more than 20 distinct values
    return distinctAbove(this.sorted(), limit);
  }

  keysUpTo(limit: number): Set<string | number> {
    if (this.counted) return new Set(this.counted.keys());
    const seen = new Set<number>();
    const dc = this.values ? null : this.decimals;
    if (dc) {
      // From the counts, smallest first (no need to write the values out for this).
      for (let r = 0; r < dc.counts.length && seen.size <= limit; r++) if (dc.counts[r]) seen.add((r + dc.lo) / dc.scale);
      return seen;
    }
    const v = this.values!;
    for (let i = 0; i < v.length && seen.size <= limit; i++) seen.add(v[i]);
    return seen;
  }
}

class StringSample implements ColumnSample {
  readonly isSampleView = true as const;
  readonly size: number;
  /** Present rows per dictionary code. */
  private readonly byCode: Float64Array;
  private valueCounts?: Map<string | number, number>;
  private sortedValues?: Float64Array;

  constructor(private readonly col: StringColumn) {
    const { codes, valid } = col;
    const byCode = new Float64Array(col.dictionary.length);
    let size = 0;
    for (let i = 0; i < valid.length; i++) {
      if (!valid[i]) continue;
      byCode[codes[i]]++;
      size++;
    }
    this.byCode = byCode;
    this.size = size;
  }

  counts(): Map<string | number, number> {
    if (!this.valueCounts) {
      const counts = new Map<string | number, number>();
      const { dictionary } = this.col;
      for (let code = 0; code < this.byCode.length; code++) {
        const k = this.byCode[code];
        if (k) {
          const label = dictionary[code];
          counts.set(label, (counts.get(label) ?? 0) + k);
        }
      }
      this.valueCounts = counts;
    }
    return this.valueCounts;
  }

  sorted(): Float64Array {
    return (this.sortedValues ??= numericSample(presentValues(this.col) as string[]));
  }

  numeric(): boolean {
    return this.size === 0; // every present value is a string
  }

  distinctAbove(limit: number): boolean {
    return distinctAbove(this.sorted(), limit);
  }

  keysUpTo(limit: number): Set<string | number> {
    const seen = new Set<string>();
    const { dictionary } = this.col;
    for (let code = 0; code < this.byCode.length && seen.size <= limit; code++) if (this.byCode[code]) seen.add(dictionary[code]);
    return seen;
  }
}
