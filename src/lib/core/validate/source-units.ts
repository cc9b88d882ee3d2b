/**
 * A prepared column's numbers in the source column's units. Anomalies are checked on the prepared splits (what a
 * model sees), so after a scale step a range reads "outside 0 to 1"; a person knows the column as "2,700 to 6,300 g".
 * Each fitted recipe step is followed for one column: a scale step is an affine map we can undo; steps that keep the
 * values a row has (impute fills only missing cells, clipping keeps values inside the bounds, row and column filters)
 * change nothing; any other step that may write the column (cast, derive, bin, encoders, date parts) — or a column the
 * source does not have — means there is no source unit to speak of: null.
 */
import type { FittedRecipe } from '../recipe/types.ts';

const KEEPS_VALUES = new Set(['impute', 'outliers', 'drop-columns', 'keep-columns', 'drop-duplicates', 'drop-missing']);

interface ScaleState { columns: { name: string; center: number | null; scale: number | null }[] }

/** prepared → source for `column`, or null when the recipe's steps cannot be undone for it. */
export function sourceUnitsOf(fitted: FittedRecipe, column: string, sourceColumns: ReadonlySet<string>): ((x: number) => number) | null {
  if (!sourceColumns.has(column)) return null;
  // prepared = a · source + b, composed step by step.
  let a = 1, b = 0;
  for (const { spec, state } of fitted.steps) {
    if (KEEPS_VALUES.has(spec.kind)) continue;
    if (spec.kind === 'scale') {
      const s = (state as ScaleState).columns.find((c) => c.name === column);
      if (s && s.center !== null && s.scale !== null) {
        a /= s.scale;
        b = (b - s.center) / s.scale;
      }
      continue;
    }
    if (mayWrite(spec, column)) return null;
  }
  if (a === 1 && b === 0) return (x) => x;
  return (x) => (x - b) / a;
}

/** Whether a step of another kind may write `column`: it names it, or selects columns by a wildcard. */
function mayWrite(spec: Record<string, unknown>, column: string): boolean {
  const { columns, name, expression } = spec;
  if (typeof columns === 'string') return true;
  if (Array.isArray(columns) && columns.includes(column)) return true;
  if (spec.column === column || name === column) return true;
  // derive's "name = expression" form names its column inside the expression.
  return typeof expression === 'string' && name === undefined && expression.includes(column);
}
