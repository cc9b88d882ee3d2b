/**
 * A model on one split: its scores (model choice, the runs table) and its full report (confusion matrix, curves,
 * calibration / residuals), from ONE pass of predictions, refused when any is non-finite.
 */
import { classificationReport, regressionReport, type ClassificationReport, type RegressionReport } from '../core/metrics/index.ts';
import type { Dataset } from '../ml/matrix.ts';
import { argmaxRows, type TrainedModel } from '../ml/models/saved.ts';
import { classificationScores, finitePredictions, regressionScores, type Scores } from '../ml/models/score.ts';

export type EvaluationReport = ClassificationReport | RegressionReport;

export interface Assessment {
  scores: Scores;
  report: EvaluationReport;
}

export async function assess(model: TrainedModel, data: Dataset): Promise<Assessment> {
  const out = await finitePredictions(model, data);
  if (data.shape.task === 'regression') {
    const y = data.y as Float32Array;
    return { scores: regressionScores(y, out), report: regressionReport(y, out) };
  }
  const classes = data.shape.classNames!;
  const y = data.y as Int32Array;
  return { scores: classificationScores(y, out, classes.length), report: classificationReport(y, argmaxRows(out, classes.length), out, classes) };
}
