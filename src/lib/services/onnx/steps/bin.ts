/**
 * `bin`: a value's bin is the number of inner edges ≤ it (sklearn's searchsorted side='right'), as a sum of
 * comparisons against the edges; missing or not finite stays missing. No edges (no training values): all missing.
 */
import * as v from 'valibot';
import type { BinParams } from '../../../core/recipe/steps/bin.ts';
import { asDouble, columnAt, finiteOrNaN, requireKind, type StepInput } from '../ops.ts';
import { stateOf } from './state.ts';

const schema = v.object({ columns: v.array(v.object({ name: v.string(), edges: v.array(v.number()) })) });

export function binStep(s: StepInput<BinParams>): void {
  const { g, columns } = s;
  for (const { name, edges } of stateOf(s, schema).columns) {
    const c = columnAt(s, name);
    if (!c) continue;
    requireKind(s, name, c, 'numeric');
    const x = finiteOrNaN(g, c.value);
    const inner = edges.slice(1, -1);
    // x · 0 is 0 for a finite x and NaN otherwise: the missing cells come through every branch.
    const zero = g.op('Mul', [x, g.double(0)]);
    let value: string;
    if (edges.length === 0) value = g.op('Mul', [x, g.double(NaN)]);
    else if (inner.length === 0) value = zero;
    else {
      const above = asDouble(g, g.op('GreaterOrEqual', [x, g.double(inner, [1, inner.length])]));
      value = g.op('Add', [g.op('ReduceSum', [above, g.int64([1], [1])], { keepdims: 1 }), zero]);
    }
    columns.set(name, { kind: 'numeric', type: 'integer', value });
  }
}
