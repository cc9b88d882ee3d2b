/**
 * Numbers and dates as people read them, for every message and label (core's anomaly messages, the services' slice
 * names, the pages through ../format.ts). Pure: no DOM, so core, the workers and the CLI say the same thing.
 *   readableNumber  3000000 → "3,000,000"; 1234.5678 → "1,234.57"; 0.000123456 → "0.000123456"
 *   compactNumber   50000000 → "50M"; 1200 → "1.2k" (axis ticks; compactLabels makes a set of ticks distinct)
 *   readableDate    epoch ms → "2012-01-01" at midnight UTC, else "2012-01-01 13:05:09" (UTC)
 */

// Created on first use: a page's first Intl.NumberFormat loads ICU data (~11 ms in Chromium).
const formats = new Map<number, Intl.NumberFormat>();
function grouped(fractionDigits: number): Intl.NumberFormat {
  let f = formats.get(fractionDigits);
  if (!f) formats.set(fractionDigits, (f = new Intl.NumberFormat('en', { maximumFractionDigits: fractionDigits })));
  return f;
}

/**
 * A number with thousands separators and at most `significant` significant digits in its fraction (the whole part is
 * never rounded away: 3,456,789.12 → "3,456,789"). Exponent notation only where separators stop helping: beyond 1e21
 * and below 1e-6 in magnitude. Missing, NaN → "—".
 */
export function readableNumber(x: number | null | undefined, significant = 6): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  const a = Math.abs(x);
  if (a >= 1e21 || (a > 0 && a < 1e-6)) return x.toExponential(Math.max(0, Math.min(significant, 4) - 1)).replace(/\.?0+e/, 'e');
  if (Number.isInteger(x)) return grouped(0).format(x);
  const magnitude = Math.floor(Math.log10(a));
  return grouped(Math.min(20, Math.max(0, significant - 1 - magnitude))).format(x);
}

const UNITS: [number, string][] = [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'k']];

/** A short label for an axis: 50000000 → "50M", 1200 → "1.2k", 0.25 → "0.25"; `significant` digits at most. */
export function compactNumber(x: number, significant = 3): string {
  if (!Number.isFinite(x)) return readableNumber(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  const sign = x < 0 ? '−' : '';
  for (const [size, unit] of UNITS) {
    // 999,999 is "1M", not "1000k": round first, then choose the unit.
    if (+(a / size).toPrecision(significant) >= 1) return `${sign}${trim(a / size, significant)}${unit}`;
  }
  if (a < 1e-4) return sign + a.toExponential(Math.max(0, significant - 1)).replace(/\.?0+e/, 'e');
  return sign + trim(a, significant);
}

function trim(v: number, significant: number): string {
  return String(+v.toPrecision(significant));
}

/**
 * Compact labels for a set of ticks, with as many digits as it takes for neighbours to read differently (ticks at
 * 1,000,000 and 1,050,000 are "1M" and "1.05M", not "1M" twice). Up to 15 significant digits.
 */
export function compactLabels(ticks: readonly number[]): string[] {
  for (let digits = 2; ; digits++) {
    const labels = ticks.map((t) => compactNumber(t, digits));
    if (digits >= 15 || new Set(labels).size === new Set(ticks).size) return labels;
  }
}

/**
 * Epoch milliseconds as a date: "2024-01-27" at midnight UTC, else "2024-01-27 13:05:09", with ".250" when it has
 * milliseconds (UTC, as the data holds it). Non-finite → "—".
 */
export function readableDate(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '—';
  return readableIsoDate(d.toISOString());
}

/** An ISO date-time ("…T…Z") as readableDate writes it; any other text comes back as it is. */
export function readableIsoDate(iso: string): string {
  const m = /^([+-]?\d{4,6}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d{3})?Z$/.exec(iso);
  if (!m) return iso;
  const [, day, time, ms] = m;
  const millis = ms && ms !== '.000' ? ms : '';
  return time === '00:00:00' && !millis ? day : `${day} ${time}${millis}`;
}

/** A date axis's labels: years alone when every tick is a new year, then months, days, and times. */
export function dateLabels(ticks: readonly number[]): string[] {
  const iso = ticks.map((t) => new Date(t).toISOString());
  if (iso.every((s) => s.slice(4) === '-01-01T00:00:00.000Z')) return iso.map((s) => s.slice(0, 4));
  if (iso.every((s) => s.slice(7) === '-01T00:00:00.000Z')) return iso.map((s) => s.slice(0, 7));
  if (iso.every((s) => s.slice(10) === 'T00:00:00.000Z')) return iso.map((s) => s.slice(0, 10));
  const sameDay = iso.every((s) => s.slice(0, 10) === iso[0].slice(0, 10));
  return ticks.map((t) => (sameDay ? readableDate(t).slice(11) || '00:00:00' : readableDate(t)));
}
