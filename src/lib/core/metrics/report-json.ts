/** Helpers for the plain-JSON reports: undefined numbers become null, undefined metrics a note, long curves thinner. */
import { EnclaveError } from '../errors.ts';

/** The number, or null when it is NaN or infinite (JSON has neither). */
export const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** Runs a metric; an EnclaveError (an undefined metric, bad probabilities) becomes a note and null. */
export function attempt<T>(notes: string[], f: () => T): T | null {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof EnclaveError)) throw e;
    if (!notes.includes(e.message)) notes.push(e.message);
    return null;
  }
}

/** Indices 0..length-1 thinned to at most max (first and last always kept, the rest evenly spaced). */
export function thinIndices(length: number, max: number): number[] {
  if (length <= max) return Array.from({ length }, (_, i) => i);
  if (max < 2) return [length - 1].slice(0, max);
  return Array.from({ length: max }, (_, i) => Math.round((i * (length - 1)) / (max - 1)));
}

/**
 * A curve's parallel arrays thinned to at most `max` points, by the indices of the longest array; shorter arrays (the
 * precision–recall thresholds, one fewer) keep the chosen indices they have.
 */
export function thinCurve<T extends Record<string, number[]>>(curve: T, max: number): T {
  const length = Math.max(...Object.values(curve).map((a) => a.length));
  if (length <= max) return curve;
  const idx = thinIndices(length, max);
  const out: Record<string, number[]> = {};
  for (const [key, values] of Object.entries(curve)) out[key] = idx.filter((i) => i < values.length).map((i) => values[i]);
  return out as T;
}
