/**
 * Which validation scores the runs table shows: RMSE for regression; accuracy for classification, with macro-F1
 * beside it when the classes are imbalanced (the smallest class under half the largest), where accuracy alone
 * flatters a model that ignores the small classes.
 */
import type { RunRecord } from '../../store/db.ts';

export type MetricKey = 'accuracy' | 'macroF1' | 'rmse';

export interface MetricColumn {
  key: MetricKey;
  /** The column's header ("macro-F1"). */
  label: string;
  /** Sorting: the better runs first. */
  better: 'higher' | 'lower';
}

const COLUMNS = new Map<MetricKey, MetricColumn>([
  ['accuracy', { key: 'accuracy', label: 'accuracy', better: 'higher' }],
  ['macroF1', { key: 'macroF1', label: 'macro-F1', better: 'higher' }],
  ['rmse', { key: 'rmse', label: 'RMSE', better: 'lower' }]
]);

/** True when the smallest class has fewer than half the rows of the largest (a class with no rows counts). */
export function isImbalanced(classCounts: readonly number[]): boolean {
  if (classCounts.length < 2) return false;
  return Math.min(...classCounts) * 2 < Math.max(...classCounts);
}

/** The scores that fit a task and its class counts. */
export function metricsFor(task: 'classification' | 'regression', classCounts: readonly number[] = []): MetricColumn[] {
  const keys: MetricKey[] = task === 'regression' ? ['rmse'] : isImbalanced(classCounts) ? ['accuracy', 'macroF1'] : ['accuracy'];
  return keys.map((k) => COLUMNS.get(k)!);
}

/** A run's class counts: its validation report's support per class (none for a run without a report). */
export function classCountsOf(run: Pick<RunRecord, 'evaluation'>): number[] {
  const report = run.evaluation?.validation;
  return report?.kind === 'classification' ? report.perClass.map((c) => c.support) : [];
}

/** The columns for a list of runs: every score any of them needs, in a fixed order. */
export function metricColumnsFor(runs: readonly Pick<RunRecord, 'task' | 'evaluation'>[]): MetricColumn[] {
  const keys = new Set(runs.flatMap((r) => metricsFor(r.task, classCountsOf(r)).map((c) => c.key)));
  return [...COLUMNS.values()].filter((c) => keys.has(c.key));
}

/** The run's score for a column, or null when it has none (a cancelled run, a regression run in an accuracy column). */
export function metricValue(scores: unknown, key: MetricKey): number | null {
  if (!scores || typeof scores !== 'object' || !Object.hasOwn(scores, key)) return null;
  const v = (scores as Record<string, unknown>)[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
