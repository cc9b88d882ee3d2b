/**
 * Drift of every column between a reference table (say, training rows) and a current one: each column gets its
 * default test (choose.ts, Evidently's rule) or the one asked for, and the dataset drifts when at least half of the
 * tested columns drift (Evidently's drift_share = 0.5). Columns that cannot be compared are listed in `skipped` with
 * the reason. Plain JSON throughout.
 */
import { EnclaveError } from '../../errors.ts';
import { column as findColumn, type Column, type ColumnType } from '../../table.ts';
import type { Table } from '../../table.ts';
import { chisquare } from './chisquare.ts';
import { chooseTest, featureKind, type FeatureKind } from './choose.ts';
import { jensenshannon } from './jensenshannon.ts';
import { ks } from './ks.ts';
import { linf } from './linf.ts';
import { psi } from './psi.ts';
import type { DriftResult, DriftTestName, Sample } from './types.ts';
import { wasserstein } from './wasserstein.ts';
import { z } from './z.ts';

export const DATASET_DRIFT_SHARE = 0.5;

export const DRIFT_TESTS: readonly DriftTestName[] = ['psi', 'ks', 'chisquare', 'z', 'jensenshannon', 'linf', 'wasserstein'];

type Comparator = (reference: Sample, current: Sample, opts: { threshold?: number; kind?: FeatureKind }) => DriftResult;

const COMPARATORS: Record<DriftTestName, Comparator> = { psi, ks, chisquare, z, jensenshannon, linf, wasserstein };

/** Tests that read a sample as numbers only. */
const NUMERIC_ONLY: ReadonlySet<DriftTestName> = new Set(['ks', 'wasserstein']);

export interface DriftColumn {
  column: string;
  type: ColumnType;
  test: DriftTestName;
  statistic: number | null;
  pValue: number | null;
  threshold: number;
  drifted: boolean;
  referenceSize: number;
  currentSize: number;
  logBase: 'e' | 2 | null;
}

export interface DriftReport {
  columns: DriftColumn[];
  skipped: { column: string; reason: string }[];
  driftedCount: number;
  driftedShare: number;
  datasetDrift: boolean;
}

export interface DriftReportOptions {
  /** Columns to compare (default: every column of the reference). */
  columns?: string[];
  /** A test per column instead of the default. */
  tests?: Record<string, DriftTestName>;
  /** A threshold per column instead of the test's default. */
  thresholds?: Record<string, number>;
  /** The target column (its type is read as Evidently reads a target). */
  target?: string;
}

export function driftReport(reference: Table, current: Table, opts: DriftReportOptions = {}): DriftReport {
  const names = opts.columns ?? reference.columns.map((c) => c.name);
  const columns: DriftColumn[] = [];
  const skipped: DriftReport['skipped'] = [];
  for (const name of names) {
    const ref = findColumn(reference, name), cur = findColumn(current, name);
    if (!ref) { skipped.push({ column: name, reason: 'not in the reference data' }); continue; }
    if (!cur) { skipped.push({ column: name, reason: 'not in the current data' }); continue; }
    if (ref.kind !== cur.kind) { skipped.push({ column: name, reason: `type changed from ${ref.type} to ${cur.type}` }); continue; }
    const r = presentValues(ref), c = presentValues(cur);
    if (r.length === 0 || c.length === 0) { skipped.push({ column: name, reason: `no values in the ${r.length === 0 ? 'reference' : 'current'} data` }); continue; }
    const distinct = pooledDistinct(r, c);
    const isTarget = name === opts.target;
    const asked = opts.tests?.[name];
    if (asked && !COMPARATORS[asked]) throw new EnclaveError('invalid-argument', `Unknown drift test "${asked}" for column "${name}".`);
    const test = asked ?? chooseTest(ref.type, r.length, distinct, isTarget);
    if (!test) { skipped.push({ column: name, reason: `no drift test for ${ref.type} columns` }); continue; }
    if (NUMERIC_ONLY.has(test) && ref.kind !== 'numeric') {
      throw new EnclaveError('invalid-argument', `The ${test} test compares numbers; column "${name}" holds ${ref.type} values.`);
    }
    const kind = featureKind(ref.type, distinct, isTarget) ?? (ref.kind === 'numeric' ? 'numeric' : 'categorical');
    const res = COMPARATORS[test](r, c, { threshold: opts.thresholds?.[name], kind });
    columns.push({
      column: name,
      type: ref.type,
      test,
      statistic: res.statistic,
      pValue: res.pValue,
      threshold: res.threshold,
      drifted: res.drifted,
      referenceSize: res.referenceSize,
      currentSize: res.currentSize,
      logBase: res.logBase ?? null,
    });
  }
  const driftedCount = columns.filter((c) => c.drifted).length;
  const driftedShare = columns.length ? driftedCount / columns.length : 0;
  return { columns, skipped, driftedCount, driftedShare, datasetDrift: columns.length > 0 && driftedShare >= DATASET_DRIFT_SHARE };
}

/** Present values: finite numbers as a Float64Array, strings as an array of labels. */
export function presentValues(col: Column): Float64Array | string[] {
  const n = col.valid.length;
  if (col.kind === 'numeric') {
    const out: number[] = [];
    for (let i = 0; i < n; i++) if (col.valid[i] && Number.isFinite(col.values[i])) out.push(col.values[i]);
    return Float64Array.from(out);
  }
  const out: string[] = [];
  for (let i = 0; i < n; i++) if (col.valid[i]) out.push(col.dictionary[col.codes[i]]);
  return out;
}

function pooledDistinct(a: Float64Array | string[], b: Float64Array | string[]): number {
  const seen = new Set<number | string>();
  for (let i = 0; i < a.length; i++) seen.add(a[i]);
  for (let i = 0; i < b.length; i++) seen.add(b[i]);
  return seen.size;
}
