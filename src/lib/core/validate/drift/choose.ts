/**
 * The default drift test for a column, following Evidently's `_get_default_stattest` (legacy stattests registry):
 *
 *   n = distinct present values in reference and current pooled (Evidently: pd.concat([ref, cur]).nunique())
 *   reference ≤ 1000 rows:
 *     numeric:      n ≤ 5 → chisquare when n > 2, else z;   n > 5 → ks
 *     categorical:  chisquare when n > 2, else z
 *   reference > 1000 rows:
 *     numeric:      n ≤ 5 → jensenshannon;                  n > 5 → wasserstein (normed)
 *     categorical:  jensenshannon
 *
 * Column types map to Evidently's feature types as its column mapping does: integer and float are numeric; boolean
 * and categorical are categorical (pandas `bool` is not selected as a number). The target follows Evidently's
 * `recognize_task`: a numeric target with fewer than 5 distinct values is a classification target, so categorical
 * (with the rules above this picks the same test, since such a column has n ≤ 5 either way). Text columns
 * (Evidently's text-content drift, which needs a model), identifiers and datetimes (which Evidently does not test)
 * get no test: null.
 */
import type { ColumnType } from '../../table.ts';
import type { DriftTestName } from './types.ts';

export type FeatureKind = 'numeric' | 'categorical';

/** Evidently's cut between small and large reference samples. */
export const SMALL_REFERENCE = 1000;

export function featureKind(columnType: ColumnType, distinctCount: number, isTarget = false): FeatureKind | null {
  switch (columnType) {
    case 'integer':
    case 'float':
      return isTarget && distinctCount < 5 ? 'categorical' : 'numeric';
    case 'boolean':
    case 'categorical':
      return 'categorical';
    default:
      return null;
  }
}

export function chooseTest(columnType: ColumnType, referenceSize: number, distinctCount: number, isTarget = false): DriftTestName | null {
  const kind = featureKind(columnType, distinctCount, isTarget);
  if (kind === null) return null;
  const n = distinctCount;
  if (referenceSize <= SMALL_REFERENCE) {
    if (kind === 'numeric' && n > 5) return 'ks';
    return n > 2 ? 'chisquare' : 'z';
  }
  if (kind === 'numeric' && n > 5) return 'wasserstein';
  return 'jensenshannon';
}
