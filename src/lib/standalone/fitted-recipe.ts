/**
 * A fitted recipe from outside (a model bundle's recipe.json): its outline by valibot, then every step's parameters by
 * its kind's own parse, so a bad step is refused when the recipe is read, not halfway through a prediction.
 */
import * as v from 'valibot';
import { EnclaveError } from '../core/errors.ts';
import { parseJsonText } from '../core/json-text.ts';
import { kindOf } from '../core/recipe/registry.ts';
import type { FittedRecipe } from '../core/recipe/types.ts';

const FittedSchema = v.strictObject({
  target: v.optional(v.pipe(v.string(), v.minLength(1))),
  steps: v.array(v.strictObject({ spec: v.looseObject({ kind: v.string() }), state: v.unknown() })),
});

export function parseFittedRecipe(json: unknown): FittedRecipe {
  const r = v.safeParse(FittedSchema, parseJsonText(json, 'invalid-recipe', 'The fitted recipe'));
  if (!r.success) {
    const issue = r.issues[0];
    throw new EnclaveError('invalid-recipe', `This is not a fitted recipe (${v.getDotPath(issue) ?? 'top level'}: ${issue.message}).`);
  }
  const { target, steps } = r.output;
  steps.forEach(({ spec }, index) => kindOf(spec.kind, index).parse(spec, { index, target, mode: 'predict' }));
  const fitted: FittedRecipe = { steps: steps.map((s) => ({ spec: s.spec, state: s.state })) };
  if (target !== undefined) fitted.target = target;
  return fitted;
}
