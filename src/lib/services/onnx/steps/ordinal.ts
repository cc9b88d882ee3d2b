/**
 * `ordinal`: the category's position among the fitted ones, from the same Equal block as one-hot: codes · 0..k−1;
 * a category the training rows lacked (or a missing cell) matches none and becomes missing, as in the studio.
 */
import * as v from 'valibot';
import type { OrdinalParams } from '../../../core/recipe/steps/ordinal.ts';
import { asDouble, categoryMatches, columnAt, unsupported, type StepInput } from '../ops.ts';
import { stateOf } from './state.ts';

const schema = v.object({ columns: v.array(v.object({ name: v.string(), categories: v.array(v.string()) })) });

export function ordinalStep(s: StepInput<OrdinalParams>): void {
  const { g, columns } = s;
  for (const { name, categories } of stateOf(s, schema).columns) {
    const c = columnAt(s, name);
    if (!c) continue;
    if (c.kind === 'numeric' && c.type !== 'boolean')
      throw unsupported(`ordinal-encoding the ${c.type} column "${name}"`, `${s.label} was fitted on a categorical or boolean column.`, { step: s.index, column: name });
    const k = categories.length;
    const block = asDouble(g, categoryMatches(g, c, categories));
    const codes = g.op('MatMul', [block, g.double(categories.map((_, i) => i), [k, 1])]);
    const matched = g.op('MatMul', [block, g.double(new Array(k).fill(1), [k, 1])]);
    const value = g.op('Where', [g.op('Equal', [matched, g.double(0)]), g.double(NaN), codes]);
    columns.set(name, { kind: 'numeric', type: 'integer', value });
  }
}
