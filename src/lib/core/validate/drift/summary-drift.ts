/**
 * The drift report of a batch against a training summary (summary.ts) instead of the training rows: the same shape as
 * report.ts's driftReport, the same default test per column (choose.ts, Evidently's rule, read with the summary's
 * reference size and distinct values), computed from what the summary keeps:
 *   - text and identifier columns: the summary withholds their values, and no default test reads them: skipped, as
 *     driftReport skips them;
 *   - label columns and numeric columns of at most 20 distinct values: the summary holds every count, so chi-square,
 *     z, Jensen–Shannon, PSI, L∞ — and KS and Wasserstein on such a column — are the row-based tests exactly (a label
 *     column of more than `maxCategories` labels pools the rest, in both samples, as one "other" category);
 *   - other numeric columns: KS and Wasserstein from the quantile sketch (close, not exact: sketch.ts), PSI,
 *     Jensen–Shannon and L∞ from the decile buckets (exact). Chi-square and z need per-value counts: refused for such
 *     a column (skipped, saying why).
 */
import { EnclaveError } from '../../errors.ts';
import { column as findColumn, type Table } from '../../table.ts';
import { chisquare } from './chisquare.ts';
import { chooseTest, featureKind, type FeatureKind } from './choose.ts';
import { columnSample, type ColumnSample } from './columns.ts';
import { jensenshannon } from './jensenshannon.ts';
import { ks } from './ks.ts';
import { linf } from './linf.ts';
import { psi } from './psi.ts';
import { DATASET_DRIFT_SHARE, DRIFT_TESTS, type DriftColumn, type DriftReport } from './report.ts';
import { ksFromSummary, sharesTestFromSummary, wassersteinFromSummary } from './sketch.ts';
import type { CategoricalSummary, NumericSummary, TrainingSummary } from './summary.ts';
import { distinctAbove, numericSample, type DriftResult, type DriftTestName, type SampleInput, type SampleView } from './types.ts';
import { wasserstein } from './wasserstein.ts';
import { z } from './z.ts';

export interface SummaryDriftOptions {
  /** Columns to compare (default: every column of the summary). */
  columns?: string[];
  /** A test per column instead of the default. */
  tests?: ReadonlyMap<string, DriftTestName>;
  /** A threshold per column instead of the test's default. */
  thresholds?: ReadonlyMap<string, number>;
  /** The target column (its type is read as Evidently reads a target). */
  target?: string;
  /** Share of drifted columns at which the dataset drifts (default 0.5, Evidently's drift_share). */
  driftShare?: number;
}

type Comparator = (reference: SampleInput, current: SampleInput, opts: { threshold?: number; kind?: FeatureKind }) => DriftResult;
const COMPARATORS: Record<DriftTestName, Comparator> = { psi, ks, chisquare, z, jensenshannon, linf, wasserstein };
const NUMERIC_ONLY: ReadonlySet<DriftTestName> = new Set(['ks', 'wasserstein']);

export function driftFromSummary(summary: TrainingSummary, current: Table, opts: SummaryDriftOptions = {}): DriftReport {
  const byName = new Map(summary.columns.map((c) => [c.name, c]));
  const names = opts.columns ?? summary.columns.map((c) => c.name);
  const columns: DriftColumn[] = [];
  const skipped: DriftReport['skipped'] = [];
  for (const name of names) {
    const ref = byName.get(name), cur = findColumn(current, name);
    if (!ref) { skipped.push({ column: name, reason: 'not in the reference data' }); continue; }
    if (!cur) { skipped.push({ column: name, reason: 'not in the current data' }); continue; }
    if (ref.kind === 'withheld') {
      const why = opts.tests?.has(name) ? 'the training summary keeps no values of text or identifier columns' : `no drift test for ${ref.type} columns`;
      skipped.push({ column: name, reason: why });
      continue;
    }
    if (ref.kind !== cur.kind) { skipped.push({ column: name, reason: `type changed from ${ref.type} to ${cur.type}` }); continue; }
    const c = columnSample(cur);
    if (ref.count === 0 || c.size === 0) { skipped.push({ column: name, reason: `no values in the ${ref.count === 0 ? 'reference' : 'current'} data` }); continue; }
    const distinct = pooledDistinct(ref, c);
    const isTarget = name === opts.target;
    const asked = opts.tests?.get(name);
    if (asked !== undefined && !DRIFT_TESTS.includes(asked)) throw new EnclaveError('invalid-argument', `Unknown drift test "${asked}" for column "${name}".`);
    const test = asked ?? chooseTest(ref.type, ref.count, distinct, isTarget);
    if (!test) { skipped.push({ column: name, reason: `no drift test for ${ref.type} columns` }); continue; }
    if (NUMERIC_ONLY.has(test) && ref.kind !== 'numeric') {
      throw new EnclaveError('invalid-argument', `The ${test} test compares numbers; column "${name}" holds ${ref.type} values.`);
    }
    const kind = featureKind(ref.type, distinct, isTarget) ?? (ref.kind === 'numeric' ? 'numeric' : 'categorical');
    const threshold = opts.thresholds?.get(name);
    let res: DriftResult;
    if (ref.kind === 'string' || ref.values) {
      res = COMPARATORS[test](new SummaryView(ref), folded(ref, c), { threshold, kind });
    } else if (test === 'ks') res = ksFromSummary(ref, c.sorted(), threshold);
    else if (test === 'wasserstein') res = wassersteinFromSummary(ref, c.sorted(), threshold);
    else if (test === 'psi' || test === 'jensenshannon' || test === 'linf') res = sharesTestFromSummary(test, ref, c.sorted(), threshold);
    else {
      skipped.push({ column: name, reason: `the training summary keeps no per-value counts for numbers of more than 20 distinct values, which the ${test} test needs` });
      continue;
    }
    columns.push({
      column: name, type: ref.type, test, statistic: res.statistic, pValue: res.pValue, threshold: res.threshold, drifted: res.drifted,
      referenceSize: res.referenceSize, currentSize: res.currentSize, logBase: res.logBase ?? null,
    });
  }
  const driftedCount = columns.filter((c) => c.drifted).length;
  const driftedShare = columns.length ? driftedCount / columns.length : 0;
  const share = opts.driftShare ?? DATASET_DRIFT_SHARE;
  return { columns, skipped, driftedCount, driftedShare, datasetDrift: columns.length > 0 && driftedShare >= share };
}

/** Pooled distinct values as report.ts counts them (exact up to 5, else 6). */
function pooledDistinct(ref: NumericSummary | CategoricalSummary, cur: ColumnSample): number {
  const LIMIT = 5;
  let keys: (string | number)[];
  if (ref.kind === 'string') {
    if (ref.categories.length + ref.otherCategories > LIMIT) return LIMIT + 1;
    keys = ref.categories.map((p) => p[0]);
  } else {
    if (!ref.values || ref.values.length > LIMIT) return LIMIT + 1;
    keys = ref.values.map((p) => p[0]);
  }
  const kc = cur.keysUpTo(LIMIT);
  if (kc.size > LIMIT) return LIMIT + 1;
  return new Set([...keys, ...kc]).size;
}

/** A label that none of the kept categories is, for the pooled rest. */
function otherKey(ref: CategoricalSummary): string {
  const labels = new Set(ref.categories.map((p) => p[0]));
  let key = '\u0000other';
  while (labels.has(key)) key = `\u0000${key}`;
  return key;
}

/** The current sample with labels the summary did not keep pooled as its "other" category (when it pooled any). */
function folded(ref: NumericSummary | CategoricalSummary, cur: ColumnSample): SampleView {
  if (ref.kind !== 'string' || ref.other === 0) return cur;
  const kept = new Set(ref.categories.map((p) => p[0]));
  const other = otherKey(ref);
  const counts = new Map<string | number, number>();
  for (const [k, n] of cur.counts()) {
    const key = kept.has(String(k)) ? k : other;
    counts.set(key, (counts.get(key) ?? 0) + n);
  }
  return { isSampleView: true, sorted: () => cur.sorted(), counts: () => counts, numeric: () => cur.numeric(), distinctAbove: (l) => cur.distinctAbove(l) };
}

/** A summary whose counts are complete (labels, or numbers of ≤ 20 distinct values) read as a sample, as columns.ts reads a column. */
class SummaryView implements SampleView {
  readonly isSampleView = true as const;
  private sortedValues?: Float64Array;
  private readonly valueCounts: Map<string | number, number>;

  constructor(private readonly ref: NumericSummary | CategoricalSummary) {
    if (ref.kind === 'numeric') this.valueCounts = new Map(ref.values!);
    else {
      this.valueCounts = new Map(ref.categories);
      if (ref.other) this.valueCounts.set(otherKey(ref), ref.other);
    }
  }

  counts(): Map<string | number, number> {
    return this.valueCounts;
  }

  sorted(): Float64Array {
    if (!this.sortedValues) {
      if (this.ref.kind === 'numeric') {
        const out = new Float64Array(this.ref.count);
        let i = 0;
        for (const [value, n] of this.ref.values!) out.fill(value, i, (i += n));
        this.sortedValues = out;
      } else {
        // As a label column's sample: its labels that read as numbers (pooled labels are unknown, so left out).
        const labels: string[] = [];
        for (const [label, n] of this.ref.categories) for (let k = 0; k < n; k++) labels.push(label);
        this.sortedValues = numericSample(labels);
      }
    }
    return this.sortedValues;
  }

  numeric(): boolean {
    return this.ref.kind === 'numeric' || this.ref.count === 0;
  }

  distinctAbove(limit: number): boolean {
    if (this.ref.kind === 'numeric') return this.ref.values!.length > limit;
    return distinctAbove(this.sorted(), limit);
  }
}
