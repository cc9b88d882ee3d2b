/**
 * The recipe the headless pipeline uses when it is given none: scikit-learn's usual setup (mean / most-frequent
 * imputation, standard scaling, one-hot) after what the app's suggestions would do first — identifiers and free text
 * leave the features, dates become their year, month and weekday. Each such choice is a warning in the report, so a
 * person reading the JSON knows what the model did not see.
 */
import type { StepSpec } from '../core/recipe/types.ts';
import type { Table } from '../core/table.ts';

export const DEFAULT_RECIPE_STEPS: StepSpec[] = [
  { kind: 'impute', columns: '*numeric', strategy: 'mean' },
  { kind: 'impute', columns: '*categorical', strategy: 'most_frequent' },
  { kind: 'scale', columns: '*numeric', method: 'standard' },
  { kind: 'onehot', columns: '*categorical' },
];

export function defaultRecipeFor(table: Table, target: string): { steps: StepSpec[]; warnings: string[] } {
  const warnings: string[] = [];
  const drop: string[] = [];
  const dates: StepSpec[] = [];
  for (const c of table.columns) {
    if (c.name === target) continue;
    if (c.type === 'identifier') {
      drop.push(c.name);
      warnings.push(`"${c.name}" looks like an identifier: left out of the features.`);
    } else if (c.type === 'text') {
      drop.push(c.name);
      warnings.push(`"${c.name}" is free text: left out of the features (a recipe can encode it).`);
    } else if (c.type === 'datetime') {
      dates.push({ kind: 'date-parts', column: c.name, parts: ['year', 'month', 'weekday'], dropOriginal: true });
      warnings.push(`"${c.name}" is a date: the model sees its year, month and weekday.`);
    }
  }
  const steps = [...(drop.length ? [{ kind: 'drop-columns', columns: drop }] : []), ...dates, ...DEFAULT_RECIPE_STEPS];
  return { steps, warnings };
}
