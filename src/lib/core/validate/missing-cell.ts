/**
 * When a cell counts as missing for learning: not present, or a number that is not finite (NaN, ±Infinity — an
 * overflowed "1e309" included). One rule for the split (rows without a target are left out), the check after prepare
 * and the matrix builder, so none of them can disagree about a row. Also: finite numbers that models can't hold —
 * they see float32, and a value from 2¹²⁸ − 2¹⁰³ (±3.4e38, rounded) up becomes Infinity there.
 */
import type { Column } from '../table.ts';
import { indicatorBits } from '../indicator-column.ts';

/** The smallest magnitude that float32 rounds to Infinity (round-to-nearest: FLT_MAX plus half its last step). */
export const FLOAT32_OVERFLOW = 2 ** 128 - 2 ** 103;

export function isMissingAt(col: Column, row: number): boolean {
  return !col.valid[row] || (col.kind === 'numeric' && !Number.isFinite(col.values[row]));
}

export function countMissing(col: Column, rowCount: number): number {
  return cellCounts(col, rowCount).missing;
}

type CellCounts = { missing: number; beyondFloat32: number };

/** Counts already taken, by column and row count: columns are never written in place, so a count stays true. */
const counted = new WeakMap<Column, Map<number, CellCounts>>();

/**
 * Missing cells, and present finite cells beyond float32. This runs on every column of every split (the check after
 * prepare, then the matrix builder): each column is scanned once, later calls read the count.
 */
export function cellCounts(col: Column, rowCount: number): CellCounts {
  let byRows = counted.get(col);
  const known = byRows?.get(rowCount);
  if (known) return { ...known };
  const k = countCells(col, rowCount);
  if (!byRows) counted.set(col, (byRows = new Map()));
  byRows.set(rowCount, k);
  return { ...k };
}

function countCells(col: Column, rowCount: number): CellCounts {
  // An indicator column (one-hot output) has every cell present, 0 or 1: nothing to scan (nor doubles to make).
  if (indicatorBits(col)) return { missing: 0, beyondFloat32: 0 };
  const valid = col.valid;
  let missing = 0;
  let beyond = 0;
  if (col.kind === 'string') {
    for (let r = 0; r < rowCount; r++) missing += 1 - valid[r];
    return { missing, beyondFloat32: 0 };
  }
  const values = col.values;
  for (let r = 0; r < rowCount; r++) {
    const v = values[r];
    // v - v is 0 for a finite v and NaN for NaN and ±Infinity.
    if (valid[r] === 0 || v - v !== 0) missing++;
    else if (v >= FLOAT32_OVERFLOW || v <= -FLOAT32_OVERFLOW) beyond++;
  }
  return { missing, beyondFloat32: beyond };
}
