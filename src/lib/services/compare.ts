/**
 * A/B comparison of two model versions on the same labelled batch: both predict every row (predictTable), each is
 * scored against the batch's target column, and the difference is tested on the *paired* rows — McNemar's test for
 * classification (only rows where exactly one model is right carry information), a paired bootstrap interval of the
 * accuracy or RMSE difference for both tasks. The verdict says whether the challenger is better, worse, or not shown
 * to differ from the champion at the 5% level.
 */
import { EnclaveError, throwIfAborted } from '../core/errors.ts';
import { mcnemar, type McNemarResult } from '../core/metrics/mcnemar.ts';
import { pairedBootstrapAccuracy, pairedBootstrapError, type PairedBootstrap, type PairedBootstrapOptions } from '../core/metrics/paired-bootstrap.ts';
import { column, type Column, type NumericColumn, type Table } from '../core/table.ts';
import type { TrainedModel } from '../ml/models/saved.ts';
import { predictTable, type ModelCard } from './predict.ts';

export interface ComparedModel {
  model: TrainedModel;
  card: ModelCard;
}

export interface CompareOptions {
  /** The target column of the batch (the column both models predict). */
  target: string;
  /** Seeds the bootstrap (default 42). */
  seed?: number;
  /** Bootstrap resamples (default 2,000). */
  resamples?: number;
  signal?: AbortSignal;
}

export type Verdict = 'better' | 'worse' | 'no-difference';

export interface Comparison {
  metric: 'accuracy' | 'rmse';
  /** Rows compared (those with a label). */
  rows: number;
  /** Rows left out because their label is missing. */
  excluded: { missingTarget: number };
  /** The champion's and the challenger's score on those rows. */
  champion: number;
  challenger: number;
  /** challenger − champion, with its paired bootstrap 95% interval. */
  difference: { estimate: number; ci95: [number, number] };
  /** Classification only: b = rows the champion alone got right, c = rows the challenger alone got right. */
  mcnemar?: McNemarResult;
  /** The challenger against the champion. */
  verdict: Verdict;
  verdictText: string;
}

/** Significance level of the verdict. */
export const COMPARE_ALPHA = 0.05;

function refuse(message: string, detail?: Record<string, unknown>): never {
  throw new EnclaveError('invalid-argument', message, detail);
}

/** Each row's class as text, as the training split names classes (ml/matrix.ts); null where the label is missing. */
function classLabels(col: Column, n: number): (string | null)[] {
  return Array.from({ length: n }, (_, i) => {
    if (!col.valid[i]) return null;
    if (col.kind === 'string') return col.dictionary[col.codes[i]];
    return col.type === 'boolean' ? (col.values[i] === 1 ? 'true' : 'false') : String(col.values[i]);
  });
}

const percent = (x: number) => `${(100 * x).toFixed(1)}%`;
const num = (x: number) => String(Number(x.toPrecision(4)));
const pText = (p: number) => (p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`);
const rowsText = (n: number) => `${n.toLocaleString('en-US')} row${n === 1 ? '' : 's'}`;

function checkModels(champion: ComparedModel, challenger: ComparedModel, target: string): 'classification' | 'regression' {
  for (const [name, m] of [['champion', champion], ['challenger', challenger]] as const)
    if (m.card.target !== target)
      refuse(`The ${name} predicts "${m.card.target}", not "${target}": both models must predict the column they are compared on.`, { model: name, target: m.card.target });
  if (champion.card.task !== challenger.card.task)
    refuse(`The champion is a ${champion.card.task} model and the challenger a ${challenger.card.task} model: they cannot be scored by the same measure.`);
  return champion.card.task;
}

/**
 * The champion and the challenger (same target, same task) scored on the labelled rows of `batch`. Classification:
 * accuracy, McNemar's test, bootstrap interval of the accuracy difference; the verdict follows McNemar (p < 0.05, the
 * direction from the accuracies). Regression: RMSE and the bootstrap interval of its difference; the verdict says
 * better or worse only when that interval excludes 0. Rows without a label are left out and counted.
 */
export async function compareModels(champion: ComparedModel, challenger: ComparedModel, batch: Table, opts: CompareOptions): Promise<Comparison> {
  const { target, signal } = opts;
  const task = checkModels(champion, challenger, target);
  const col = column(batch, target);
  if (!col) refuse(`This batch has no "${target}" column: comparing models needs labelled rows.`, { column: target });
  if (task === 'regression' && col.kind !== 'numeric')
    throw new EnclaveError('invalid-target', `The "${target}" column of this batch holds ${col.type} values, but the models predict numbers.`, { column: target });

  const a = await predictTable(champion.model, champion.card, batch, signal);
  const b = await predictTable(challenger.model, challenger.card, batch, signal);
  throwIfAborted(signal);
  const scored: Scored = { target, rowCount: batch.rowCount, a: a.predictions, b: b.predictions, boot: { seed: opts.seed, resamples: opts.resamples, signal } };
  return col.kind === 'numeric' && task === 'regression' ? compareValues(col, scored) : compareClasses(col, scored);
}

interface Scored {
  target: string;
  rowCount: number;
  /** The champion's and the challenger's prediction per batch row. */
  a: (string | number)[];
  b: (string | number)[];
  boot: PairedBootstrapOptions;
}

/** The batch rows that have a label; refused when there are none. */
function labelledRows(present: (i: number) => boolean, { rowCount, target }: Scored): { keep: number[]; excluded: { missingTarget: number } } {
  const keep: number[] = [];
  for (let i = 0; i < rowCount; i++) if (present(i)) keep.push(i);
  if (keep.length === 0) refuse(`Every "${target}" value in this batch is missing: there is nothing to compare the models on.`, { column: target });
  return { keep, excluded: { missingTarget: rowCount - keep.length } };
}

function compareClasses(col: Column, s: Scored): Comparison {
  const labels = classLabels(col, s.rowCount);
  const { keep, excluded } = labelledRows((i) => labels[i] !== null, s);
  const rows = keep.length;
  // A label the model never saw can never equal its prediction, so it counts as wrong.
  const rightA = Uint8Array.from(keep, (i) => (s.a[i] === labels[i] ? 1 : 0));
  const rightB = Uint8Array.from(keep, (i) => (s.b[i] === labels[i] ? 1 : 0));
  const test = mcnemar(rightA, rightB);
  const difference = pairedBootstrapAccuracy(rightA, rightB, s.boot);
  const accA = rightA.reduce((t, x) => t + x, 0) / rows, accB = rightB.reduce((t, x) => t + x, 0) / rows;
  const verdict: Verdict = test.pValue < COMPARE_ALPHA ? (accB > accA ? 'better' : 'worse') : 'no-difference';
  const scores = `accuracy ${percent(accB)} against the champion's ${percent(accA)} on ${rowsText(rows)}${leftOut(excluded.missingTarget, s.target)}`;
  const tested = `McNemar's test ${pText(test.pValue)}: the challenger alone was right on ${rowsText(test.c)}, the champion alone on ${rowsText(test.b)}`;
  const verdictText = verdict === 'no-difference'
    ? `No difference shown: the challenger's ${scores}; ${tested}, which is not below ${COMPARE_ALPHA}.`
    : `The challenger is ${verdict}: ${scores}; ${tested}.`;
  return { metric: 'accuracy', rows, excluded, champion: accA, challenger: accB, difference: interval(difference), mcnemar: test, verdict, verdictText };
}

function compareValues(col: NumericColumn, s: Scored): Comparison {
  const values = col.values;
  const { keep, excluded } = labelledRows((i) => col.valid[i] === 1 && Number.isFinite(values[i]), s);
  const rows = keep.length;
  const y = Float64Array.from(keep, (i) => values[i]);
  const pa = Float64Array.from(keep, (i) => Number(s.a[i]));
  const pb = Float64Array.from(keep, (i) => Number(s.b[i]));
  for (const [name, p] of [['champion', pa], ['challenger', pb]] as const) {
    const bad = p.filter((x) => !Number.isFinite(x)).length;
    if (bad) throw new EnclaveError('non-finite', `The ${name} predicted no number for ${rowsText(bad)} of this batch: it cannot be scored.`, { model: name, rows: bad });
  }
  const difference = pairedBootstrapError(y, pa, pb, 'rmse', s.boot);
  const rmseOf = (p: Float64Array) => Math.sqrt(p.reduce((t, x, i) => t + (y[i] - x) ** 2, 0) / rows);
  const rmseA = rmseOf(pa), rmseB = rmseOf(pb);
  const [lo, hi] = difference.ci95;
  // Lower RMSE is better: an interval wholly below 0 means the challenger errs less.
  const verdict: Verdict = hi < 0 ? 'better' : lo > 0 ? 'worse' : 'no-difference';
  const scores = `RMSE ${num(rmseB)} against the champion's ${num(rmseA)} on ${rowsText(rows)}${leftOut(excluded.missingTarget, s.target)}`;
  const ci = `the 95% interval of the difference is ${num(lo)} to ${num(hi)}`;
  const verdictText = verdict === 'no-difference'
    ? `No difference shown: the challenger's ${scores}; ${ci}, which includes 0.`
    : `The challenger is ${verdict}: ${scores}; ${ci}, ${verdict === 'better' ? 'below' : 'above'} 0.`;
  return { metric: 'rmse', rows, excluded, champion: rmseA, challenger: rmseB, difference: interval(difference), verdict, verdictText };
}

function interval(d: PairedBootstrap): { estimate: number; ci95: [number, number] } {
  return { estimate: d.estimate, ci95: d.ci95 };
}

function leftOut(n: number, target: string): string {
  return n ? ` (${rowsText(n)} without a "${target}" value left out)` : '';
}
