/**
 * Model evaluation metrics (pure, sklearn 1.2 semantics; see each file for the exact definition). Inputs are number
 * arrays or typed arrays; classes are integer codes 0..k-1 (negative or NaN = missing, left out), probabilities a
 * row-major n×k matrix or, for binary metrics, P(class 1). Invalid input throws EnclaveError('invalid-argument').
 */
export type { Numbers } from './input.ts';
export { accuracy } from './accuracy.ts';
export { confusionMatrix } from './confusion-matrix.ts';
export { precisionRecallF1, type Average, type PrecisionRecallF1, type PrecisionRecallF1Options } from './precision-recall-f1.ts';
export { binaryCurveCounts, type BinaryCurveCounts } from './binary-curve.ts';
export { rocCurve, type RocCurve } from './roc-curve.ts';
export { rocAuc, rocAucOvr, rocAucPerClass, trapezoid } from './roc-auc.ts';
export { precisionRecallCurve, type PrecisionRecallCurve } from './precision-recall-curve.ts';
export { averagePrecision } from './average-precision.ts';
export { calibrationCurve, type CalibrationCurve } from './calibration-curve.ts';
export { brierScore, brierScoreMulticlass } from './brier.ts';
export { logLoss } from './log-loss.ts';
export { mae, mse, r2, rmse } from './regression.ts';
export { residualSummary, type ResidualOptions, type ResidualSummary } from './residuals.ts';
export {
  classificationReport,
  type AverageScores,
  type ClassificationReport,
  type ClassificationReportOptions,
  type ClassScores,
  type ProbabilityMetrics
} from './classification-report.ts';
export { regressionReport, type RegressionReport } from './regression-report.ts';
export { permutationImportance, type PermutationImportance } from './permutation-importance.ts';
export { metricsBySlice, type SliceMetric } from './slices.ts';
export { mcnemar, mcnemarCounts, binomialHalfCdf, discordantCounts, MCNEMAR_EXACT_BELOW, type Correctness, type McNemarOptions, type McNemarResult } from './mcnemar.ts';
export { pairedBootstrap, pairedBootstrapAccuracy, pairedBootstrapError, quantileSorted, DEFAULT_RESAMPLES, type PairedBootstrap, type PairedBootstrapOptions } from './paired-bootstrap.ts';
