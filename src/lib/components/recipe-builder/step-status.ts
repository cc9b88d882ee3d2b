/**
 * What the Prepare page's step list shows of each step: its problem (a step that does not parse is known at once, on
 * the page; one whose columns are wrong when the worker's check comes back), and the columns each step can name.
 * A check answers for the recipe it was run on; after an edit, its answer still holds for the steps before the first
 * changed one (each step only sees the ones before it), so those keep their marks while the new check runs.
 */
import { describeStep } from '$lib/core/recipe';
import type { ColumnShape, RecipeCheck } from '$lib/core/recipe/check-steps';

type Step = unknown;

/** A check's answer and what it was asked about: the source, target and split (`key`), and each step as JSON. */
export interface CheckedRecipe {
  key: string;
  steps: string[];
  result: RecipeCheck;
}

export interface StepStatus {
  /** Why the step cannot run as it stands ("Step 3 (scale): column "Island" is categorical; …"). */
  problem?: string;
  /** Said of a step that waits on an earlier broken one. */
  note?: string;
}

export const stepKey = (step: Step): string => JSON.stringify(step) ?? 'undefined';

/** How many steps from the start the check still answers for, given the recipe as it is now. */
export function answeredSteps(checked: CheckedRecipe | null, key: string, steps: Step[]): number {
  if (!checked || checked.key !== key) return 0;
  let n = 0;
  while (n < steps.length && n < checked.steps.length && checked.steps[n] === stepKey(steps[n])) n++;
  return n;
}

export function stepStatuses(steps: Step[], target: string, checked: CheckedRecipe | null, key: string): StepStatus[] {
  const answered = answeredSteps(checked, key, steps);
  return steps.map((s, index) => {
    const parsed = describeStep(s, { index, target: target || undefined });
    if (parsed.problem) return { problem: parsed.problem };
    if (index >= answered) return {};
    const c = checked!.result.steps[index];
    if (c.status === 'broken') return { problem: c.problem };
    if (c.status === 'unchecked') return { note: `Its columns are checked once step ${c.after + 1} is fixed.` };
    return {};
  });
}

/**
 * The columns step `index` sees (index = steps.length: what a new step at the end sees), from the check when it
 * answers for the steps before; otherwise `fallback` (the source's columns, as the profile has them).
 */
export function columnsAt(index: number, steps: Step[], checked: CheckedRecipe | null, key: string, fallback: ColumnShape[]): ColumnShape[] {
  if (index === 0) return fallback;
  if (answeredSteps(checked, key, steps) < index) return fallback;
  const before = checked!.result.steps[index - 1];
  return before.status === 'ok' ? before.columns : fallback;
}
