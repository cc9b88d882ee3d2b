/**
 * An axis's ticks chosen from the room it has: the most ticks (up to `max`) whose labels, at the chart's font size,
 * stand apart by at least `gap` — so labels never overlap, however long the numbers or dates and however short the
 * axis. Pure (d3's tick positions, our label formats), so the charts and the tests agree on what is drawn.
 */
import { scaleLinear, scaleUtc } from 'd3';
import { compactLabels, dateLabels } from '$lib/core/readable';

/** The charts' tick font size, in viewBox units (app.css `.chart .tick`). */
export const TICK_FONT = 12;

export interface TickOptions {
  domain: readonly [number, number];
  /** The axis's length, in the same units as the font size (the chart's viewBox). */
  length: number;
  /** 'x': labels side by side (their widths matter); 'y': labels stacked (their height matters). */
  orientation: 'x' | 'y';
  /** Dates (epoch ms) tick on calendar units and read as dates. */
  kind?: 'number' | 'date';
  /** Whole numbers only (epochs). */
  integer?: boolean;
  fontSize?: number;
  /** The least free space between two labels. */
  gap?: number;
  /** The most ticks to ask d3 for (about one per 60 units across, 35 up, by default). */
  max?: number;
  /** x only: the room beyond the axis's start and end (the margins); a label that would stick out further is left out. */
  room?: readonly [number, number];
  /** Labels for a set of ticks; compact numbers ("50M", "1.2k") or dates by default. */
  format?: (ticks: number[]) => string[];
}

export interface AxisTicks {
  values: number[];
  labels: string[];
}

/** A label's width estimated from its length: digits and most letters of a system UI font are under 0.62 em. */
export function labelWidth(label: string, fontSize = TICK_FONT): number {
  return label.length * fontSize * 0.62;
}

/** Whether labels centred at `positions` keep `gap` apart (side by side for x, stacked for y). */
export function labelsFit(positions: readonly number[], labels: readonly string[], o: Pick<TickOptions, 'orientation' | 'fontSize' | 'gap'>): boolean {
  const font = o.fontSize ?? TICK_FONT, gap = o.gap ?? 6;
  for (let i = 1; i < positions.length; i++) {
    const apart = Math.abs(positions[i] - positions[i - 1]);
    const need = o.orientation === 'x' ? (labelWidth(labels[i], font) + labelWidth(labels[i - 1], font)) / 2 + gap : font + gap;
    if (apart < need) return false;
  }
  return true;
}

export function chooseTicks(o: TickOptions): AxisTicks {
  const [lo, hi] = o.domain;
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { values: [], labels: [] };
  const date = o.kind === 'date';
  const format = o.format ?? (date ? dateLabels : compactLabels);
  const at = (lo === hi ? () => o.length / 2 : scaleLinear().domain([lo, hi]).range([0, o.length]));
  const ticksOf = (count: number): number[] => {
    const raw = date ? scaleUtc().domain([lo, hi]).ticks(count).map(Number) : scaleLinear().domain([lo, hi]).ticks(count);
    return o.integer ? raw.filter(Number.isInteger) : raw;
  };
  let last: AxisTicks = { values: [], labels: [] };
  // About one tick per 60 units across, 35 up: denser axes read as noise even when their labels fit.
  const max = o.max ?? Math.min(10, Math.floor(o.length / (o.orientation === 'x' ? 60 : 35)));
  for (let count = Math.max(1, max); count >= 1; count--) {
    let values = ticksOf(count);
    let labels = format(values);
    if (o.room && o.orientation === 'x') {
      const [before, after] = o.room, font = o.fontSize ?? TICK_FONT;
      const inside = values.map((v, i) => at(v) - labelWidth(labels[i], font) / 2 >= -before && at(v) + labelWidth(labels[i], font) / 2 <= o.length + after);
      values = values.filter((_, i) => inside[i]);
      labels = labels.filter((_, i) => inside[i]);
    }
    last = { values, labels };
    if (labelsFit(values.map(at), labels, o)) return last;
  }
  // Not even d3's fewest ticks fit: one label, in the middle of the ticks, always does.
  const mid = Math.floor((last.values.length - 1) / 2);
  return last.values.length ? { values: [last.values[mid]], labels: [last.labels[mid]] } : last;
}
