/**
 * A training split summarised for drift tests without its rows: what a model bundle carries instead of training data
 * (a bundle leaves the device). Plain JSON, versioned; keys that come from data (category labels, values) are arrays
 * of pairs, never object properties.
 *
 * Per column, over its present finite values (what the drift tests read: missing values and ±Infinity are dropped,
 * as Evidently drops them):
 *   - numbers (integer, float, datetime as epoch ms, boolean as 0/1): count, missing, min, max, mean, the
 *     population standard deviation (ddof 0, the Wasserstein test's normaliser), a nice-bin histogram (the Data
 *     page's, for charts), a quantile sketch (101 R-7 quantiles by default: 0%, 1%, …, 100%), the PSI buckets (cuts
 *     at the reference deciles and the count in each, exactly as shares.ts bins), and, when there are at most 20
 *     distinct values (flags, booleans, small codes), every value's exact count;
 *   - labels (categorical): count, missing, and the counts of the most frequent categories (at most 1,000 by
 *     default), the rest pooled as `other` (rows) over `otherCategories` (labels);
 *   - free text and identifiers: count, missing and distinct only (`withheld`). Their values can name a person, and
 *     no drift test reads them (choose.ts), so a summary that leaves the device carries none of them.
 * summary-drift.ts runs the drift tests from this.
 */
import { bisectLeft, quantileSorted } from 'd3-array';
import { histogramSorted } from '../../profile/histogram.ts';
import type { HistogramBin } from '../../profile/types.ts';
import type { Column, NumericType, StringType, Table } from '../../table.ts';
import { columnSample } from './columns.ts';
import { DEFAULT_BINS, MAX_VALUE_BUCKETS } from './shares.ts';
import { populationStd } from './wasserstein.ts';

export const SUMMARY_FORMAT = 'enclave-training-summary';
export const SUMMARY_VERSION = 1;
/** Quantiles kept per numeric column: 0%, 1%, …, 100%. */
export const DEFAULT_QUANTILES = 101;
/** Most categories kept per label column; the rest are counted together. */
export const DEFAULT_MAX_CATEGORIES = 1000;
/** Approximate histogram bin count (d3 nice thresholds, as the profile's). */
export const DEFAULT_HISTOGRAM_BINS = 20;

export interface NumericSummary {
  name: string;
  kind: 'numeric';
  type: Exclude<NumericType, 'identifier'>;
  /** Present finite values. */
  count: number;
  /** Rows without a finite value. */
  missing: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  /** Population standard deviation (ddof 0); null without values. */
  std: number | null;
  histogram: HistogramBin[];
  /** R-7 quantiles at k / (length − 1), k = 0 … length − 1; empty without values. */
  quantiles: number[];
  /** PSI buckets: ascending cuts (reference deciles, duplicates merged) and the values in each of the cuts.length + 1 buckets. */
  bins: { cuts: number[]; counts: number[] };
  /** Every distinct value with its count, ascending, when there are at most 20 distinct values; else null. */
  values: [number, number][] | null;
}

export interface CategoricalSummary {
  name: string;
  kind: 'string';
  type: Extract<StringType, 'categorical'>;
  count: number;
  missing: number;
  /** The most frequent labels with their counts (count descending, then label). */
  categories: [string, number][];
  /** Rows holding a label not kept in `categories`. */
  other: number;
  /** How many distinct labels those are. */
  otherCategories: number;
}

/** A text or identifier column: how many values, not which. */
export interface WithheldSummary {
  name: string;
  kind: 'withheld';
  type: 'text' | 'identifier';
  count: number;
  missing: number;
  distinct: number;
}

export type ColumnSummary = NumericSummary | CategoricalSummary | WithheldSummary;

export interface TrainingSummary {
  format: typeof SUMMARY_FORMAT;
  version: typeof SUMMARY_VERSION;
  rowCount: number;
  columns: ColumnSummary[];
}

export interface SummaryOptions {
  /** Columns to summarise (default: all). */
  columns?: string[];
  /** Quantile sketch length (≥ 2; default 101). */
  quantiles?: number;
  /** Most categories kept per label column (default 1,000). */
  maxCategories?: number;
  histogramBins?: number;
}

export function summariseTable(table: Table, opts: SummaryOptions = {}): TrainingSummary {
  const names = opts.columns ? new Set(opts.columns) : null;
  const columns = table.columns.filter((c) => !names || names.has(c.name)).map((c) => summariseColumn(c, table.rowCount, opts));
  return { format: SUMMARY_FORMAT, version: SUMMARY_VERSION, rowCount: table.rowCount, columns };
}

export function summariseColumn(col: Column, rowCount: number, opts: SummaryOptions = {}): ColumnSummary {
  const sample = columnSample(col);
  const count = sample.size;
  if (col.type === 'text' || col.type === 'identifier') {
    return { name: col.name, kind: 'withheld', type: col.type, count, missing: rowCount - count, distinct: sample.counts().size };
  }
  if (col.kind === 'string') {
    const max = Math.max(0, Math.floor(opts.maxCategories ?? DEFAULT_MAX_CATEGORIES));
    const all = [...sample.counts()].map(([k, n]) => [String(k), n] as [string, number]);
    all.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const kept = all.slice(0, max);
    const rest = all.slice(max);
    return {
      name: col.name, kind: 'string', type: col.type, count, missing: rowCount - count,
      categories: kept, other: rest.reduce((s, [, n]) => s + n, 0), otherCategories: rest.length,
    };
  }
  const m = Math.max(2, Math.floor(opts.quantiles ?? DEFAULT_QUANTILES));
  const sorted = sample.sorted();
  const values = sample.distinctAbove(MAX_VALUE_BUCKETS)
    ? null
    : ([...sample.counts()] as [number, number][]).sort((a, b) => a[0] - b[0]);
  let mean: number | null = null;
  if (count) {
    let s = 0;
    for (let i = 0; i < count; i++) s += sorted[i];
    mean = s / count;
  }
  return {
    name: col.name, kind: 'numeric', type: col.type, count, missing: rowCount - count,
    min: count ? sorted[0] : null,
    max: count ? sorted[count - 1] : null,
    mean,
    std: count ? populationStd(sorted) : null,
    histogram: histogramSorted(sorted, opts.histogramBins ?? DEFAULT_HISTOGRAM_BINS),
    quantiles: count ? Array.from({ length: m }, (_, k) => quantileSorted(sorted as unknown as number[], k / (m - 1))!) : [],
    bins: decileBins(sorted),
    values,
  };
}

/** The PSI buckets of shares.ts's `binned`: cuts at the R-7 deciles (duplicates merged), bucket = bisectRight(cuts, x). */
function decileBins(sorted: Float64Array): { cuts: number[]; counts: number[] } {
  if (!sorted.length) return { cuts: [], counts: [] };
  const cuts: number[] = [];
  for (let i = 1; i < DEFAULT_BINS; i++) {
    const q = quantileSorted(sorted as unknown as number[], i / DEFAULT_BINS)!;
    if (cuts.length === 0 || q > cuts[cuts.length - 1]) cuts.push(q);
  }
  const counts = new Array<number>(cuts.length + 1).fill(0);
  // Bucket i holds cuts[i-1] <= x < cuts[i] (bisectRight over the cuts): on sorted values it ends before the first value >= cuts[i].
  let start = 0;
  cuts.forEach((c, i) => {
    const end = bisectLeft(sorted, c);
    counts[i] = end - start;
    start = end;
  });
  counts[cuts.length] = sorted.length - start;
  return { cuts, counts };
}
