/**
 * Are train, validation and test alike? The target's distribution in each split (class counts and shares, or
 * count/mean/std/min/max for a numeric target) and the drift of every feature — and of the target — from train to
 * validation and from train to test (drift/report.ts, Evidently's default tests). A split with no rows has no drift
 * report (null). Plain JSON.
 */
import { isClassColumn, SPLIT_NAMES as NAMES, type SplitName } from '../split.ts';
import { valueCounts } from '../split/classes.ts';
import { column as findColumn, type Table } from '../table.ts';
import { DriftReference, type DriftColumn, type DriftReport } from './drift/report.ts';
import type { DriftTestName } from './drift/types.ts';

export type SplitTables = Record<SplitName, Table>;

export interface NumericSummary {
  count: number;
  mean: number | null;
  /** Sample standard deviation (ddof = 1); null with fewer than two values. */
  std: number | null;
  min: number | null;
  max: number | null;
}

export type TargetComparison =
  | {
      column: string;
      kind: 'classes';
      classes: { value: string; counts: Record<SplitName, number>; shares: Record<SplitName, number> }[];
      drift: Record<'validation' | 'test', DriftColumn | null>;
    }
  | {
      column: string;
      kind: 'numeric';
      stats: Record<SplitName, NumericSummary>;
      drift: Record<'validation' | 'test', DriftColumn | null>;
    };

export interface SplitComparison {
  sizes: Record<SplitName, number>;
  target: TargetComparison | null;
  /** Feature drift (every column but the target) from train to each other split. */
  drift: Record<'validation' | 'test', DriftReport | null>;
}

export interface CompareOptions {
  target?: string;
  /** Features to compare (default: every column of train but the target). */
  columns?: string[];
  tests?: Record<string, DriftTestName>;
}

export function compareSplits(splits: SplitTables, opts: CompareOptions = {}): SplitComparison {
  const { train } = splits;
  const target = opts.target && findColumn(train, opts.target) ? opts.target : undefined;
  const features = (opts.columns ?? train.columns.map((c) => c.name)).filter((c) => c !== target);
  // Train's side of every comparison is read once, for validation and test, the features and the target alike.
  const reference = new DriftReference(train);
  const drift = (other: Table, columns: string[]) =>
    train.rowCount && other.rowCount ? reference.report(other, { columns, tests: opts.tests, target }) : null;
  return {
    sizes: { train: train.rowCount, validation: splits.validation.rowCount, test: splits.test.rowCount },
    target: target ? compareTarget(splits, target, drift) : null,
    drift: { validation: drift(splits.validation, features), test: drift(splits.test, features) },
  };
}

function compareTarget(splits: SplitTables, name: string, drift: (t: Table, c: string[]) => DriftReport | null): TargetComparison {
  const targetDrift = (t: Table) => drift(t, [name])?.columns[0] ?? null;
  const d = { validation: targetDrift(splits.validation), test: targetDrift(splits.test) };
  const trainCol = findColumn(splits.train, name)!;
  if (isClassColumn(trainCol)) {
    const per = NAMES.map((s) => {
      const col = findColumn(splits[s], name);
      if (!col) return { counts: new Map<string, number>(), present: 0 };
      const vc = valueCounts(col, splits[s].rowCount);
      return { counts: new Map(vc.labels.map((v, i) => [v, vc.counts[i]])), present: splits[s].rowCount - vc.missing };
    });
    const values = [...new Set(per.flatMap((p) => [...p.counts.keys()]))];
    const classes = values.map((value) => {
      const counts = { train: 0, validation: 0, test: 0 }, shares = { train: 0, validation: 0, test: 0 };
      NAMES.forEach((s, i) => {
        counts[s] = per[i].counts.get(value) ?? 0;
        shares[s] = per[i].present ? counts[s] / per[i].present : 0;
      });
      return { value, counts, shares };
    });
    classes.sort((a, b) => b.counts.train - a.counts.train || b.counts.validation + b.counts.test - a.counts.validation - a.counts.test);
    return { column: name, kind: 'classes', classes, drift: d };
  }
  const stats = { train: summary(splits.train, name), validation: summary(splits.validation, name), test: summary(splits.test, name) };
  return { column: name, kind: 'numeric', stats, drift: d };
}

function summary(table: Table, name: string): NumericSummary {
  const col = findColumn(table, name);
  if (col?.kind !== 'numeric') return { count: 0, mean: null, std: null, min: null, max: null };
  const { values, valid } = col;
  let n = 0, sum = 0, min = Infinity, max = -Infinity;
  for (let i = 0; i < table.rowCount; i++) {
    const x = values[i];
    if (!valid[i] || x !== x) continue;
    n++;
    sum += x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  if (!n) return { count: 0, mean: null, std: null, min: null, max: null };
  const mean = sum / n;
  let d2 = 0;
  for (let i = 0; i < table.rowCount; i++) {
    const x = values[i];
    if (valid[i] && x === x) d2 += (x - mean) ** 2;
  }
  return { count: n, mean, std: n > 1 ? Math.sqrt(d2 / (n - 1)) : null, min, max };
}
