/**
 * The target is the answer. A step that reads it into a feature lets a model see the answer (`leak = y * 1` scored
 * 1.0 on a random target); a step that rewrites it makes the model learn, and be scored on, something else
 * (`y = x * 2` silently turned a classification into a regression). Each step kind says, from its parameters alone,
 * whether it would do either (StepKind.targetConflict); the recipe refuses such a step while it is parsed or fitted,
 * naming it, so the Prepare page, its step preview and the CLI all refuse before anything is trained.
 *
 * What each kind may do with the target (wildcards never select it, select.ts, so only names written in a step count):
 *   derive        may not read it (leak) nor be named after it (overwrite)
 *   onehot, date-parts   may not: they make features from it
 *   ordinal, bin  may not: they replace the answer by codes or bin numbers, which predictions would then be
 *   scale         may not: predictions would come out in scaled units and nothing scales them back
 *   impute        may not: filled-in targets are answers the step made up (rows whose target is missing are left out)
 *   outliers      may not: clip changes answers; remove drops rows by their answer in validation and test too
 *   drop-columns, drop-missing (axis columns)   may not: they drop it
 *   cast          may: changing the target's type is how a person says "these 0/1 codes are classes"; the same cast
 *                 runs on every split, and nothing of the target reaches a feature
 *   drop-missing (axis rows), drop-duplicates, keep-columns (which always keeps it)   may
 * Replaying an already fitted recipe (eval, predict) is never refused: a model trained before this check keeps
 * predicting (the target is absent then anyway).
 */
import { EnclaveError } from '../errors.ts';
import type { ColumnSelector, StepContext, StepKind } from './types.ts';

/** Whether a selector names the target (a wildcard never does). */
export function namesTarget(selector: ColumnSelector, target: string): boolean {
  return Array.isArray(selector) && selector.includes(target);
}

/** The usual remedy, with the reminder that wildcards are safe. */
export function takeOut(target: string, wildcards = false): string {
  return `Take "${target}" out of this step${wildcards ? ' (wildcards such as "*numeric" already leave the target out)' : ''}.`;
}

/** Throws when the step would read or rewrite the target; only while fitting ('train'), never when replaying. */
export function guardTarget<P>(kind: StepKind<P>, params: P, ctx: StepContext): void {
  if (ctx.mode !== 'train' || ctx.target === undefined || !kind.targetConflict) return;
  const conflict = kind.targetConflict(params, ctx.target);
  if (!conflict) return;
  throw new EnclaveError('invalid-recipe', `Step ${ctx.index + 1} (${conflict.label ?? kind.kind}) ${conflict.message}`, { step: ctx.index, kind: kind.kind, column: ctx.target });
}
