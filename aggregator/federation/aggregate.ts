/**
 * Closing a round's arithmetic: the new global weights = old + the aggregate of the accepted updates. The plain
 * aggregate is the running sum divided by the number of updates received (unweighted: a client's claimed sample count
 * buys it no more pull). The robust one is a coordinate-wise trimmed mean over the kept updates, read one chunk of
 * coordinates at a time so memory is (clients × chunk), not (clients × parameters).
 */
import { KEPT_CHUNK_VALUES } from './store.ts';

/** old + sum / count, rounded to float32. */
export function applyMean(old: Float32Array, sum: Float64Array, count: number): Float32Array {
  const out = new Float32Array(old.length);
  for (let i = 0; i < old.length; i++) out[i] = old[i] + sum[i] / count;
  return out;
}

/** The mean of `values` after dropping the `drop` smallest and `drop` largest (sorts `values` in place). */
export function trimmedMean(values: Float64Array, drop: number): number {
  values.sort();
  let s = 0;
  for (let i = drop; i < values.length - drop; i++) s += values[i];
  return s / (values.length - 2 * drop);
}

/** How many of `count` values are dropped at each end for a trim fraction (at least one value always stays). */
export function trimCount(count: number, trim: number): number {
  return Math.min(Math.floor(trim * count), Math.floor((count - 1) / 2));
}

/**
 * old + the coordinate-wise trimmed mean of the kept updates. `readChunk(c)` gives every update's values for coordinates
 * [c·KEPT_CHUNK_VALUES, …); all must have `count` entries.
 */
export async function applyTrimmedMean(
  old: Float32Array,
  count: number,
  trim: number,
  readChunk: (chunk: number) => Promise<Float32Array[]>
): Promise<Float32Array> {
  const out = new Float32Array(old.length);
  const drop = trimCount(count, trim);
  const column = new Float64Array(count);
  for (let chunk = 0, start = 0; start < old.length; chunk++, start += KEPT_CHUNK_VALUES) {
    const rows = await readChunk(chunk);
    if (rows.length !== count) throw new Error(`Round holds ${rows.length} kept updates for coordinates from ${start}, expected ${count}.`);
    const width = Math.min(KEPT_CHUNK_VALUES, old.length - start);
    for (let j = 0; j < width; j++) {
      for (let k = 0; k < count; k++) column[k] = rows[k][j];
      out[start + j] = old[start + j] + trimmedMean(column, drop);
    }
  }
  return out;
}
