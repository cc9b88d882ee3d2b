/**
 * `scale`: (x − center) / scale in float64, min-max as the studio computes it (x · (1/s) + (0 − center · (1/s))), so
 * the values match to the bit. A value that is not finite becomes missing, as in the studio.
 */
import * as v from 'valibot';
import type { ScaleParams } from '../../../core/recipe/steps/scale.ts';
import { columnAt, finiteOrNaN, requireKind, type StepInput } from '../ops.ts';
import { stateOf } from './state.ts';

const schema = v.object({ columns: v.array(v.object({ name: v.string(), center: v.nullable(v.number()), scale: v.nullable(v.number()) })) });

export function scaleStep(s: StepInput<ScaleParams>): void {
  const { g, columns } = s;
  for (const { name, center, scale } of stateOf(s, schema).columns) {
    const c = columnAt(s, name);
    if (!c) continue;
    requireKind(s, name, c, 'numeric');
    const x = finiteOrNaN(g, c.value);
    const [m, sc] = [center ?? 0, scale ?? 1];
    let value: string;
    if (s.params.method === 'minmax') {
      const mul = 1 / sc;
      value = g.op('Add', [g.op('Mul', [x, g.double(mul)]), g.double(0 - m * mul)]);
    } else value = g.op('Div', [g.op('Sub', [x, g.double(m)]), g.double(sc)]);
    columns.set(name, { kind: 'numeric', type: 'float', value });
  }
}
