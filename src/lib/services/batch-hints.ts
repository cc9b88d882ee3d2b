/**
 * What a model's training data looked like, per input column, as the batch check and the predict form use it: the
 * numeric range and the categories seen. Read from the source version's profile (plain JSON, already stored), so no
 * training row is needed.
 */
import type { Profile } from '../core/profile.ts';

export interface ColumnHint {
  /** Smallest and largest value seen in training (integer and float columns). */
  min?: number;
  max?: number;
  /**
   * Every category seen in training, most frequent first, when the profile lists them all (its top list is capped;
   * a column with more distinct values than it lists has no categories here, so nothing is called unseen wrongly).
   */
  categories?: string[];
}

/** Keyed by column name (a Map: names come from data). */
export type BatchHints = ReadonlyMap<string, ColumnHint>;

export function hintsFromProfile(profile: Profile): Map<string, ColumnHint> {
  const out = new Map<string, ColumnHint>();
  for (const c of profile.columns) {
    if ((c.type === 'integer' || c.type === 'float') && c.min !== null && c.max !== null) out.set(c.name, { min: c.min, max: c.max });
    else if ((c.type === 'categorical' || c.type === 'text' || c.type === 'identifier') && 'top' in c && c.top.length === c.distinct && c.distinct > 0)
      out.set(c.name, { categories: c.top.map((t) => String(t.value)) });
  }
  return out;
}
