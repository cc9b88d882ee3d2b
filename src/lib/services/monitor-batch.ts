/**
 * A scored batch checked against what the model was trained on, without the training rows:
 *   - feature drift: each source column of the training summary (the training split's rows before the recipe) that
 *     the batch also has, the target left out, with the Prepare stage's default test (Evidently's rule), from the
 *     summary (core/validate/drift/summary-drift.ts); the dataset drifts when the drifted share reaches the threshold;
 *   - prediction drift: the batch's predicted classes (or values) against a summary of the model's predictions on a
 *     split it was assessed on (summarisePredictions);
 *   - concept drift: when the batch carries labels, the model's scores on its labelled rows beside the sealed test's,
 *     computed from the same one pass of predictions, by the functions training scores with.
 * Alerts say in plain words which threshold was crossed. The report is plain JSON (it is stored per batch); the
 * batch's rows are not in it.
 */
import { EnclaveError, throwIfAborted } from '../core/errors.ts';
import { applyRecipe } from '../core/recipe/index.ts';
import { numericColumn, stringColumn, takeRows } from '../core/table-ops.ts';
import { column as findColumn, type Table } from '../core/table.ts';
import { DATASET_DRIFT_SHARE, driftFromSummary, summariseTable, type DriftColumn, type DriftTestName, type TrainingSummary } from '../core/validate/drift/index.ts';
import { featureMatrix, targetVector } from '../ml/matrix.ts';
import { argmaxRows, type TrainedModel } from '../ml/models/saved.ts';
import { classificationScores, finitePredictions, regressionScores, type Scores } from '../ml/models/score.ts';
import { predictTable, type ModelCard, type Predictions } from './predict.ts';

/** The column the predictions are summarised and compared under. */
export const PREDICTION_COLUMN = 'prediction';
/** A labelled metric falling by more than this (accuracy, or R² for regression) raises an alert. */
export const DEFAULT_METRIC_DROP = 0.05;

export interface MonitorThresholds {
  /** Share of drifted features at which the batch drifts (default 0.5). */
  driftedShare?: number;
  /** Largest fall of accuracy (classification) or R² (regression) from the sealed test without an alert (default 0.05). */
  metricDrop?: number;
}

export interface MonitorInput {
  model: TrainedModel;
  card: ModelCard;
  /** Summary of the training split's source rows (before the recipe). */
  summary: TrainingSummary;
  /** summarisePredictions of the model's predictions on its training or validation split. */
  predictionSummary?: TrainingSummary;
  /** The sealed test's scores, for the metric drop. */
  testMetrics?: Scores;
  batch: Table;
  /** Score the batch on its labels in this column (the model's target): an error when the batch lacks it. */
  target?: string;
  thresholds?: MonitorThresholds;
  /** Only these source columns are tested for drift (default: every summarised column but the target). */
  columns?: string[];
  signal?: AbortSignal;
}

export interface PredictionDrift {
  test: DriftTestName;
  statistic: number | null;
  pValue: number | null;
  threshold: number;
  drifted: boolean;
  referenceSize: number;
  currentSize: number;
}

export interface BatchMetrics {
  /** Scores on the batch's labelled rows. */
  batch: Scores;
  test?: Scores;
  /** Which score the drop is of: accuracy (classification) or r2 (regression). */
  metric: 'accuracy' | 'r2';
  /** test − batch of that score (positive: worse on the batch); with testMetrics only. */
  drop?: number;
  /** Rows with a label (rows without one are not scored). */
  labelled: number;
}

export interface MonitorAlert {
  kind: 'data-drift' | 'metric-drop';
  message: string;
}

export interface MonitorReport {
  rows: number;
  /** Per feature (source column): test, statistic, p-value, threshold, verdict, sample sizes. */
  columns: DriftColumn[];
  /** Features not tested, with the reason (absent from the batch, no values, a type with no test). */
  skipped: { column: string; reason: string }[];
  driftedCount: number;
  driftedShare: number;
  datasetDrift: boolean;
  /** Drift of the predictions; null without a prediction summary. */
  prediction: PredictionDrift | null;
  metrics?: BatchMetrics;
  alerts: MonitorAlert[];
  thresholds: { driftedShare: number; metricDrop: number };
}

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
const fmt = (x: number) => (Math.round(x * 1000) / 1000).toString();

function checkThresholds(t: MonitorThresholds = {}): { driftedShare: number; metricDrop: number } {
  const driftedShare = t.driftedShare ?? DATASET_DRIFT_SHARE, metricDrop = t.metricDrop ?? DEFAULT_METRIC_DROP;
  if (!(driftedShare > 0 && driftedShare <= 1)) throw new EnclaveError('invalid-argument', `The drifted-share threshold is a share above 0 and at most 1 (got ${driftedShare}).`);
  if (!(metricDrop >= 0 && Number.isFinite(metricDrop))) throw new EnclaveError('invalid-argument', `The metric-drop margin is a number of at least 0 (got ${metricDrop}).`);
  return { driftedShare, metricDrop };
}

export async function monitorBatch(input: MonitorInput): Promise<MonitorReport> {
  const { model, card, summary, batch, signal } = input;
  const thresholds = checkThresholds(input.thresholds);
  if (batch.rowCount === 0) throw new EnclaveError('invalid-argument', 'The batch has no rows: there is nothing to score or to compare with the training data.');
  if (input.target !== undefined) {
    if (input.target !== card.target)
      throw new EnclaveError('invalid-argument', `This model predicts "${card.target}", so its labels are read from that column, not "${input.target}".`, { target: input.target });
    if (!findColumn(batch, input.target))
      throw new EnclaveError('invalid-argument', `The batch has no "${input.target}" column, so there are no labels to score the model on. Add the labels, or monitor drift without them.`, { column: input.target });
  }

  // One pass of the model: predictions for the prediction drift, outputs for the scores.
  const prepared = applyRecipe(batch, card.fitted, 'predict');
  throwIfAborted(signal);
  const m = featureMatrix(prepared, card.target, card.features);
  const shape = { task: card.task, features: card.features, ...(card.classNames ? { classNames: card.classNames } : {}) };
  const out = await finitePredictions(model, { ...m, y: new Float32Array(0), shape });
  throwIfAborted(signal);

  const features = (input.columns ?? summary.columns.map((c) => c.name)).filter((c) => c !== card.target);
  const drift = driftFromSummary(summary, batch, { columns: features, driftShare: thresholds.driftedShare });

  let prediction: PredictionDrift | null = null;
  if (input.predictionSummary) {
    const current = predictionTable(outputsToPredictions(out, card));
    const r = driftFromSummary(input.predictionSummary, current, { columns: [PREDICTION_COLUMN], target: PREDICTION_COLUMN });
    const c = r.columns[0];
    if (!c) throw new EnclaveError('invalid-argument', `The prediction summary cannot be compared with this model's predictions (${r.skipped[0]?.reason ?? `it has no "${PREDICTION_COLUMN}" column`}).`);
    prediction = { test: c.test, statistic: c.statistic, pValue: c.pValue, threshold: c.threshold, drifted: c.drifted, referenceSize: c.referenceSize, currentSize: c.currentSize };
  }

  const metrics = input.target !== undefined ? labelledScores(prepared, out, card, input.testMetrics) : undefined;

  const alerts: MonitorAlert[] = [];
  if (drift.datasetDrift) {
    const names = drift.columns.filter((c) => c.drifted).map((c) => `"${c.column}"`);
    alerts.push({
      kind: 'data-drift',
      message: `${drift.driftedCount} of ${drift.columns.length} features drifted (${pct(drift.driftedShare)}), at or above the alert threshold of ${pct(thresholds.driftedShare)}: ${names.join(', ')}.`,
    });
  }
  if (metrics?.drop !== undefined && metrics.drop > thresholds.metricDrop) {
    const name = metrics.metric === 'accuracy' ? 'Accuracy' : 'R²';
    const now = scoreOf(metrics.batch, metrics.metric)!, before = scoreOf(metrics.test!, metrics.metric)!;
    alerts.push({
      kind: 'metric-drop',
      message: `${name} on this batch's ${metrics.labelled} labelled rows is ${fmt(now)}, ${fmt(metrics.drop)} below the sealed test's ${fmt(before)} (alert margin ${fmt(thresholds.metricDrop)}).`,
    });
  }
  return {
    rows: batch.rowCount,
    columns: drift.columns,
    skipped: drift.skipped,
    driftedCount: drift.driftedCount,
    driftedShare: drift.driftedShare,
    datasetDrift: drift.datasetDrift,
    prediction,
    ...(metrics ? { metrics } : {}),
    alerts,
    thresholds,
  };
}

/** Scores of the rows that carry a label, from the model's outputs for every row. */
function labelledScores(prepared: Table, out: Float32Array, card: ModelCard, test: Scores | undefined): BatchMetrics {
  const col = findColumn(prepared, card.target);
  if (!col) throw new EnclaveError('invalid-argument', `The batch has no "${card.target}" column after the recipe, so there are no labels to score the model on.`, { column: card.target });
  const rows: number[] = [];
  for (let i = 0; i < prepared.rowCount; i++) if (col.valid[i] && (col.kind === 'string' || Number.isFinite(col.values[i]))) rows.push(i);
  if (rows.length === 0)
    throw new EnclaveError('invalid-argument', `None of the batch's ${prepared.rowCount} rows has a label in "${card.target}": there is nothing to score the model on.`, { column: card.target });
  const { y } = targetVector(takeRows(prepared, rows), card.target, { task: card.task, classNames: card.classNames });
  const metric = card.task === 'classification' ? 'accuracy' : 'r2';
  let batch: Scores;
  if (card.task === 'classification') {
    const k = card.classNames!.length;
    const probs = new Float32Array(rows.length * k);
    rows.forEach((r, i) => probs.set(out.subarray(r * k, r * k + k), i * k));
    batch = classificationScores(y as Int32Array, probs, k);
  } else batch = regressionScores(y as Float32Array, Float32Array.from(rows, (r) => out[r]));
  const before = test ? scoreOf(test, metric) : undefined;
  const drop = before !== undefined ? before - scoreOf(batch, metric)! : undefined;
  return { batch, ...(test ? { test } : {}), metric, ...(drop !== undefined ? { drop } : {}), labelled: rows.length };
}

/** The score a drop is measured on, when the scores have it. */
function scoreOf(s: Scores, metric: BatchMetrics['metric']): number | undefined {
  if (metric === 'accuracy') return 'accuracy' in s ? s.accuracy : undefined;
  return 'r2' in s ? s.r2 : undefined;
}

function outputsToPredictions(out: Float32Array, card: Pick<ModelCard, 'task' | 'classNames'>): (string | number)[] {
  if (card.task === 'regression') return Array.from(out);
  const classes = card.classNames!;
  return Array.from(argmaxRows(out, classes.length), (c) => classes[c]);
}

/** Predictions as a one-column table: class names (categorical) or values (float). */
function predictionTable(predictions: readonly (string | number)[]): Table {
  const numeric = predictions.length > 0 && typeof predictions[0] === 'number';
  const col = numeric
    ? numericColumn(PREDICTION_COLUMN, 'float', Float64Array.from(predictions as number[]))
    : stringColumn(PREDICTION_COLUMN, 'categorical', predictions.map(String));
  return { rowCount: predictions.length, columns: [col] };
}

/** The summary a batch's predictions are compared with: of predictions on a split the model was assessed on. */
export function summarisePredictions(predictions: Pick<Predictions, 'predictions'> | readonly (string | number)[]): TrainingSummary {
  const list = Array.isArray(predictions) ? predictions : (predictions as Predictions).predictions;
  if (list.length === 0) throw new EnclaveError('invalid-argument', 'There are no predictions to summarise.');
  return summariseTable(predictionTable(list));
}

/** predictTable on a split's source rows, summarised (e.g. the validation split when a version is registered). */
export async function predictionSummaryOf(model: TrainedModel, card: ModelCard, sourceRows: Table, signal?: AbortSignal): Promise<TrainingSummary> {
  return summarisePredictions(await predictTable(model, card, sourceRows, signal));
}

