/** `outliers`: at prediction time both actions clip to the fitted bounds (the studio removes rows only when training). */
import * as v from 'valibot';
import type { OutliersParams } from '../../../core/recipe/steps/outliers.ts';
import { columnAt, requireKind, type StepInput } from '../ops.ts';
import { stateOf } from './state.ts';

const schema = v.object({ columns: v.array(v.object({ name: v.string(), lo: v.nullable(v.number()), hi: v.nullable(v.number()) })) });

export function outliersStep(s: StepInput<OutliersParams>): void {
  const { g, columns } = s;
  for (const { name, lo, hi } of stateOf(s, schema).columns) {
    const c = columnAt(s, name);
    if (!c) continue;
    requireKind(s, name, c, 'numeric');
    if (lo === null || hi === null) continue;
    // Clip keeps NaN (a missing cell stays missing) and takes ±Infinity to the bounds, as Math.min/max do.
    const value = g.op('Clip', [c.value, g.double(lo), g.double(hi)]);
    const type = c.type === 'integer' && Number.isInteger(lo) && Number.isInteger(hi) ? 'integer' : 'float';
    columns.set(name, { ...c, value, type });
  }
}
