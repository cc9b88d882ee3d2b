import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import RunsTable from '../../src/lib/components/runs-table/RunsTable.svelte';
import CompareChart from '../../src/lib/components/runs-table/CompareChart.svelte';
import { bestLoss } from '../../src/lib/components/runs-table/curve-summary.ts';
import { runStatus } from '../../src/lib/components/runs-table/run-status.ts';
import type { RunRecord } from '../../src/lib/store/db.ts';
import { formatHyperparameters, readableNumber } from '../../src/lib/components/runs-table/hyperparameters.ts';
import { isImbalanced, metricColumnsFor, metricsFor, metricValue } from '../../src/lib/components/runs-table/metric-columns.ts';
import { DASHES, MARKERS, PALETTE, seriesStyle } from '../../src/lib/components/runs-table/palette.ts';
import { summariseRecipe } from '../../src/lib/components/runs-table/recipe-summary.ts';

describe('the runs table shows the metric that fits the task', () => {
  it('shows RMSE for regression', () => {
    expect(metricsFor('regression').map((c) => c.label)).toEqual(['RMSE']);
  });

  it('shows accuracy alone for balanced classes (the smallest at least half the largest)', () => {
    expect(metricsFor('classification', [50, 50, 25]).map((c) => c.label)).toEqual(['accuracy']);
  });

  it('adds macro-F1 beside accuracy when the smallest class is under half the largest', () => {
    // breast_cancer: 212 malignant, 357 benign → 212 ≥ 178.5, balanced enough; penguins' validation 30/14/24 → 14 < 15.
    expect(isImbalanced([212, 357])).toBe(false);
    expect(isImbalanced([30, 14, 24])).toBe(true);
    expect(metricsFor('classification', [30, 14, 24]).map((c) => c.label)).toEqual(['accuracy', 'macro-F1']);
    expect(isImbalanced([10, 0])).toBe(true); // a class with no rows at all
    expect(isImbalanced([7])).toBe(false);
  });

  it('takes the class counts from each run’s validation report and shows every column any run needs', () => {
    const report = (support: number[]) => ({ validation: { kind: 'classification', perClass: support.map((s) => ({ support: s })) } }) as never;
    const balanced = { task: 'classification' as const, evaluation: report([10, 10]) };
    const skewed = { task: 'classification' as const, evaluation: report([18, 2]) };
    const cancelled = { task: 'classification' as const, evaluation: undefined };
    expect(metricColumnsFor([balanced, cancelled]).map((c) => c.key)).toEqual(['accuracy']);
    expect(metricColumnsFor([balanced, skewed]).map((c) => c.key)).toEqual(['accuracy', 'macroF1']);
    expect(metricColumnsFor([{ task: 'regression', evaluation: undefined }]).map((c) => c.key)).toEqual(['rmse']);
  });

  it('reads a score only when the run has it', () => {
    expect(metricValue({ accuracy: 0.9, macroF1: 0.8 }, 'macroF1')).toBe(0.8);
    expect(metricValue({ rmse: 3 }, 'accuracy')).toBeNull();
    expect(metricValue(undefined, 'rmse')).toBeNull();
  });
});

describe('hyperparameters read as words, not JSON', () => {
  it('writes an MLP as layers and activation, learning rate and epochs', () => {
    expect(formatHyperparameters('mlp', { units: [64, 32], activation: 'relu', dropout: 0, l2: 1e-4, optimizer: 'adam', learningRate: 0.001, batchSize: 32, epochs: 200, patience: 20, classWeight: 'none' }))
      .toBe('64-32 relu, lr 0.001, 200 epochs');
  });

  it('adds every other hyperparameter that differs from its default', () => {
    expect(formatHyperparameters('mlp', { units: [128, 64], activation: 'tanh', dropout: 0.1, l2: 1e-4, optimizer: 'sgd', learningRate: 0.003, batchSize: 64, epochs: 500, patience: 50, classWeight: 'balanced' }))
      .toBe('128-64 tanh, lr 0.003, 500 epochs, dropout 0.1, SGD, batch 64, patience 50, balanced classes');
  });

  it('writes logistic regression, linear regression and kNN by what tells them apart', () => {
    expect(formatHyperparameters('logistic', { l2: 0.001, optimizer: 'adam', learningRate: 0.03, batchSize: 64, epochs: 300, patience: 20, classWeight: 'none' })).toBe('L2 0.001, lr 0.03, 300 epochs, Adam');
    expect(formatHyperparameters('linear', { l2: 1e-8 })).toBe('L2 1e-8');
    expect(formatHyperparameters('knn', { k: 15, distance: 'euclidean' })).toBe('k 15');
  });

  it('lists the members of an auto ensemble', () => {
    const members = [{ algorithm: 'knn', hyperparameters: { k: 5, distance: 'euclidean' } }, { algorithm: 'linear', hyperparameters: { l2: 1e-8 } }];
    expect(formatHyperparameters('ensemble', { members })).toBe('mean of 2: knn (k 5); linear (L2 1e-8)');
  });

  it('writes unknown algorithms as name and value, and numbers without float noise', () => {
    expect(formatHyperparameters('forest', { trees: 100, depth: [3, 4] })).toBe('trees 100, depth 3-4');
    expect(readableNumber(0.1 + 0.2)).toBe('0.3');
    expect(readableNumber(1e-8)).toBe('1e-8');
    expect(readableNumber(2_000_000)).toBe('2e6');
  });
});

describe('the recipe column', () => {
  it('names the first steps by kind and counts the rest', () => {
    const recipe = { steps: [{ kind: 'impute', columns: '*numeric', strategy: 'median' }, { kind: 'scale', columns: '*numeric' }, { kind: 'onehot', columns: ['island'] }, { kind: 'drop-columns', columns: ['id'] }] };
    const s = summariseRecipe(recipe);
    expect(s.short).toBe('impute → scale → onehot +1 more');
    expect(s.steps).toHaveLength(4);
    expect(summariseRecipe({ steps: [] }).short).toBe('no steps');
  });
});

// WCAG 2.x relative luminance and contrast ratio (https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio), and CIE 1976 ΔE in
// CIELAB (D65), written here from the definitions: independent of the palette module.
const channel = (c: number) => ((c /= 255) <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
const rgb = (hex: string) => [1, 3, 5].map((i) => channel(parseInt(hex.slice(i, i + 2), 16)));
const luminance = (hex: string) => { const [r, g, b] = rgb(hex); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
const contrast = (a: string, b: string) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
function lab(hex: string): number[] {
  const [r, g, b] = rgb(hex);
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  const X = f((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047), Y = f(0.2126 * r + 0.7152 * g + 0.0722 * b), Z = f((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883);
  return [116 * Y - 16, 500 * (X - Y), 200 * (Y - Z)];
}

describe('compared runs get distinct styles', () => {
  it('has ten colours, each at least 3:1 against the page background and the cards', () => {
    expect(PALETTE).toHaveLength(10);
    for (const c of PALETTE) {
      expect(contrast(c, '#f6f8f7'), c).toBeGreaterThanOrEqual(3); // --bg in app.css
      expect(contrast(c, '#ffffff'), c).toBeGreaterThanOrEqual(3); // --card
    }
  });

  it('keeps every two colours far apart (CIELAB ΔE ≥ 20)', () => {
    for (let i = 0; i < PALETTE.length; i++)
      for (let j = i + 1; j < PALETTE.length; j++) {
        const [a, b] = [lab(PALETTE[i]), lab(PALETTE[j])];
        expect(Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]), `${PALETTE[i]} ${PALETTE[j]}`).toBeGreaterThanOrEqual(20);
      }
  });

  it('uses solid lines for the first ten runs, then dashes, then markers: 200 runs all look different', () => {
    expect(seriesStyle(0)).toEqual({ color: PALETTE[0], dash: null, marker: 'none' });
    expect(seriesStyle(9)).toEqual({ color: PALETTE[9], dash: null, marker: 'none' });
    expect(seriesStyle(10)).toEqual({ color: PALETTE[0], dash: DASHES[1], marker: 'none' });
    expect(seriesStyle(40)).toEqual({ color: PALETTE[0], dash: null, marker: MARKERS[1] });
    const keys = Array.from({ length: 200 }, (_, i) => JSON.stringify(seriesStyle(i)));
    expect(new Set(keys).size).toBe(200);
    expect(() => seriesStyle(-1)).toThrow(RangeError);
  });

  it('draws twelve compared runs as twelve different lines, each named in the legend with its summary', () => {
    const series = Array.from({ length: 12 }, (_, i) => ({ name: `run ${i + 1}`, points: [{ x: 1, y: 1 - i / 20 }, { x: 2, y: 0.5 - i / 40 }], summary: `lowest at epoch ${i + 1}` }));
    const html = render(CompareChart, { props: { label: 'Validation loss of the compared runs', series } }).body;
    const lines = [...html.matchAll(/<g data-series="[^"]*"><path d="[^"]*" fill="none" stroke="([^"]+)" stroke-width="2"(?: stroke-dasharray="([^"]+)")?/g)].map((m) => `${m[1]} ${m[2] ?? 'solid'}`);
    expect(lines).toHaveLength(12);
    expect(new Set(lines).size).toBe(12);
    expect(lines[10]).toBe(`${PALETTE[0]} ${DASHES[1]}`); // run 11: run 1's colour, dashed
    expect(html).toContain("run 12: lowest at epoch 12");
  });

  it("sums up a run's validation loss curve by its lowest point", () => {
    const e = (epoch: number, valLoss?: number) => ({ epoch, loss: 1, metric: 0.5, ...(valLoss === undefined ? {} : { valLoss }) });
    expect(bestLoss([e(1, 0.9), e(2, 0.31234), e(3, 0.4)])).toBe('lowest 0.3123 at epoch 2');
    expect(bestLoss([e(1), e(2)])).toBe('no validation curve');
  });
});

describe('the runs table', () => {
  const base = {
    id: 'a', dataset: 'd', preparation: 'p', version: 'v', recipe: 'r', split: { method: 'stratified', fractions: [0.6, 0.2, 0.2], seed: 42 },
    target: 'Species', task: 'classification', algorithm: 'mlp', seed: 42, backend: 'cpu', durationMs: 1200, created: 2, features: ['x'],
    hyperparameters: { units: [64, 32], activation: 'relu', dropout: 0, l2: 1e-4, optimizer: 'adam', learningRate: 0.001, batchSize: 32, epochs: 200, patience: 20, classWeight: 'none' }
  } as const;
  const report = { validation: { kind: 'classification', perClass: [{ support: 30 }, { support: 14 }, { support: 24 }] } };
  const done = { ...base, status: 'completed', history: [{ epoch: 1, loss: 1, metric: 0.5 }], metrics: { validation: { accuracy: 0.97101, logLoss: 0.1, macroF1: 0.96234 } }, evaluation: report } as unknown as RunRecord;
  const cancelled = { ...base, id: 'b', created: 1, status: 'cancelled', hyperparameters: { ...base.hyperparameters, epochs: 5000 }, history: [1, 2, 3].map((epoch) => ({ epoch, loss: 1, metric: 0.5 })), metrics: {} } as unknown as RunRecord;

  it('marks a cancelled run with how far it got, and says it has no model', () => {
    expect(runStatus(cancelled)).toEqual({ label: 'cancelled (epoch 3 of 5,000)', detail: 'Cancelled at epoch 3 of 5,000: kept with its curves so far, without a model, so it cannot be promoted.' });
    expect(runStatus({ ...cancelled, trials: [{}, {}] as never, hyperparameters: {} }).label).toBe('cancelled (2 candidates)');
    expect(runStatus(done).label).toBe('completed');
  });

  it('shows status, readable hyperparameters and the scores that fit the task', () => {
    const html = render(RunsTable, { props: { runs: [done, cancelled], selected: null, onselect: () => {} } }).body;
    const headers = [...html.matchAll(/<th(?:\s[^>]*)?>(?:<button[^>]*>)?([^<]*)/g)].map((m) => m[1].trim());
    expect(headers).toEqual(['Run', 'Status', 'Algorithm', 'Hyperparameters', 'Recipe', 'Backend', 'Validation accuracy', 'Validation macro-F1', 'Test (sealed)', 'Duration', 'When']);
    expect(html).toContain('64-32 relu, lr 0.001, 200 epochs');
    expect(html).toContain('cancelled (epoch 3 of 5,000)');
    expect(html).toContain('0.9710');
    expect(html).toContain('0.9623');
    expect(html).not.toContain('{&quot;units');
  });
});
