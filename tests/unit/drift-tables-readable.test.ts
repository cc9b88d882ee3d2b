import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import { driftReport } from '../../src/lib/core/validate/drift/report.ts';
import DriftTable from '../../src/lib/components/validation-report/DriftTable.svelte';
import DriftColumns from '../../src/lib/components/monitor/DriftColumns.svelte';
import { columnsOf } from './tables.ts';

// 200 values 0 … 199 against the same shifted by 1,000: Kolmogorov–Smirnov's p-value is far below 1e-4.
const reference = columnsOf({ x: Array.from({ length: 200 }, (_, i) => i) });
const current = columnsOf({ x: Array.from({ length: 200 }, (_, i) => i + 1000) });
const report = driftReport(reference, current);

describe('drift tables people read', () => {
  it('the validation report writes a p-value under 0.0001 as "< 0.0001", never in exponent notation', () => {
    expect(report.columns[0].pValue!).toBeLessThan(1e-4);
    const html = render(DriftTable, { props: { validation: report, test: null } }).body;
    expect(html).toContain('p &lt; 0.0001');
    expect(html).not.toMatch(/\de-\d/);
  });

  it('the Monitor page\'s drift table does the same', () => {
    const html = render(DriftColumns, { props: { report: report as never, caption: 'Drift' } }).body;
    expect(html).toContain('&lt; 0.0001');
    expect(html).not.toMatch(/\de-\d/);
  });
});
