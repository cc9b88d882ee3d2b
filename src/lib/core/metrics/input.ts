/**
 * Shared input handling for the metrics: every metric takes plain number arrays or typed arrays (ArrayLike<number>),
 * checks that paired inputs have the same length, and leaves out missing rows the way d3-array leaves out NaN.
 *   - A class code is present when it is a finite number ≥ 0 (it must then be an integer, and below k when k is known);
 *     NaN, ±Infinity and negative codes (−1 is the usual sentinel) mean "missing".
 *   - A real value (regression target, score, probability) is present when it is finite.
 *   - A row takes part in a paired metric only when every input it needs is present there.
 * Wrong input (different lengths, a code that is not a class, a probability outside [0, 1]) throws
 * EnclaveError('invalid-argument') with a message that names the problem.
 */
import { EnclaveError } from '../errors.ts';

/** Number arrays or typed arrays (Float64Array, Float32Array, Int32Array, …). */
export type Numbers = ArrayLike<number>;

export function invalid(message: string, detail?: Record<string, unknown>): never {
  throw new EnclaveError('invalid-argument', message, detail);
}

export function checkSameLength(a: Numbers, b: Numbers, names = 'y_true and y_pred'): void {
  if (a.length !== b.length)
    invalid(`${names} must have the same length (got ${a.length} and ${b.length}).`, { lengths: [a.length, b.length] });
}

/** A class count: an integer ≥ 1 (≥ 2 where `min` says so). */
export function checkK(k: number, min = 1): void {
  if (!Number.isInteger(k) || k < min) invalid(`The number of classes must be an integer ≥ ${min} (got ${k}).`);
}

/** The class code of one cell: −1 when missing, else the integer itself (checked against k when k is given). */
export function classCode(v: number, k?: number, name = 'y_true'): number {
  if (!(v >= 0) || v === Infinity) return -1;
  if (!Number.isInteger(v)) invalid(`${name} holds ${v}, which is not a class code (codes are integers 0..k-1).`);
  if (k !== undefined && v >= k) invalid(`${name} holds class code ${v}, but there are only ${k} classes (codes 0..${k - 1}).`);
  return v;
}

/** The 0/1 label of one cell of a binary target: −1 when missing. */
export function binaryCode(v: number, name = 'y_true'): number {
  const c = classCode(v, undefined, name);
  if (c > 1) invalid(`${name} holds class ${c}; this metric is binary and needs labels 0 and 1 (1 = positive).`);
  return c;
}

/** One more than the largest present code in any of the arrays (0 when none is present). */
export function classCount(...arrays: Numbers[]): number {
  let k = 0;
  for (const a of arrays) for (let i = 0; i < a.length; i++) { const c = classCode(a[i], undefined); if (c + 1 > k) k = c + 1; }
  return k;
}

export interface ClassPairs {
  t: Int32Array;
  p: Int32Array;
  k: number;
}

/** The rows where both codes are present, as two Int32Arrays, with k (given, or inferred as classCount). */
export function classPairs(yTrue: Numbers, yPred: Numbers, k?: number): ClassPairs {
  checkSameLength(yTrue, yPred);
  if (k !== undefined) checkK(k);
  const kk = k ?? classCount(yTrue, yPred);
  const t = new Int32Array(yTrue.length), p = new Int32Array(yTrue.length);
  let n = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const a = classCode(yTrue[i], kk, 'y_true'), b = classCode(yPred[i], kk, 'y_pred');
    if (a < 0 || b < 0) continue;
    t[n] = a;
    p[n++] = b;
  }
  return { t: t.subarray(0, n), p: p.subarray(0, n), k: kk };
}

/** The rows where both values are finite, as two Float64Arrays. */
export function valuePairs(yTrue: Numbers, yPred: Numbers): { t: Float64Array; p: Float64Array } {
  checkSameLength(yTrue, yPred);
  const t = new Float64Array(yTrue.length), p = new Float64Array(yTrue.length);
  let n = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const a = yTrue[i], b = yPred[i];
    if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
    t[n] = a;
    p[n++] = b;
  }
  return { t: t.subarray(0, n), p: p.subarray(0, n) };
}

/** Binary labels with scores: rows where the label is 0/1 and the score finite. */
export function binaryPairs(yTrue: Numbers, scores: Numbers, names = 'y_true and the scores'): { y: Uint8Array; s: Float64Array } {
  checkSameLength(yTrue, scores, names);
  const y = new Uint8Array(yTrue.length), s = new Float64Array(yTrue.length);
  let n = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const c = binaryCode(yTrue[i]);
    const v = scores[i];
    if (c < 0 || !Number.isFinite(v)) continue;
    y[n] = c;
    s[n++] = v;
  }
  return { y: y.subarray(0, n), s: s.subarray(0, n) };
}

/**
 * Labels with a row-major n×k probability matrix: rows where the label is present and every probability finite.
 * Returns the kept labels and their probability rows (still row-major, k per row).
 */
export function probaRows(yTrue: Numbers, proba: Numbers, k: number): { y: Int32Array; p: Float64Array } {
  checkK(k);
  if (proba.length !== yTrue.length * k)
    invalid(`The probabilities must hold n × k = ${yTrue.length} × ${k} = ${yTrue.length * k} values (got ${proba.length}).`);
  const y = new Int32Array(yTrue.length), p = new Float64Array(proba.length);
  let n = 0;
  rows: for (let i = 0; i < yTrue.length; i++) {
    const c = classCode(yTrue[i], k);
    if (c < 0) continue;
    for (let j = 0; j < k; j++) if (!Number.isFinite(proba[i * k + j])) continue rows;
    for (let j = 0; j < k; j++) p[n * k + j] = proba[i * k + j];
    y[n++] = c;
  }
  return { y: y.subarray(0, n), p: p.subarray(0, n * k) };
}

/** Throws unless every value is a probability (in [0, 1]). */
export function checkProbabilities(p: Numbers, name = 'The probabilities'): void {
  for (let i = 0; i < p.length; i++)
    if (p[i] < 0 || p[i] > 1) invalid(`${name} must lie in [0, 1] (found ${p[i]}).`);
}
