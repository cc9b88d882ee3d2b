/**
 * A model name's batches as the Monitor page charts them (presentation only): one slot per batch on the x axis, in
 * the order they were scored, each labelled with its date; the values per batch with their reference lines.
 */
import type { BatchRecord } from '../../store/db.ts';

export interface Point { x: number; y: number }

/** The drifted share per batch, and the alert threshold each batch was judged against (a reference line). */
export function driftedShareSeries(batches: readonly BatchRecord[]): { share: Point[]; threshold: Point[] } {
  return {
    share: batches.map((b, x) => ({ x, y: b.report.driftedShare })),
    threshold: batches.map((b, x) => ({ x, y: b.report.thresholds.driftedShare }))
  };
}

export interface MetricSeries {
  metric: 'accuracy' | 'r2';
  /** The score on each labelled batch (NaN where a batch had no labels: a gap). */
  batch: Point[];
  /** The sealed test's score of the version that scored each labelled batch (NaN where unknown). */
  test: Point[];
}

/** The labelled metric per batch beside the sealed test's, or null when no batch carried labels. */
export function labelledMetricSeries(batches: readonly BatchRecord[]): MetricSeries | null {
  const first = batches.find((b) => b.report.metrics)?.report.metrics;
  if (!first) return null;
  const metric = first.metric;
  const read = (s: unknown): number => {
    const v = s && typeof s === 'object' ? (s as Record<string, unknown>)[metric] : undefined;
    return typeof v === 'number' && Number.isFinite(v) ? v : NaN;
  };
  return {
    metric,
    batch: batches.map((b, x) => ({ x, y: b.report.metrics?.metric === metric ? read(b.report.metrics.batch) : NaN })),
    test: batches.map((b, x) => ({ x, y: b.report.metrics?.metric === metric ? read(b.report.metrics.test) : NaN }))
  };
}

/**
 * Which slots get a date label: as many as fit `plotWidth` at `labelWidth` each, evenly spaced, always the newest.
 * Labels never overlap, however many batches there are.
 */
export function labelledSlots(count: number, plotWidth: number, labelWidth: number): number[] {
  if (count <= 0) return [];
  const slot = plotWidth / count;
  const step = Math.max(1, Math.ceil(labelWidth / slot));
  const out: number[] = [];
  for (let i = count - 1; i >= 0; i -= step) out.unshift(i);
  return out;
}

const pad = (x: number) => String(x).padStart(2, '0');

/**
 * Each batch's date as two lines, in the person's time zone: the day ("2026-12-07") and the time ("07:10"), with
 * seconds when two batches fall in the same minute, and milliseconds when in the same second (they would read as one
 * otherwise).
 */
export function batchDates(created: readonly number[]): { day: string; time: string }[] {
  const collide = (unit: number) => new Set(created.map((ms) => Math.floor(ms / unit))).size < created.length;
  const seconds = collide(60_000), millis = seconds && collide(1000);
  return created.map((ms) => {
    const d = new Date(ms);
    return {
      day: `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`,
      time: `${pad(d.getHours())}:${pad(d.getMinutes())}${seconds ? `:${pad(d.getSeconds())}` : ''}${millis ? `.${String(d.getMilliseconds()).padStart(3, '0')}` : ''}`
    };
  });
}

/** A share as a person reads it: "16.7%". */
export function formatShare(x: number): string {
  return Number.isFinite(x) ? `${Math.round(x * 1000) / 10}%` : '—';
}
