import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import { domainOf } from '../../src/lib/components/charts/domain.ts';
import BarChart from '../../src/lib/components/charts/BarChart.svelte';
import Histogram from '../../src/lib/components/charts/Histogram.svelte';
import { labelWidth } from '../../src/lib/components/charts/ticks.ts';
import LineChart from '../../src/lib/components/charts/LineChart.svelte';
import Scatter from '../../src/lib/components/evaluation-view/Scatter.svelte';

/** The y labels a chart draws beside its grid lines, top to bottom as they stand in the markup. */
function gridLabels(html: string): string[] {
  const lines = html.match(/<line [^>]*class="grid"/g) ?? [];
  const labels = [...html.matchAll(/<text [^>]*text-anchor="end" class="tick">([^<]*)<\/text>/g)].map((m) => m[1]);
  expect(labels).toHaveLength(lines.length); // a label for every grid line
  return labels;
}

describe('chart axes', () => {
  it("take the data's extent, or the given domain when there is no data", () => {
    expect(domainOf([3, -2, 7], [0, 1])).toEqual([-2, 7]);
    expect(domainOf([], [-1, 1])).toEqual([-1, 1]);
    expect(domainOf([NaN], [0, 1])).toEqual([0, 1]);
  });

  it('label the same y grid in the line chart, the scatter and the histogram (ticks of d3.nice over the data)', () => {
    // y from 0.1 to 0.9: nice() gives [0.1, 0.9] → ticks 0.2 … 0.8 every 0.2 with 4 requested, 0.1 … 0.9 otherwise.
    const line = render(LineChart, { props: { label: 'Loss', series: [{ name: 'train', points: [{ x: 1, y: 0.9 }, { x: 2, y: 0.1 }] }] } }).body;
    expect(gridLabels(line)).toEqual(['0.2', '0.4', '0.6', '0.8']);
    const scatter = render(Scatter, { props: { label: 'Residuals', x: [1, 2], y: [0.9, 0.1] } }).body;
    expect(gridLabels(scatter)).toEqual(['0.2', '0.4', '0.6', '0.8']);
    const empty = render(Scatter, { props: { label: 'Residuals', x: [], y: [] } }).body;
    expect(gridLabels(empty)).toEqual(['−1', '−0.5', '0', '0.5', '1']); // a true minus sign
    const hist = render(Histogram, { props: { label: 'Histogram of x', bins: [{ x0: 0, x1: 1, count: 3 }, { x0: 1, x1: 2, count: 7 }] } }).body;
    // [0, 7] on a 92-unit axis: room for two or three stacked labels at one per 35 units → d3's ticks(2): 0 and 5.
    expect(gridLabels(hist)).toEqual(['0', '5']);
  });
});

/** The x labels a chart draws under its plot (centred text with class "tick"). */
function xLabels(html: string): string[] {
  return [...html.matchAll(/<text [^>]*text-anchor="middle" class="tick">([^<]*)<\/text>/g)].map((m) => m[1]);
}

describe('numbers people read on chart axes', () => {
  it('a histogram of a date column labels its axis with dates, not milliseconds', () => {
    const year = (y: number) => Date.UTC(y, 0, 1);
    const bins = [2012, 2013, 2014].map((y) => ({ x0: year(y), x1: year(y + 1), count: 10 }));
    const html = render(Histogram, { props: { label: 'Histogram of date', bins, dates: true } }).body;
    expect(xLabels(html)).toEqual(['2012', '2013', '2014', '2015']);
  });

  it('a histogram of 50 million rows labels its counts compactly (50M), never as 5e+7', () => {
    const html = render(Histogram, { props: { label: 'Histogram of x', bins: [{ x0: 0, x1: 1, count: 50_000_000 }, { x0: 1, x1: 2, count: 1 }] } }).body;
    expect(gridLabels(html)).toEqual(['0', '20M', '40M']);
    expect(html).not.toMatch(/e\+/);
  });

  it('a line chart of 300 epochs labels whole epochs only, as many as fit', () => {
    const points = Array.from({ length: 300 }, (_, i) => ({ x: i + 1, y: 1 / (i + 1) }));
    const html = render(LineChart, { props: { label: 'Loss', series: [{ name: 'train loss', points }] } }).body;
    expect(xLabels(html).slice(0, -1)).toEqual(['50', '100', '150', '200', '250', '300']); // the last is the axis title
    // The legend says which value it shows: the last one, and where.
    expect(html.replace(/<[^>]*>/g, '')).toContain('train loss: 0.003333 at epoch 300');
  });
});

describe('bar chart labels', () => {
  it('cut a long label with the whole label in a tooltip, and keep a value like 1,234,567 inside the chart', () => {
    const html = render(BarChart, { props: { label: 'Most frequent values', items: [{ label: 'a very long category name indeed', value: 1_234_567 }, { label: 'short', value: 10 }] } }).body;
    const [, shown, full] = /class="tick">([^<]*)<title>([^<]*)<\/title><\/text>/.exec(html)!;
    expect(full).toBe('a very long category name indeed');
    expect(shown.endsWith('…')).toBe(true);
    expect(labelWidth(shown)).toBeLessThanOrEqual(110 - 6);
    const value = /<text x="([\d.]+)"[^>]*class="tick">1,234,567<\/text>/.exec(html);
    expect(value).not.toBeNull();
    expect(Number(value![1]) + labelWidth('1,234,567')).toBeLessThanOrEqual(280);
  });
});
