import { classPairs, type Numbers } from './input.ts';

/**
 * The k×k confusion matrix, rows = true class, columns = predicted class (sklearn confusion_matrix with
 * labels = 0..k-1). k defaults to one more than the largest code seen. Rows with a missing code are left out.
 */
export function confusionMatrix(yTrue: Numbers, yPred: Numbers, k?: number): number[][] {
  const { t, p, k: kk } = classPairs(yTrue, yPred, k);
  const m = Array.from({ length: kk }, () => new Array<number>(kk).fill(0));
  for (let i = 0; i < t.length; i++) m[t[i]][p[i]]++;
  return m;
}
