/**
 * Model-agnostic permutation feature importance with sklearn's semantics (sklearn.inspection.permutation_importance):
 * importance = baseline score − score with one feature's column shuffled, repeated nRepeats times per feature; the
 * mean and the population standard deviation (np.std) over the repeats are reported, with every raw value. As
 * sklearn, each feature is shuffled with the same sequence of permutations (a fresh PRNG from the same seed per
 * feature, one in-place Fisher–Yates shuffle of the row order per repeat), so features are compared on equal footing.
 * `predictScore` scores a whole feature-major table (higher is better — pass a negated loss for errors); it receives
 * the original columns except the one permuted, and must not modify them. It may be async (a model's predict is):
 * the result is then a promise, and the scores are awaited one at a time (the permuted column is one reused buffer).
 */
import { seeded } from '../random.ts';
import { throwIfAborted } from '../errors.ts';
import { invalid } from './input.ts';

export interface PermutationImportance {
  /** The score on the unshuffled columns. */
  baseline: number;
  /** Mean drop in score per feature (baseline − permuted). */
  mean: number[];
  /** Population standard deviation of the drop per feature. */
  std: number[];
  /** importances[feature][repeat]: every drop. */
  importances: number[][];
}

type Score = (columns: Float64Array[]) => number;
type AsyncScore = (columns: Float64Array[]) => Promise<number>;

export function permutationImportance(predictScore: Score, columns: Float64Array[], nRepeats?: number, seed?: number): PermutationImportance;
export function permutationImportance(predictScore: AsyncScore, columns: Float64Array[], nRepeats?: number, seed?: number, signal?: AbortSignal): Promise<PermutationImportance>;
export function permutationImportance(
  predictScore: Score | AsyncScore,
  columns: Float64Array[],
  nRepeats = 5,
  seed = 0,
  signal?: AbortSignal
): PermutationImportance | Promise<PermutationImportance> {
  if (!Number.isInteger(nRepeats) || nRepeats < 1) invalid(`nRepeats must be an integer ≥ 1 (got ${nRepeats}).`);
  const n = columns.length ? columns[0].length : 0;
  columns.forEach((c, j) => {
    if (c.length !== n) invalid(`Every feature column must have the same length (column ${j} has ${c.length}, column 0 has ${n}).`);
  });
  // One generator drives both forms: it yields each table to score and receives the score back.
  const steps = permutations(columns, n, nRepeats, seed);
  steps.next(); // runs to its first yield: the unpermuted columns, scored just below
  const first = predictScore(columns);
  if (!(first instanceof Promise)) {
    let r: IteratorResult<Float64Array[], PermutationImportance> = steps.next(first);
    while (!r.done) r = steps.next((predictScore as Score)(r.value));
    return r.value;
  }
  return (async () => {
    let r: IteratorResult<Float64Array[], PermutationImportance> = steps.next(await first);
    while (!r.done) {
      throwIfAborted(signal);
      r = steps.next(await predictScore(r.value));
    }
    return r.value;
  })();
}

function* permutations(columns: Float64Array[], n: number, nRepeats: number, seed: number): Generator<Float64Array[], PermutationImportance, number> {
  const baseline: number = yield columns;
  const importances: number[][] = [];
  for (let j = 0; j < columns.length; j++) {
    const col = columns[j];
    const rng = seeded(seed);
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    const shuffled = new Float64Array(n);
    const table = columns.slice();
    table[j] = shuffled;
    const drops: number[] = [];
    for (let r = 0; r < nRepeats; r++) {
      for (let i = n - 1; i > 0; i--) {
        const k = rng.int(i + 1);
        const t = order[i]; order[i] = order[k]; order[k] = t;
      }
      for (let i = 0; i < n; i++) shuffled[i] = col[order[i]];
      drops.push(baseline - (yield table));
    }
    importances.push(drops);
  }
  const mean = importances.map((d) => d.reduce((a, b) => a + b, 0) / d.length);
  const std = importances.map((d, j) => Math.sqrt(d.reduce((a, x) => a + (x - mean[j]) ** 2, 0) / d.length));
  return { baseline, mean, std, importances };
}
