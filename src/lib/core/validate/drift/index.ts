/** Drift comparators (each: reference sample, current sample → DriftResult), the default-test rule, and the report. */
export { chisquare, CHISQUARE_THRESHOLD } from './chisquare.ts';
export { chooseTest, featureKind, SMALL_REFERENCE, type FeatureKind } from './choose.ts';
export { jensenshannon, jensenShannonDistance, JENSEN_SHANNON_THRESHOLD } from './jensenshannon.ts';
export { kolmogorovSf, smirnovSf } from './kolmogorov.ts';
export { ks, ksPValue, ksStatistic, KS_THRESHOLD, type KsMethod, type KsResult } from './ks.ts';
export { linf, LINF_THRESHOLD } from './linf.ts';
export { psi, PSI_THRESHOLD } from './psi.ts';
export { DATASET_DRIFT_SHARE, DRIFT_TESTS, DriftReference, driftReport, type DriftColumn, type DriftReport, type DriftReportOptions } from './report.ts';
export { sampleShares, EMPTY_BUCKET_SHARE, type Shares } from './shares.ts';
export { viewOf, type DriftResult, type DriftTestName, type Sample, type SampleInput, type SampleKind, type SampleView, type Value } from './types.ts';
export { wasserstein, wassersteinDistance, WASSERSTEIN_THRESHOLD } from './wasserstein.ts';
export { z, Z_THRESHOLD } from './z.ts';
export { summariseTable, summariseColumn, SUMMARY_FORMAT, SUMMARY_VERSION, type TrainingSummary, type ColumnSummary, type NumericSummary, type CategoricalSummary, type WithheldSummary, type SummaryOptions } from './summary.ts';
export { TrainingSummarySchema, parseTrainingSummary } from './summary-schema.ts';
export { driftFromSummary, type SummaryDriftOptions } from './summary-drift.ts';
