/**
 * `date-parts` in UTC from milliseconds since 1970, as the studio's Date getters: the day number and the time of day
 * by floored division, the weekday from the day number (1970-01-01 was a Thursday; Monday = 0), and year, month and
 * day by Howard Hinnant's civil_from_days — integer arithmetic, exact in float64 for every date a Date can hold.
 */
import type { DatePartsParams } from '../../../core/recipe/steps/date-parts.ts';
import { DT, type Graph } from '../graph.ts';
import { columnAt, finiteOrNaN, unsupported, type StepInput } from '../ops.ts';

const DAY = 86_400_000;

export function datePartsStep(s: StepInput<DatePartsParams>): void {
  const { g, columns, params: p } = s;
  const c = columnAt(s, p.column);
  if (!c) return;
  if (c.type !== 'datetime') throw unsupported(`date parts of the ${c.type} column "${p.column}"`, `${s.label} was fitted on a date column.`, { step: s.index, column: p.column });
  const x = finiteOrNaN(g, c.value);
  // A Date truncates its time value toward zero.
  const t = g.op('Where', [g.op('Less', [x, g.double(0)]), g.op('Ceil', [x]), g.op('Floor', [x])]);
  const days = floorDiv(g, t, DAY);
  const parts = new Map<string, () => string>([
    ['hour', () => floorDiv(g, g.op('Sub', [t, g.op('Mul', [days, g.double(DAY)])]), 3_600_000)],
    ['weekday', () => mod(g, g.op('Add', [days, g.double(3)]), 7)],
    ...civil(g, days),
  ]);
  for (const part of p.parts) {
    const name = `${p.column}_${part}`;
    if (columns.has(name)) throw unsupported('this recipe', `${s.label} makes the column "${name}", which already exists.`, { step: s.index, column: name });
    columns.set(name, { kind: 'numeric', type: 'integer', value: parts.get(part)!() });
  }
  if (p.dropOriginal) columns.delete(p.column);
}

function floorDiv(g: Graph, a: string, b: number): string {
  return g.op('Floor', [g.op('Div', [a, g.double(b)])]);
}

function mod(g: Graph, a: string, b: number): string {
  return g.op('Sub', [a, g.op('Mul', [floorDiv(g, a, b), g.double(b)])]);
}

/** year, month (1–12) and day (1–31) of a day number (days since 1970-01-01), lazily. */
function civil(g: Graph, days: string): [string, () => string][] {
  let memo: { year: string; month: string; day: string } | undefined;
  const get = () => {
    if (memo) return memo;
    const c = (v: number) => g.double(v);
    const z = g.op('Add', [days, c(719_468)]);
    const era = floorDiv(g, z, 146_097);
    const doe = g.op('Sub', [z, g.op('Mul', [era, c(146_097)])]);
    const yoe = floorDiv(g, g.op('Sub', [g.op('Add', [g.op('Sub', [doe, floorDiv(g, doe, 1460)]), floorDiv(g, doe, 36_524)]), floorDiv(g, doe, 146_096)]), 365);
    const y = g.op('Add', [yoe, g.op('Mul', [era, c(400)])]);
    const doy = g.op('Sub', [doe, g.op('Sub', [g.op('Add', [g.op('Mul', [yoe, c(365)]), floorDiv(g, yoe, 4)]), floorDiv(g, yoe, 100)])]);
    const mp = floorDiv(g, g.op('Add', [g.op('Mul', [doy, c(5)]), c(2)]), 153);
    const day = g.op('Add', [g.op('Sub', [doy, floorDiv(g, g.op('Add', [g.op('Mul', [mp, c(153)]), c(2)]), 5)]), c(1)]);
    const month = g.op('Where', [g.op('Less', [mp, c(10)]), g.op('Add', [mp, c(3)]), g.op('Sub', [mp, c(9)])]);
    const year = g.op('Add', [y, g.op('Cast', [g.op('LessOrEqual', [month, c(2)])], { to: DT.DOUBLE })]);
    return (memo = { year, month, day });
  };
  return [['year', () => get().year], ['month', () => get().month], ['day', () => get().day]];
}
