/**
 * Dates in a format a person names ("DD/MM/YYYY", "MMM D YYYY"), for columns whose dates the reader cannot tell by
 * itself: 12/06/1998 is June 12 or December 6 depending on where it was written. Tokens, as in moment/dayjs:
 * YYYY, YY (69–99 → 19xx, 00–68 → 20xx, as strptime's %y), MMMM / MMM (month name or its first three letters,
 * any case), MM / M, DD / D (one or two digits, as strptime's %m and %d), HH / H, mm, ss, SSS; any other
 * character stands for itself, and a space for any run of spaces. Dates are UTC.
 */
import { EnclaveError } from '../errors.ts';
import type { Column, NumericColumn, Table } from '../table.ts';

type Part = 'year' | 'year2' | 'monthName' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'ms';

const TOKENS: [string, Part, string][] = [
  ['YYYY', 'year', '(\\d{4})'],
  ['YY', 'year2', '(\\d{2})'],
  ['MMMM', 'monthName', '([A-Za-z]{3,9})'],
  ['MMM', 'monthName', '([A-Za-z]{3,9})'],
  ['MM', 'month', '(\\d{1,2})'],
  ['M', 'month', '(\\d{1,2})'],
  ['DD', 'day', '(\\d{1,2})'],
  ['D', 'day', '(\\d{1,2})'],
  ['HH', 'hour', '(\\d{1,2})'],
  ['H', 'hour', '(\\d{1,2})'],
  ['mm', 'minute', '(\\d{2})'],
  ['ss', 'second', '(\\d{2})'],
  ['SSS', 'ms', '(\\d{3})'],
];

const MONTHS = new Map<string, number>();
['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'].forEach((m, i) => {
  MONTHS.set(m, i);
  MONTHS.set(m.slice(0, 3), i);
  if (m === 'september') MONTHS.set('sept', i);
});

export interface CompiledDateFormat {
  format: string;
  parse(text: string): number;
}

/** The longest format accepted (a format is a short pattern, never data). */
const MAX_FORMAT = 64;

/** Compiles a format; throws invalid-argument when it has no year, month and day. */
export function compileDateFormat(format: string): CompiledDateFormat {
  if (format.length === 0 || format.length > MAX_FORMAT) throw bad(format, `a format is 1 to ${MAX_FORMAT} characters`);
  const parts: Part[] = [];
  let re = '^';
  for (let i = 0; i < format.length; ) {
    const t = TOKENS.find(([tok]) => format.startsWith(tok, i));
    if (t) {
      parts.push(t[1]);
      re += t[2];
      i += t[0].length;
    } else if (format[i] === ' ') {
      re += '\\s+';
      while (format[i] === ' ') i++;
    } else {
      re += format[i].replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
      i++;
    }
  }
  const has = (p: Part) => parts.includes(p);
  if (!(has('year') || has('year2')) || !(has('month') || has('monthName')) || !has('day')) {
    throw bad(format, 'it needs a year (YYYY or YY), a month (MM, M, MMM or MMMM) and a day (DD or D)');
  }
  if (new Set(parts).size !== parts.length) throw bad(format, 'each part may appear once');
  const regex = new RegExp(re + '$');
  return {
    format,
    parse(text: string): number {
      const m = regex.exec(text.trim());
      if (!m) return NaN;
      let year = 0, month = 0, day = 1, h = 0, mi = 0, s = 0, ms = 0;
      for (let k = 0; k < parts.length; k++) {
        const v = m[k + 1];
        switch (parts[k]) {
          case 'year': year = +v; break;
          case 'year2': year = +v < 69 ? 2000 + +v : 1900 + +v; break;
          case 'monthName': { const x = MONTHS.get(v.toLowerCase()); if (x === undefined) return NaN; month = x; break; }
          case 'month': month = +v - 1; break;
          case 'day': day = +v; break;
          case 'hour': h = +v; break;
          case 'minute': mi = +v; break;
          case 'second': s = +v; break;
          case 'ms': ms = +v; break;
        }
      }
      if (month < 0 || month > 11 || day < 1 || h > 23 || mi > 59 || s > 59) return NaN;
      const d = new Date(Date.UTC(2000, month, day, h, mi, s, ms));
      d.setUTCFullYear(year); // Date.UTC maps years 0–99 to 19xx
      return d.getUTCMonth() === month && d.getUTCDate() === day ? d.getTime() : NaN; // 31/06 is not a date
    },
  };
}

function bad(format: string, why: string): EnclaveError {
  return new EnclaveError('invalid-argument', `The date format "${format.slice(0, MAX_FORMAT)}" cannot be used: ${why}.`);
}

/** Throws invalid-argument when `format` is not a usable date format. */
export function checkDateFormat(format: string): void {
  compileDateFormat(format);
}

/**
 * The table with each named column read as dates in its format. A text column's distinct values are parsed once
 * each; values that do not fit become missing (a warning counts them and quotes the first); a column where none
 * fits, or that does not exist, is refused. A column already read as dates is left as it is.
 */
export function applyDateFormats(table: Table, formats: readonly { column: string; format: string }[], warnings: string[]): Table {
  if (formats.length === 0) return table;
  const byName = new Map<string, CompiledDateFormat>();
  for (const f of formats) byName.set(f.column, compileDateFormat(f.format));
  for (const name of byName.keys()) {
    if (!table.columns.some((c) => c.name === name)) {
      const shown = table.columns.slice(0, 8).map((c) => `"${c.name}"`).join(', ');
      throw new EnclaveError('invalid-argument', `A date format names the column "${name}", which this file does not have (its columns: ${shown}${table.columns.length > 8 ? ', …' : ''}).`);
    }
  }
  const columns = table.columns.map((c) => {
    const f = byName.get(c.name);
    return f ? asDates(c, f, warnings) : c;
  });
  return { rowCount: table.rowCount, columns };
}

function asDates(c: Column, f: CompiledDateFormat, warnings: string[]): Column {
  if (c.kind === 'numeric' && c.type === 'datetime') return c;
  const n = c.valid.length;
  const values = new Float64Array(n);
  const valid = new Uint8Array(n);
  let misses = 0;
  let firstMiss: string | null = null;
  let present = 0;
  const parsed = c.kind === 'string' ? c.dictionary.map((t) => f.parse(t)) : null;
  for (let i = 0; i < n; i++) {
    if (!c.valid[i]) continue;
    present++;
    const text = c.kind === 'string' ? null : String(c.values[i]);
    const t = parsed ? parsed[(c as { codes: Int32Array }).codes[i]] : f.parse(text!);
    if (Number.isNaN(t)) {
      misses++;
      firstMiss ??= parsed ? (c as { dictionary: string[] }).dictionary[(c as { codes: Int32Array }).codes[i]] : text;
      continue;
    }
    values[i] = t;
    valid[i] = 1;
  }
  if (present > 0 && misses === present) {
    throw new EnclaveError('invalid-argument', `No value of column "${c.name}" is a date in the format ${f.format} (the first is "${firstMiss}").`, { column: c.name, format: f.format });
  }
  if (misses > 0) {
    warnings.push(`${misses.toLocaleString('en-US')} value${misses === 1 ? '' : 's'} of column "${c.name}" ${misses === 1 ? 'is' : 'are'} not a date in the format ${f.format} (the first: "${firstMiss}"); read as missing.`);
  }
  const out: NumericColumn = { kind: 'numeric', name: c.name, type: 'datetime', values, valid };
  return out;
}
