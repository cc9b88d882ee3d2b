import type { TopValue } from './types.ts';

/**
 * The k largest counts, count descending and ties by id ascending. Ids are in first-appearance order, so ties go to
 * the value seen first. A bounded insertion keeps this O(ids · k) at worst and O(ids) typically, with no full sort.
 */
export function topCounts<V>(counts: ArrayLike<number>, k: number, valueOf: (id: number) => V): TopValue<V>[] {
  const ids: number[] = [];
  if (k <= 0) return [];
  for (let id = 0; id < counts.length; id++) {
    const c = counts[id];
    if (c <= 0) continue;
    if (ids.length === k && c <= counts[ids[k - 1]]) continue;
    let at = ids.length;
    while (at > 0 && counts[ids[at - 1]] < c) at--;
    ids.splice(at, 0, id);
    if (ids.length > k) ids.pop();
  }
  return ids.map((id) => ({ value: valueOf(id), count: counts[id] }));
}
