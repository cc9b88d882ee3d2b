/** Display formatting shared by pages and components (presentation only; no data work). */
import type { ColumnType } from './core/table.ts';

const nf = new Intl.NumberFormat('en', { maximumFractionDigits: 4 });

export function formatNumber(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  return Math.abs(x) >= 1e6 || (Math.abs(x) > 0 && Math.abs(x) < 1e-3) ? x.toExponential(3) : nf.format(x);
}

export function formatValue(x: number, type: ColumnType): string {
  if (type === 'datetime') return Number.isFinite(x) ? new Date(x).toISOString().slice(0, 10) : '—';
  return formatNumber(x);
}

export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}
