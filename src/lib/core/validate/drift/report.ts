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
import { columnSample, presentValues, type ColumnSample } from './columns.ts';
import { jensenshannon } from './jensenshannon.ts';
import { ks } from './ks.ts';
import { linf } from './linf.ts';
import { psi } from './psi.ts';
import type { DriftResult, DriftTestName, SampleInput } from './types.ts';
import { wasserstein } from './wasserstein.ts';
import { z } from './z.ts';

export { presentValues };

export const DATASET_DRIFT_SHARE = 0.5;

export const DRIFT_TESTS: readonly DriftTestName[] = ['psi', 'ks', 'chisquare', 'z', 'jensenshannon', 'linf', 'wasserstein'];

type Comparator = (reference: SampleInput, current: SampleInput, opts: { threshold?: number; kind?: FeatureKind }) => DriftResult;

const COMPARATORS: Record<DriftTestName, Comparator> = { psi, ks, chisquare, z, jensenshannon, linf, wasserstein };

/** Tests that read a sample as numbers only. */
const NUMERIC_ONLY: ReadonlySet<DriftTestName> = new Set(['ks', 'wasserstein']);

/** One column's comparison: its test's DriftResult, named and typed, with logBase null (not absent) for the other tests. */
export interface DriftColumn extends Omit<DriftResult, 'logBase'> {
  column: string;
  type: ColumnType;
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
  return new DriftReference(reference).report(current, opts);
}

/**
 * A reference table to compare others with: each column's sample (sorted copy, counts) is made on first use and kept,
 * so comparing the same reference with several tables (validation and test, the target and the features) reads each
 * reference column once.
 */
export class DriftReference {
  private readonly samples = new Map<string, ColumnSample>();

  constructor(readonly table: Table) {}

  private sample(name: string, col: Column): ColumnSample {
    let s = this.samples.get(name);
    if (!s) this.samples.set(name, (s = columnSample(col)));
    return s;
  }

  report(current: Table, opts: DriftReportOptions = {}): DriftReport {
    const reference = this.table;
    const names = opts.columns ?? reference.columns.map((c) => c.name);
    const columns: DriftColumn[] = [];
    const skipped: DriftReport['skipped'] = [];
    for (const name of names) {
      const ref = findColumn(reference, name), cur = findColumn(current, name);
      if (!ref) { skipped.push({ column: name, reason: 'not in the reference data' }); continue; }
      if (!cur) { skipped.push({ column: name, reason: 'not in the current data' }); continue; }
      if (ref.kind !== cur.kind) { skipped.push({ column: name, reason: `type changed from ${ref.type} to ${cur.type}` }); continue; }
      const r = this.sample(name, ref), c = columnSample(cur);
      if (r.size === 0 || c.size === 0) { skipped.push({ column: name, reason: `no values in the ${r.size === 0 ? 'reference' : 'current'} data` }); continue; }
      const distinct = pooledDistinct(r, c);
      const isTarget = name === opts.target;
      const asked = opts.tests?.[name];
      if (asked && !COMPARATORS[asked]) throw new EnclaveError('invalid-argument', `Unknown drift test "${asked}" for column "${name}".`);
      const test = asked ?? chooseTest(ref.type, r.size, distinct, isTarget);
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
}

/**
 * Distinct present values of both samples pooled, as far as the test choice needs it (choose.ts reads n ≤ 2, n < 5
 * and n ≤ 5): exact up to 5, else 6 (or more).
 */
function pooledDistinct(a: ColumnSample, b: ColumnSample): number {
  const LIMIT = 5;
  const ka = a.keysUpTo(LIMIT), kb = b.keysUpTo(LIMIT);
  if (ka.size > LIMIT || kb.size > LIMIT) return LIMIT + 1;
  const all = new Set(ka);
  for (const k of kb) all.add(k);
  return all.size;
}
