import { classPairs, type Numbers } from './input.ts';

/**
 * Share of rows whose predicted class equals the true class (sklearn accuracy_score). Rows with a missing code on
 * either side are left out; NaN when no row is left.
 */
export function accuracy(yTrue: Numbers, yPred: Numbers): number {
  const { t, p } = classPairs(yTrue, yPred);
  if (t.length === 0) return NaN;
  let hit = 0;
  for (let i = 0; i < t.length; i++) if (t[i] === p[i]) hit++;
  return hit / t.length;
}
