/**
 * The shape of a data profile. Plain JSON (numbers, strings, nulls, arrays): it crosses the worker boundary, is stored,
 * and is printed by the command-line runner, so a statistic that is undefined is `null`, never NaN or Infinity.
 */
import type { ColumnType, StringType } from '../table.ts';

export interface Quantiles {
  p5: number | null;
  p25: number | null;
  p50: number | null;
  p75: number | null;
  p95: number | null;
}

/** One histogram bin holds values in [x0, x1); the last bin also holds x1. */
export interface HistogramBin {
  x0: number;
  x1: number;
  count: number;
}

export interface TopValue<V = string> {
  value: V;
  count: number;
}

interface BaseProfile {
  name: string;
  /** Present values (a NaN flagged present counts as missing, as in pandas). */
  count: number;
  missing: number;
  /** Distinct present values. */
  distinct: number;
}

/** integer, float and datetime (datetime statistics are in epoch milliseconds, UTC). */
export interface NumericProfile extends BaseProfile {
  type: 'integer' | 'float' | 'datetime';
  min: number | null;
  max: number | null;
  mean: number | null;
  /** Sample standard deviation (ddof = 1, as pandas); null with fewer than two values. */
  std: number | null;
  /** Linear interpolation between closest ranks (R-7, the pandas and d3.quantileSorted default). */
  quantiles: Quantiles;
  histogram: HistogramBin[];
  /** Values equal to 0 (for datetime: exactly the epoch). */
  zeros: number;
}

export interface BooleanProfile extends BaseProfile {
  type: 'boolean';
  /** Share of true among present values; null when none is present. */
  mean: number | null;
  top: TopValue<boolean>[];
}

export interface StringProfile extends BaseProfile {
  type: StringType;
  /** Most frequent values, count descending, ties in order of first appearance. */
  top: TopValue<string>[];
  /** Length in Unicode code points (as Python's len), over present values. */
  meanLength: number | null;
  maxLength: number | null;
}

export type ColumnProfile = NumericProfile | BooleanProfile | StringProfile;

export interface Correlations {
  /** The integer and float columns correlated, in table order (the first `maxCorrelationColumns`). */
  columns: string[];
  /** matrix[i][j]: Pearson r over rows where both are present; null when undefined (too few rows, a constant column). */
  matrix: (number | null)[][];
  method: 'pearson';
}

export interface Profile {
  rowCount: number;
  columnCount: number;
  /**
   * Rows equal to an earlier row in every column (missing equals missing), as pandas `df.duplicated().sum()`; null
   * where not counted (a prepared split's profile: see ProfileOptions.countDuplicates).
   */
  duplicateRows: number | null;
  columns: ColumnProfile[];
  correlations: Correlations;
  /** Missing cells over the whole table. */
  missingCells: number;
}

export interface ProfileProgress {
  stage: 'profile';
  done: number;
  total: number;
}

export interface ProfileOptions {
  signal?: AbortSignal;
  /** Called after each column, then after duplicate detection and after correlations (total = columns + 2). */
  onProgress?: (p: ProfileProgress) => void;
  /** Approximate histogram bin count (d3 nice thresholds); default 20. */
  bins?: number;
  /** Length of `top` lists; default 10. */
  topK?: number;
  /** Most integer/float columns in the correlation matrix; default 50. */
  maxCorrelationColumns?: number;
  /**
   * The correlation matrix from elsewhere (e.g. another thread), over correlatedColumns(table, maxCorrelationColumns):
   * profileTableAsync calls this when it comes to the correlations and waits for it instead of computing them.
   * profileTable ignores it.
   */
  correlations?: () => Promise<Correlations>;
  /** The duplicate row count from elsewhere, as `correlations` (duplicateRows of the same table). */
  duplicates?: () => Promise<number>;
  /**
   * Whether to count duplicate rows (default true); false leaves duplicateRows null. A prepared split's profile serves
   * its columns and shows its duplicates nowhere, and counting them took a second per 3M rows × 137 columns.
   */
  countDuplicates?: boolean;
}

/** A finite number, or null (JSON has no NaN or Infinity). */
export function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
