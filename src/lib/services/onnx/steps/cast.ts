/**
 * `cast` between numeric types, and between text types, as the studio converts: to integer truncates toward zero, to
 * boolean keeps only 0 and 1, to datetime keeps numbers (not booleans); anything not finite becomes missing. Casting
 * numbers to text or text to numbers needs the studio's own number formatting and parsing: refused.
 */
import type { CastParams } from '../../../core/recipe/steps/cast.ts';
import { columnAt, finiteOrNaN, unsupported, type StepInput } from '../ops.ts';

export function castStep(s: StepInput<CastParams>): void {
  const { g, columns, params: p } = s;
  const c = columnAt(s, p.column);
  if (!c) return;
  const toText = p.to === 'categorical' || p.to === 'text';
  if (c.kind === 'string') {
    if (!toText) throw unsupported(`casting text to ${p.to}`, `${s.label} casts "${p.column}" (${c.type}); the graph cannot parse text as numbers. Cast the column before exporting its data, or leave this step out.`, { step: s.index, column: p.column });
    columns.set(p.column, { ...c, type: p.to as 'categorical' | 'text' });
    return;
  }
  if (toText) throw unsupported(`casting numbers to ${p.to}`, `${s.label} casts "${p.column}" (${c.type}); the graph cannot format numbers as the studio does.`, { step: s.index, column: p.column });
  const x = finiteOrNaN(g, c.value);
  let value = x;
  if (p.to === 'integer') {
    // Truncation toward zero; + 0 turns -0 into 0, as the studio's Math.trunc(x) + 0.
    const t = g.op('Where', [g.op('Less', [x, g.double(0)]), g.op('Ceil', [x]), g.op('Floor', [x])]);
    value = g.op('Add', [t, g.double(0)]);
  } else if (p.to === 'boolean') {
    const ok = g.op('Or', [g.op('Equal', [x, g.double(0)]), g.op('Equal', [x, g.double(1)])]);
    value = g.op('Where', [ok, x, g.double(NaN)]);
  } else if (p.to === 'datetime' && c.type === 'boolean') value = g.op('Mul', [x, g.double(NaN)]);
  columns.set(p.column, { kind: 'numeric', type: p.to, value });
}
