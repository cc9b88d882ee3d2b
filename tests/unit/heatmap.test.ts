import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import CorrelationHeatmap from '../../src/lib/components/charts/CorrelationHeatmap.svelte';

const names = Array.from({ length: 32 }, (_, i) => `measurement of something long number ${i + 1}`);
const matrix = names.map((_, i) => names.map((_, j) => (i === j ? 1 : 0.1)));
const html = () => render(CorrelationHeatmap, { props: { columns: names, matrix } }).body;

describe('correlation heatmap', () => {
  it('has a colour legend: a gradient from −1 through 0 to 1', () => {
    const body = html();
    expect(body).toMatch(/<linearGradient[^>]*>/);
    const legend = body.slice(body.indexOf('class="colour-legend"'));
    const labels = [...legend.matchAll(/class="tick">([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(labels).toEqual(['Pearson r', '−1', '0', '1']);
    expect(legend).toMatch(/fill="url\(#[^)]+\)"/);
  });

  it('keeps 32 long column names readable: cut at 14 characters, the whole name in a tooltip, a row per 12-px line', () => {
    const body = html();
    const labels = [...body.matchAll(/class="tick">([^<]*)<title>([^<]*)<\/title><\/text>/g)];
    expect(labels).toHaveLength(64); // each name beside its row and over its column
    for (const [, shown, full] of labels) {
      expect(shown.length).toBeLessThanOrEqual(14);
      expect(names).toContain(full);
      expect(full.startsWith(shown.replace('…', ''))).toBe(true);
    }
    // Row labels stand at least a line (12 px) plus 2 apart.
    const ys = [...body.matchAll(/<text x="[\d.]+" y="([\d.]+)" dy="0.32em" text-anchor="end" class="tick">/g)].map((m) => Number(m[1]));
    expect(ys).toHaveLength(32);
    for (let i = 1; i < ys.length; i++) expect(ys[i] - ys[i - 1]).toBeGreaterThanOrEqual(14);
  });
});
