import { throwIfAborted } from '../errors.ts';
import type { NumericColumn } from '../table.ts';
import type { Correlations } from './types.ts';

/**
 * Pearson correlation matrix over pairwise-complete rows, as pandas `df.corr()`: each pair uses the rows where both
 * values are present (a NaN flagged present counts as missing). One pass per pair on values shifted by each column's
 * mean (the shifted-data algorithm: stable, since that shift is close to the pair's own means). null where undefined:
 * fewer than two rows, or no variance in either column over those rows.
 */
export function pearsonMatrix(columns: NumericColumn[], rowCount: number, signal?: AbortSignal): Correlations {
  const k = columns.length;
  const shifts = columns.map((c) => presentMean(c, rowCount));
  const matrix: (number | null)[][] = columns.map(() => new Array<number | null>(k).fill(null));
  for (let i = 0; i < k; i++) {
    throwIfAborted(signal);
    matrix[i][i] = varies(columns[i], rowCount) ? 1 : null;
    for (let j = 0; j < i; j++) matrix[i][j] = matrix[j][i] = pearson(columns[i], columns[j], shifts[i], shifts[j], rowCount);
  }
  return { columns: columns.map((c) => c.name), matrix, method: 'pearson' };
}

function presentMean(col: NumericColumn, n: number): number {
  let s = 0, m = 0;
  for (let r = 0; r < n; r++) {
    const v = col.values[r];
    if (col.valid[r] && v === v) (s += v), m++;
  }
  return m ? s / m : 0;
}

/** At least two different present values. */
function varies(col: NumericColumn, n: number): boolean {
  let first = NaN;
  for (let r = 0; r < n; r++) {
    const v = col.values[r];
    if (!col.valid[r] || v !== v) continue;
    if (first !== first) first = v;
    else if (v !== first) return true;
  }
  return false;
}

function pearson(a: NumericColumn, b: NumericColumn, shiftX: number, shiftY: number, n: number): number | null {
  const x = a.values, y = b.values, va = a.valid, vb = b.valid;
  let m = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  let x0 = NaN, y0 = NaN, xVaries = false, yVaries = false;
  for (let r = 0; r < n; r++) {
    const xr = x[r], yr = y[r];
    if (!va[r] || !vb[r] || xr !== xr || yr !== yr) continue;
    if (m++ === 0) (x0 = xr), (y0 = yr);
    // Tested exactly: a constant column would otherwise leave a tiny spurious variance from rounding.
    xVaries ||= xr !== x0;
    yVaries ||= yr !== y0;
    const dx = xr - shiftX, dy = yr - shiftY;
    sx += dx;
    sy += dy;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  if (m < 2 || !xVaries || !yVaries) return null;
  const cxx = sxx - (sx * sx) / m, cyy = syy - (sy * sy) / m, cxy = sxy - (sx * sy) / m;
  const d = Math.sqrt(cxx * cyy);
  if (!(d > 0) || !Number.isFinite(d)) return null;
  return Math.max(-1, Math.min(1, cxy / d));
}
