/** Display formatting shared by pages and components (presentation only; no data work). */
import type { ColumnType } from './core/table.ts';

// Created on first use, not when the module loads: a page's first Intl.NumberFormat loads ICU data (~11 ms in
// Chromium), which would otherwise land in the hydration task of every page that imports this module.
let nf: Intl.NumberFormat | undefined;
const numberFormat = () => (nf ??= new Intl.NumberFormat('en', { maximumFractionDigits: 4 }));

/** Creates the number format now: a page calls it in a task of its own, before the first render that formats numbers. */
export function prepareNumberFormat(): void {
  numberFormat();
}

export function formatNumber(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  // Counts are read whole: "1,200,000 rows", never "1.200e+6".
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return numberFormat().format(x);
  return Math.abs(x) >= 1e6 || (Math.abs(x) > 0 && Math.abs(x) < 1e-3) ? x.toExponential(3) : numberFormat().format(x);
}

export function formatValue(x: number, type: ColumnType): string {
  if (type === 'datetime') return Number.isFinite(x) ? new Date(x).toISOString().slice(0, 10) : '—';
  return formatNumber(x);
}

/**
 * An ISO date-time as a person reads it: "2024-01-27" at midnight UTC (a date), else "2024-01-27 13:05:09" (with
 * ".250" when it has milliseconds) in UTC, as the data holds it. Anything else comes back as it is.
 */
export function formatIsoDate(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d{3})?Z$/.exec(iso);
  if (!m) return iso;
  if (m[2] === '00:00:00' && (!m[3] || m[3] === '.000')) return m[1];
  return `${m[1]} ${m[2]}${m[3] && m[3] !== '.000' ? m[3] : ''}`;
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
