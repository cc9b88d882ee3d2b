/** Display formatting shared by pages and components (presentation only; no data work). */
import type { ColumnType } from './core/table.ts';
import { readableDate, readableIsoDate, readableNumber } from './core/readable.ts';

export { compactNumber, compactLabels, dateLabels, readableDate as formatDate } from './core/readable.ts';

/** Creates the number format now: a page calls it in a task of its own, before the first render that formats numbers. */
export function prepareNumberFormat(): void {
  readableNumber(1.5);
}

/** "3,000,000", "1,234.5679", "2,000,000.5": separators always, exponents only beyond 1e21 and below 1e-6. */
export function formatNumber(x: number | null | undefined): string {
  // Four decimals at most (significant digits = the whole part's + 4); tinier values keep six significant digits.
  if (typeof x === 'number' && Number.isFinite(x) && Math.abs(x) >= 1e-4) return readableNumber(x, Math.floor(Math.log10(Math.abs(x))) + 5);
  return readableNumber(x);
}

/** A metric or a mean: `digits` significant digits, separators, no exponent (an RMSE of 123,457, not 1.235e+5). */
export function formatSignificant(x: number | null | undefined, digits = 4): string {
  return readableNumber(x, digits);
}

export function formatValue(x: number, type: ColumnType): string {
  if (type === 'datetime') return readableDate(x);
  return formatNumber(x);
}

/**
 * An ISO date-time as a person reads it: "2024-01-27" at midnight UTC (a date), else "2024-01-27 13:05:09" (with
 * ".250" when it has milliseconds) in UTC, as the data holds it. Anything else comes back as it is.
 */
export function formatIsoDate(iso: string): string {
  return readableIsoDate(iso);
}

export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

/** A job's duration: "38 ms" under a second, "2.4 s" under a minute, then "3 min 5 s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}
