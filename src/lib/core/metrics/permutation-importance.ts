/**
 * Model-agnostic permutation feature importance with sklearn's semantics (sklearn.inspection.permutation_importance):
 * importance = baseline score − score with one feature's column shuffled, repeated nRepeats times per feature; the
 * mean and the population standard deviation (np.std) over the repeats are reported, with every raw value. As
 * sklearn, each feature is shuffled with the same sequence of permutations (a fresh PRNG from the same seed per
 * feature, one in-place Fisher–Yates shuffle of the row order per repeat), so features are compared on equal footing.
 * `predictScore` scores a whole feature-major table (higher is better — pass a negated loss for errors); it receives
 * the original columns except the one permuted, and must not modify them.
 */
import { seeded } from '../random.ts';
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

export function permutationImportance(
  predictScore: (columns: Float64Array[]) => number,
  columns: Float64Array[],
  nRepeats = 5,
  seed = 0
): PermutationImportance {
  if (!Number.isInteger(nRepeats) || nRepeats < 1) invalid(`nRepeats must be an integer ≥ 1 (got ${nRepeats}).`);
  const n = columns.length ? columns[0].length : 0;
  columns.forEach((c, j) => {
    if (c.length !== n) invalid(`Every feature column must have the same length (column ${j} has ${c.length}, column 0 has ${n}).`);
  });
  const baseline = predictScore(columns);
  const importances = columns.map((col, j) => {
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
      drops.push(baseline - predictScore(table));
    }
    return drops;
  });
  const mean = importances.map((d) => d.reduce((a, b) => a + b, 0) / d.length);
  const std = importances.map((d, j) => Math.sqrt(d.reduce((a, x) => a + (x - mean[j]) ** 2, 0) / d.length));
  return { baseline, mean, std, importances };
}
