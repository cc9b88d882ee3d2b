/** `impute`: Where(missing, fill, x), as the studio fills (numbers: missing or not finite; text: missing); indicators 0/1. */
import * as v from 'valibot';
import type { ImputeParams } from '../../../core/recipe/steps/impute.ts';
import { asDouble, columnAt, missing, notFinite, requireKind, type StepInput } from '../ops.ts';
import { stateOf } from './state.ts';

const schema = v.object({ columns: v.array(v.object({ name: v.string(), fill: v.nullable(v.union([v.number(), v.string()])) })) });

export function imputeStep(s: StepInput<ImputeParams>): void {
  const { g, columns } = s;
  for (const { name, fill } of stateOf(s, schema).columns) {
    const c = columnAt(s, name);
    if (!c) continue;
    let value = c.value;
    if (fill !== null) {
      requireKind(s, name, c, typeof fill === 'number' ? 'numeric' : 'string');
      value = typeof fill === 'number'
        ? g.op('Where', [notFinite(g, c.value), g.double(fill), c.value])
        : g.op('Where', [missing(g, c), g.strings([fill]), c.value]);
    }
    // An integer column filled with a fraction becomes float, as in the studio (later steps check types).
    const type = c.type === 'integer' && typeof fill === 'number' && !Number.isInteger(fill) ? 'float' : c.type;
    columns.set(name, { ...c, value, type });
    if (s.params.indicator) columns.set(`${name}_was_missing`, { kind: 'numeric', type: 'integer', value: asDouble(g, missing(g, c)) });
  }
}
