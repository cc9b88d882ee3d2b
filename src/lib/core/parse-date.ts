/**
 * What counts as a date in a text cell, by real parsers' rules (tests/unit/dates.test.ts checks a table of cases
 * against Python's datetime.fromisoformat and pandas' to_datetime with explicit formats):
 * - ISO 8601 / RFC 3339: YYYY-MM-DD (or YYYY/MM/DD), then optionally T, t or a space and HH:MM[:SS[.fraction]] with
 *   any number of fraction digits (kept to the millisecond, truncated like Python), and an offset Z, ±HH:MM, ±HHMM or
 *   ±HH with HH ≤ 23 and MM ≤ 59. A time without an offset is taken as UTC.
 * - Month names (English, any case, as strptime's %b/%B): "Jun 12 1998", "Jun 12, 1998", "June 12, 1998",
 *   "12 Jun 1998", "12 Jun, 1998", "12-Jun-1998".
 * Impossible dates (2023-02-29, Jun 31) and times (24:00, 10:60) are not dates.
 */

const ISO = /^(\d{4})([-/])(\d{2})\2(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?)?$/;
const MONTH_DAY_YEAR = /^([A-Za-z]{3,9}) (\d{1,2}),? (\d{4})$/;
const DAY_MONTH_YEAR = /^(\d{1,2})(?: ([A-Za-z]{3,9}),? |-([A-Za-z]{3,9})-)(\d{4})$/;

const MONTHS = new Map<string, number>();
['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'].forEach((m, i) => {
  MONTHS.set(m, i);
  MONTHS.set(m.slice(0, 3), i);
});

/** Milliseconds since the epoch of y-m-d h:mi:s.ms UTC, or NaN when any part is out of range (2023-02-29, 24:00). */
function utc(year: number, month: number, day: number, h = 0, mi = 0, sec = 0, ms = 0): number {
  if (month < 0 || month > 11 || day < 1 || h > 23 || mi > 59 || sec > 59) return NaN;
  const t = Date.UTC(year, month, day, h, mi, sec, ms);
  const check = new Date(t);
  // Date.UTC maps years 0–99 to 1900–1999: set the year explicitly.
  if (year < 100) check.setUTCFullYear(year);
  if (check.getUTCMonth() !== month || check.getUTCDate() !== day) return NaN;
  return year < 100 ? check.getTime() : t;
}

/** Milliseconds since epoch (UTC unless an offset is given), or NaN when the text is not a date. */
export function parseDate(s: string): number {
  const text = s.trim();
  const m = ISO.exec(text);
  if (m) {
    const [, y, , mo, d, h = '0', mi = '0', sec = '0', frac = '', z, sign, oh, om = '0'] = m;
    const ms = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
    const t = utc(+y, +mo - 1, +d, +h, +mi, +sec, ms);
    if (z || !sign) return t;
    if (+oh > 23 || +om > 59) return NaN; // an offset of +99:99 is not one (it shifted the time by four days)
    return t - (sign === '-' ? -1 : 1) * (+oh * 60 + +om) * 60_000;
  }
  if (text.length > 20 || text.length < 10) return NaN; // longer or shorter than any month-name form: skip the regexes
  const a = MONTH_DAY_YEAR.exec(text);
  if (a) {
    const month = MONTHS.get(a[1].toLowerCase());
    return month === undefined ? NaN : utc(+a[3], month, +a[2]);
  }
  const b = DAY_MONTH_YEAR.exec(text);
  if (b) {
    const month = MONTHS.get((b[2] ?? b[3]).toLowerCase());
    return month === undefined ? NaN : utc(+b[4], month, +b[1]);
  }
  return NaN;
}
