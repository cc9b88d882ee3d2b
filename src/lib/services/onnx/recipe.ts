/**
 * The fitted recipe as graph nodes, step by step, over the source columns: each step's spec is parsed by its kind's
 * own parse (the same checks as replaying it), its state checked by the mapping. A step kind without a mapping is
 * refused, naming the step (every kind has one today; a new kind must add its own).
 */
import * as v from 'valibot';
import { EnclaveError } from '../../core/errors.ts';
import { kindOf } from '../../core/recipe/registry.ts';
import { stepLabel } from '../../core/recipe/select.ts';
import type { FittedRecipe } from '../../core/recipe/types.ts';
import type { ColumnType } from '../../core/table.ts';
import { DT, type Graph } from './graph.ts';
import { unsupported, type Columns } from './ops.ts';
import { STEP_MAPPINGS } from './steps/index.ts';

/** A source column as the model's input needs it: its name, and kind and type as the source table has them. */
export interface SourceField {
  name: string;
  type: ColumnType;
  kind: 'numeric' | 'string';
}

/** The columns after the recipe; inputs are declared for every source column but the target (unused ones are pruned). */
const fittedSchema = v.object({
  target: v.optional(v.string()),
  steps: v.array(v.object({ spec: v.looseObject({ kind: v.string() }), state: v.unknown() })),
});

export function recipeGraph(g: Graph, recipe: FittedRecipe, source: readonly SourceField[], target: string): Columns {
  const checked = v.safeParse(fittedSchema, recipe);
  if (!checked.success) throw new EnclaveError('invalid-argument', `The fitted recipe is damaged (${v.getDotPath(checked.issues[0]) ?? 'recipe'}: ${checked.issues[0].message}).`);
  const fitted = checked.output as FittedRecipe;
  if (fitted.target !== undefined && fitted.target !== target)
    throw new EnclaveError('invalid-argument', `The fitted recipe's target is "${fitted.target}", not "${target}".`, { target });
  const columns: Columns = new Map();
  for (const f of source) {
    if (f.name === target) continue;
    const value = g.input(f.name, f.kind === 'numeric' ? DT.DOUBLE : DT.STRING);
    columns.set(f.name, { value, kind: f.kind, type: f.type });
  }
  fitted.steps.forEach(({ spec, state }, index) => {
    const kind = kindOf(spec.kind, index);
    const label = stepLabel({ index }, kind.kind);
    const map = STEP_MAPPINGS.get(kind.kind);
    if (!map) throw unsupported(`the ${kind.kind} step`, `${label} (${kind.describe(kind.parse(spec, { index, target, mode: 'predict' }))}) has no ONNX form; leave it out of the recipe to export this model.`, { step: index, kind: kind.kind });
    const params = kind.parse(spec, { index, target, mode: 'predict' });
    map({ g, columns, params: params as never, state, label, index, kind: kind.kind, target });
  });
  return columns;
}
