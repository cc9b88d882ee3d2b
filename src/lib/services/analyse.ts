/**
 * Error analysis of a model on its validation split: metrics per slice of a source column, permutation feature
 * importance (core/metrics/permutation-importance.ts: scikit-learn's semantics, each feature shuffled with the same
 * seeded permutations), and the worst-predicted rows shown as the person's own source rows. Validation rows are mapped
 * back to source rows through the (deterministic) split; when a recipe step removed evaluation rows that mapping no
 * longer holds, and slices and rows are left out with a note. Store-free: the analyse job loads the inputs.
 */
import { quantileSorted } from 'd3-array';
import { EnclaveError, throwIfAborted } from '../core/errors.ts';
import { metricsBySlice, permutationImportance } from '../core/metrics/index.ts';
import { readableDate, readableNumber } from '../core/readable.ts';
import { splitTable, type SplitOptions } from '../core/split.ts';
import { cell, type Column, type Table } from '../core/table.ts';
import type { Dataset } from '../ml/matrix.ts';
import { argmaxRows, type TrainedModel } from '../ml/models/saved.ts';

type Value = string | number | boolean | null;

export interface Analysis {
  metric: 'accuracy' | 'rmse';
  slices: { column: string; rows: { name: string; count: number; value: number | null }[] } | null;
  /** Most important first. */
  importance: { feature: string; mean: number; std: number }[];
  /** `values`: the source row as [column, value] pairs (column names come from data). `row` is 1-based. */
  worst: { row: number; values: [string, Value][]; actual: string | number; predicted: string | number; loss: number }[];
  notes: string[];
}

/**
 * Where an analysis is: loading its inputs (the job), predicting the validation split, shuffling features (`done` of
 * `total` scorings: the baseline, then `repeats` per feature; `feature` is the one shuffled), then slices and rows.
 */
export interface AnalyseProgress {
  stage: 'load' | 'predict' | 'importance' | 'rows';
  done: number;
  total: number;
  feature?: string;
}

export interface AnalyseInput {
  model: TrainedModel;
  validation: Dataset;
  /** The source table the preparation split, and how it split it. */
  source: Table;
  split: SplitOptions;
  /** Seeds the permutations (the run's seed). */
  seed: number;
  sliceColumn: string | null;
  /** Shuffles per feature (default 3). */
  repeats?: number;
  signal?: AbortSignal;
  onProgress?: (p: AnalyseProgress) => void;
}

export async function analyseModel(input: AnalyseInput): Promise<Analysis> {
  const { model, validation: val, source, sliceColumn, signal, onProgress } = input;
  const task = val.shape.task;
  const k = val.shape.classNames?.length ?? 0;
  if (sliceColumn !== null && !source.columns.some((c) => c.name === sliceColumn))
    throw new EnclaveError('invalid-argument', `There is no column "${sliceColumn}" in the source data.`, { column: sliceColumn });
  onProgress?.({ stage: 'predict', done: 0, total: 1 });
  const out = await model.predict(val.X, val.n);
  throwIfAborted(signal);
  const importance = await importanceOf(model, val, input.repeats ?? 3, input.seed, signal, onProgress);
  onProgress?.({ stage: 'rows', done: 0, total: 1 });

  const notes: string[] = [];
  const rows = splitTable(source, input.split).indices.validation;
  const aligned = rows.length === val.n;
  if (!aligned) notes.push('A recipe step removed validation rows, so slices and rows cannot be traced back to your source rows.');
  const codes = task === 'regression' ? null : argmaxRows(out, k);
  const classes = val.shape.classNames ?? [];
  const predicted = (i: number) => (codes ? classes[codes[i]] : out[i]);
  const actual = (i: number) => (task === 'regression' ? val.y[i] : classes[val.y[i]]);
  const loss = (i: number) => (task === 'regression' ? Math.abs(out[i] - val.y[i]) : -Math.log(Math.max(1e-15, out[i * k + val.y[i]])));

  let slices: Analysis['slices'] = null;
  if (aligned && sliceColumn !== null) {
    const col = source.columns.find((c) => c.name === sliceColumn)!;
    const s = sliceCodes(col, rows);
    slices = { column: sliceColumn, rows: metricsBySlice(s.codes, s.names, val.y, codes ?? out, task).map((r) => ({ name: r.name, count: r.count, value: r.value })) };
  }
  const worst = aligned
    ? Array.from({ length: val.n }, (_, i) => i).sort((a, b) => loss(b) - loss(a)).slice(0, 10).map((i) => ({
        row: rows[i] + 1,
        values: source.columns.map((c): [string, Value] => [c.name, cell(c, rows[i])]),
        actual: actual(i), predicted: predicted(i), loss: loss(i)
      }))
    : [];
  return { metric: task === 'regression' ? 'rmse' : 'accuracy', slices, importance, worst, notes };
}

/** Accuracy, or −RMSE, of the model on the validation features (higher is better, as permutation importance wants). */
async function importanceOf(model: TrainedModel, val: Dataset, repeats: number, seed: number, signal?: AbortSignal, onProgress?: AnalyseInput['onProgress']): Promise<Analysis['importance']> {
  const { n, d } = val;
  // Scorings in permutationImportance's order: the baseline, then `repeats` shuffles of each feature in turn.
  const total = 1 + d * repeats;
  let scored = 0;
  const report = () => {
    const j = scored < 2 ? -1 : Math.floor((scored - 2) / repeats); // the feature whose shuffle was just scored
    onProgress?.({ stage: 'importance', done: scored, total, ...(j >= 0 && j < d ? { feature: val.shape.features[j] } : {}) });
  };
  report();
  const columns = Array.from({ length: d }, (_, j) => Float64Array.from({ length: n }, (_, i) => val.X[i * d + j]));
  const X = new Float32Array(n * d);
  const score = async (cols: Float64Array[]) => {
    for (let j = 0; j < d; j++) { const c = cols[j]; for (let i = 0; i < n; i++) X[i * d + j] = c[i]; }
    const out = await model.predict(X, n);
    scored++;
    report();
    if (val.shape.task === 'regression') {
      let s = 0;
      for (let i = 0; i < n; i++) s += (out[i] - val.y[i]) ** 2;
      return -Math.sqrt(s / n);
    }
    const codes = argmaxRows(out, val.shape.classNames!.length);
    let right = 0;
    for (let i = 0; i < n; i++) if (codes[i] === val.y[i]) right++;
    return right / n;
  };
  const r = await permutationImportance(score, columns, repeats, seed, signal);
  return val.shape.features.map((feature, j) => ({ feature, mean: r.mean[j], std: r.std[j] })).sort((a, b) => b.mean - a.mean);
}

/** Quartile bins for a numeric column, categories for the rest. */
function sliceCodes(col: Column, rows: Uint32Array): { codes: Int32Array; names: string[] } {
  const codes = new Int32Array(rows.length).fill(-1);
  if (col.kind === 'string' || col.type === 'boolean') {
    const names: string[] = [];
    const index = new Map<string, number>();
    rows.forEach((r, i) => {
      const v = cell(col, r);
      if (v === null) return;
      const key = String(v);
      if (!index.has(key)) { index.set(key, names.length); names.push(key); }
      codes[i] = index.get(key)!;
    });
    return { codes, names };
  }
  const present = Array.from(rows).filter((r) => col.valid[r]).map((r) => col.values[r]).sort((a, b) => a - b);
  const edges = [0.25, 0.5, 0.75].map((p) => quantileSorted(present, p) ?? 0);
  // Slice names people read: dates as dates, numbers with separators (never 1.325e+12 milliseconds).
  const f = col.type === 'datetime' ? readableDate : (x: number) => readableNumber(x, 4);
  const lo = present[0] ?? 0, hi = present[present.length - 1] ?? 0;
  const names = [`${f(lo)} – ${f(edges[0])}`, `${f(edges[0])} – ${f(edges[1])}`, `${f(edges[1])} – ${f(edges[2])}`, `${f(edges[2])} – ${f(hi)}`];
  rows.forEach((r, i) => {
    if (!col.valid[r]) return;
    const v = col.values[r];
    codes[i] = v < edges[0] ? 0 : v < edges[1] ? 1 : v < edges[2] ? 2 : 3;
  });
  return { codes, names };
}
