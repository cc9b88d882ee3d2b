/**
 * Trials best first, as the table shows them. A failed trial's score (−Infinity, or NaN) is stored as null — JSON has
 * no infinities — so it is ranked by hand: last, and never the best (null − x would rank it as 0, above every −RMSE).
 */
export function rankTrials<T extends { trial: number; score: number | null }>(trials: readonly T[]): { sorted: T[]; best: T | undefined } {
  const rank = (s: number | null) => (typeof s === 'number' && Number.isFinite(s) ? s : -Infinity);
  const sorted = [...trials].sort((a, b) => rank(b.score) - rank(a.score) || a.trial - b.trial);
  return { sorted, best: sorted.length && Number.isFinite(rank(sorted[0].score)) ? sorted[0] : undefined };
}
