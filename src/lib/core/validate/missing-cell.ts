/**
 * When a cell counts as missing for learning: not present, or a number that is not finite (NaN, ±Infinity — an
 * overflowed "1e309" included). One rule for the split (rows without a target are left out), the check after prepare
 * and the matrix builder, so none of them can disagree about a row.
 */
import type { Column } from '../table.ts';

export function isMissingAt(col: Column, row: number): boolean {
  return !col.valid[row] || (col.kind === 'numeric' && !Number.isFinite(col.values[row]));
}

export function countMissing(col: Column, rowCount: number): number {
  const valid = col.valid;
  let m = 0;
  if (col.kind === 'string') {
    for (let r = 0; r < rowCount; r++) m += 1 - valid[r];
    return m;
  }
  // One tight pass (this runs on every column of every split before a preparation is saved): x - x is 0 for a finite
  // x and NaN for NaN and ±Infinity.
  const values = col.values;
  for (let r = 0; r < rowCount; r++) if (valid[r] === 0 || values[r] - values[r] !== 0) m++;
  return m;
}
