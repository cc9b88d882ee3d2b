/**
 * What the evaluation charts' legends say, as pure functions of the report: each ROC curve's class with its own AUC,
 * the PR curve's positive class with its average precision and the chance level it should beat, the calibration
 * curve's rows and bins. The numbers are the report's (the full curves' scores), never a curve's last drawn point.
 */
import type { ClassificationReport, ProbabilityMetrics } from '$lib/core/metrics/classification-report';
import type { CalibrationCurve } from '$lib/core/metrics/calibration-curve';
import { readableNumber } from '$lib/core/readable';

export interface LegendEntry {
  /** The series: a class name, "chance", "perfect calibration". */
  name: string;
  /** Its summary: "AUC 0.982", "AP 0.911". */
  summary: string;
}

/** A score in a legend: three decimals, "undefined" where the report has none. */
export const score = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? 'undefined' : x.toFixed(3));

/**
 * One entry per drawn ROC curve: binary — the positive class with the report's AUC; multiclass — each class (against
 * the rest) with its own one-vs-rest AUC.
 */
export function rocLegend(p: ProbabilityMetrics, classNames: readonly string[]): LegendEntry[] {
  return p.rocCurves.map((c) => {
    const auc = p.rocAucPerClass ? p.rocAucPerClass[classNames.indexOf(c.className)] : p.rocAuc;
    return { name: p.rocAucPerClass ? `${c.className} vs rest` : c.className, summary: `AUC ${score(auc)}` };
  });
}

/** The diagonal a model that ranks at random would draw: AUC 0.5. */
export const ROC_CHANCE: LegendEntry = { name: 'chance', summary: 'AUC 0.500' };

/** The share of rows whose true class is the positive one (classNames[1]): a random ranking's precision, and AP. */
export function positiveRate(report: Pick<ClassificationReport, 'perClass' | 'classNames'>): number | null {
  if (report.classNames.length !== 2) return null;
  const total = report.perClass.reduce((s, c) => s + c.support, 0);
  return total ? report.perClass[1].support / total : null;
}

/** The PR curve (binary): the positive class with its average precision, and the chance level it should beat. */
export function prLegend(p: ProbabilityMetrics, report: Pick<ClassificationReport, 'perClass' | 'classNames'>): { curve: LegendEntry; chance: LegendEntry | null } {
  const rate = positiveRate(report);
  return {
    curve: { name: report.classNames[1], summary: `AP ${score(p.averagePrecision)}` },
    chance: rate === null ? null : { name: 'chance (share of positives)', summary: `precision ${score(rate)}` },
  };
}

/** The calibration curve: how many rows in how many non-empty bins (each bin's count is drawn under the curve). */
export function calibrationLegend(c: CalibrationCurve): LegendEntry {
  const rows = c.counts.reduce((s, k) => s + k, 0);
  return { name: 'observed share of positives', summary: `${readableNumber(rows)} rows in ${c.counts.length} bin${c.counts.length === 1 ? '' : 's'}` };
}

export const PERFECT_CALIBRATION: LegendEntry = { name: 'perfect calibration', summary: 'observed share = predicted probability' };
