import type { NumericColumn, StringColumn } from '../table.ts';
import { decimalLength, firstAppearance, numericFirstAppearance } from './first-appearance.ts';
import { topCounts } from './top.ts';
import type { BooleanProfile, StringProfile } from './types.ts';

/** Counts, top values and value lengths of a categorical, text or identifier column. */
export function profileString(col: StringColumn, rowCount: number, topK: number): StringProfile {
  const { remap, values } = firstAppearance(col, rowCount);
  const counts = new Float64Array(values.length);
  const { codes, valid } = col;
  let count = 0;
  for (let r = 0; r < rowCount; r++) {
    if (!valid[r]) continue;
    counts[remap[codes[r]]]++;
    count++;
  }
  let totalLength = 0;
  let maxLength = 0;
  for (let id = 0; id < values.length; id++) {
    const len = codePoints(values[id]);
    totalLength += len * counts[id];
    if (len > maxLength) maxLength = len;
  }
  return {
    name: col.name,
    type: col.type,
    count,
    missing: rowCount - count,
    distinct: values.length,
    top: topCounts(counts, topK, (id) => values[id]),
    meanLength: count ? totalLength / count : null,
    maxLength: count ? maxLength : null,
  };
}

/**
 * A numeric 'identifier' column profiled as the string column of its texts String(v): the same counts, top values
 * and lengths profileString gives for a string identifier, with no string built per row.
 */
export function profileIdentifier(col: NumericColumn, rowCount: number, topK: number): StringProfile {
  const { ids, values } = numericFirstAppearance(col, rowCount);
  const valid = col.valid;
  let count = 0;
  for (let r = 0; r < rowCount; r++) count += valid[r] ? 1 : 0;
  let counts: Float64Array | null = null; // null: every value once
  if (ids !== null) {
    counts = new Float64Array(values.length);
    for (let r = 0; r < rowCount; r++) if (valid[r]) counts[ids[r]]++;
  }
  let totalLength = 0;
  let maxLength = 0;
  for (let id = 0; id < values.length; id++) {
    const len = decimalLength(values[id]);
    totalLength += counts === null ? len : len * counts[id];
    if (len > maxLength) maxLength = len;
  }
  const top = counts === null
    ? Array.from(values.subarray(0, Math.max(0, topK)), (v) => ({ value: String(v), count: 1 }))
    : topCounts(counts, topK, (id) => String(values[id]));
  return {
    name: col.name,
    type: 'identifier',
    count,
    missing: rowCount - count,
    distinct: values.length,
    top,
    meanLength: count ? totalLength / count : null,
    maxLength: count ? maxLength : null,
  };
}

/** Share of true and the (at most two) values by count. */
export function profileBoolean(col: NumericColumn, rowCount: number, topK: number): BooleanProfile {
  const { values, valid } = col;
  // counts[0] is the value seen first, so ties go to it.
  const counts = [0, 0];
  let first = -1;
  let trues = 0;
  for (let r = 0; r < rowCount; r++) {
    const v = values[r];
    if (!valid[r] || v !== v) continue;
    const t = v !== 0 ? 1 : 0;
    if (first === -1) first = t;
    counts[t === first ? 0 : 1]++;
    trues += t;
  }
  const count = counts[0] + counts[1];
  return {
    name: col.name,
    type: 'boolean',
    count,
    missing: rowCount - count,
    distinct: (counts[0] > 0 ? 1 : 0) + (counts[1] > 0 ? 1 : 0),
    mean: count ? trues / count : null,
    top: topCounts(counts, topK, (id) => (id === 0 ? first === 1 : first !== 1)),
  };
}

/** Length as Python's len counts it: code points, so a surrogate pair is one character. */
function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff && i > 0) {
      const p = s.charCodeAt(i - 1);
      if (p >= 0xd800 && p <= 0xdbff) n--;
    }
  }
  return n;
}
