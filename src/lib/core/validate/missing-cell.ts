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
  let m = 0;
  for (let r = 0; r < rowCount; r++) if (isMissingAt(col, r)) m++;
  return m;
}
