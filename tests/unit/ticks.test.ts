import { describe, expect, it } from 'vitest';
import { chooseTicks, labelsFit, labelWidth, TICK_FONT } from '../../src/lib/components/charts/ticks.ts';
import { scaleLinear } from 'd3';

/** Every pair of neighbouring labels, placed where the axis draws them, keeps the gap (estimated widths). */
function overlaps(domain: [number, number], length: number, orientation: 'x' | 'y', values: number[], labels: string[]): boolean {
  const at = scaleLinear().domain(domain).range([0, length]);
  for (let i = 1; i < values.length; i++) {
    const apart = Math.abs(at(values[i]) - at(values[i - 1]));
    const need = orientation === 'x' ? (labelWidth(labels[i]) + labelWidth(labels[i - 1])) / 2 : TICK_FONT;
    if (apart < need) return true;
  }
  return false;
}

describe('axis ticks', () => {
  it('label large counts compactly: 0 to 50M reads 0, 10M … 50M', () => {
    const t = chooseTicks({ domain: [0, 50_000_000], length: 400, orientation: 'x' });
    expect(t.labels).toEqual(['0', '10M', '20M', '30M', '40M', '50M']);
  });

  it('take fewer ticks on a shorter axis instead of letting labels overlap', () => {
    const wide = chooseTicks({ domain: [0, 3_000_000], length: 600, orientation: 'x' });
    const narrow = chooseTicks({ domain: [0, 3_000_000], length: 90, orientation: 'x' });
    expect(narrow.values.length).toBeLessThan(wide.values.length);
    expect(narrow.values.length).toBeGreaterThanOrEqual(2);
  });

  it('never overlap, for any domain and axis length (x and y)', () => {
    const domains: [number, number][] = [[0, 1], [0, 7], [-3.2, 1e9], [1_234_567, 1_234_999], [0.0001, 0.0009], [2012, 2024], [-5e6, 5e6]];
    for (const domain of domains) {
      for (const length of [40, 80, 150, 260, 420, 900]) {
        for (const orientation of ['x', 'y'] as const) {
          const t = chooseTicks({ domain, length, orientation });
          expect(t.values.length, `${domain} ${length}`).toBeGreaterThanOrEqual(1);
          expect(overlaps(domain, length, orientation, t.values, t.labels), `${domain} ${length} ${orientation}: ${t.labels}`).toBe(false);
          expect(new Set(t.labels).size).toBe(t.labels.length);
        }
      }
    }
  });

  it('stack y labels at least a line apart: 0–1 on 100 units gets 0, 0.5, 1 rather than eleven labels', () => {
    const t = chooseTicks({ domain: [0, 1], length: 100, orientation: 'y' });
    expect(t.labels.length).toBeLessThanOrEqual(6);
    expect(labelsFit(t.values.map((v) => v * 100), t.labels, { orientation: 'y' })).toBe(true);
  });

  it('read dates as calendar dates, not milliseconds', () => {
    const t = chooseTicks({ domain: [Date.UTC(2012, 0, 1), Date.UTC(2015, 11, 31)], length: 300, orientation: 'x', kind: 'date' });
    expect(t.labels).toEqual(['2012', '2013', '2014', '2015']);
    const days = chooseTicks({ domain: [Date.UTC(2012, 0, 1), Date.UTC(2012, 0, 20)], length: 300, orientation: 'x', kind: 'date' });
    for (const l of days.labels) expect(l).toMatch(/^2012-01-\d\d$/);
  });

  it('keep whole numbers only when asked (epochs)', () => {
    const t = chooseTicks({ domain: [1, 3], length: 400, orientation: 'x', integer: true });
    expect(t.values).toEqual([1, 1.5, 2, 2.5, 3].filter(Number.isInteger));
  });
});

describe('axis ticks at the ends', () => {
  it('leave out a label that would stick out of the chart past its margin', () => {
    // 0 … 6,300 on 230 units with 12 units of room at the right: "6k" fits, a label at the very end would not.
    const t = chooseTicks({ domain: [0, 6300], length: 230, orientation: 'x', room: [38, 12] });
    const at = (v: number) => (v / 6300) * 230;
    t.values.forEach((v, i) => expect(at(v) + labelWidth(t.labels[i]) / 2).toBeLessThanOrEqual(230 + 12));
    expect(t.values.length).toBeGreaterThanOrEqual(2);
  });
});
