/**
 * Metrics per slice of the rows (a category of some column, a split, a segment): each slice's row count and its
 * headline metric — accuracy for classification (class codes), RMSE for regression. A slice code below 0 (or NaN)
 * puts the row in no slice; rows with a missing y_true or y_pred are left out of both count and metric. A slice with
 * no usable row has value null.
 */
import { accuracy } from './accuracy.ts';
import { checkSameLength, invalid, type Numbers } from './input.ts';
import { rmse } from './regression.ts';

export interface SliceMetric {
  name: string;
  /** Rows of the slice the metric was computed on. */
  count: number;
  metric: 'accuracy' | 'rmse';
  value: number | null;
}

export function metricsBySlice(
  sliceCodes: Int32Array | readonly number[],
  sliceNames: readonly string[],
  yTrue: Numbers,
  yPred: Numbers,
  kind: 'classification' | 'regression'
): SliceMetric[] {
  checkSameLength(yTrue, yPred);
  checkSameLength(sliceCodes, yTrue, 'The slice codes and y_true');
  const m = sliceNames.length;
  const rows: number[][] = Array.from({ length: m }, () => []);
  const usable = kind === 'classification'
    ? (v: number) => v >= 0 && v !== Infinity
    : (v: number) => Number.isFinite(v);
  for (let i = 0; i < sliceCodes.length; i++) {
    const s = sliceCodes[i];
    if (!(s >= 0)) continue;
    if (!Number.isInteger(s) || s >= m) invalid(`Slice code ${s} at row ${i} has no name (there are ${m} slices).`);
    if (usable(yTrue[i]) && usable(yPred[i])) rows[s].push(i);
  }
  const metric = kind === 'classification' ? 'accuracy' : 'rmse';
  return sliceNames.map((name, s) => {
    const idx = rows[s];
    const t = Float64Array.from(idx, (i) => yTrue[i]), p = Float64Array.from(idx, (i) => yPred[i]);
    const v = idx.length === 0 ? NaN : kind === 'classification' ? accuracy(t, p) : rmse(t, p);
    return { name, count: idx.length, metric, value: Number.isFinite(v) ? v : null };
  });
}
