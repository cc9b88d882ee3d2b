import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import { prepareTable } from '../../src/lib/core/prepare.ts';
import ValidationReport from '../../src/lib/components/validation-report/ValidationReport.svelte';
import { columnsOf } from './tables.ts';

const props = (target: 'y' | 'z') => {
  const n = 5000;
  const table = columnsOf({ x: Array.from({ length: n }, (_, i) => i), y: Array.from({ length: n }, (_, i) => (i % 2 ? 'odd' : 'even')), z: Array.from({ length: n }, (_, i) => 1_000_000 + i * 1000.5) });
  // The other label column is dropped: a model-ready preparation needs no encoding of it.
  const { report } = prepareTable(table, { target, steps: [{ kind: 'drop-columns', columns: [target === 'y' ? 'z' : 'y'] }] }, { split: { seed: 7 } });
  return { report, saved: null, accepted: [], onaccept: () => {}, onrerun: () => {} };
};

describe('the validation report\'s numbers', () => {
  it('class counts per split carry separators: (1,750), not (1750)', () => {
    const html = render(ValidationReport, { props: props('y') }).body;
    const counts = [...html.matchAll(/<span class="muted[^"]*">\(([\d,]+)\)<\/span>/g)].map((m) => m[1]);
    expect(counts.length).toBe(6); // two classes × three splits
    for (const c of counts.filter((c) => Number(c.replace(/,/g, '')) >= 1000)) expect(c).toMatch(/^\d,\d{3}$/);
    expect(counts.some((c) => c.includes(','))).toBe(true);
  });

  it('a numeric target\'s mean, std, min and max carry separators, never an exponent', () => {
    const html = render(ValidationReport, { props: props('z') }).body;
    const table = html.slice(html.indexOf('aria-label="Target by split"'), html.indexOf('</table>', html.indexOf('aria-label="Target by split"')));
    expect(table).not.toMatch(/e\+/);
    const cells = [...table.matchAll(/<td>([^<]*)<\/td>/g)].map((m) => m[1]).filter((c) => !['train', 'validation', 'test'].includes(c));
    expect(cells).toHaveLength(12);
    for (const c of cells) expect(c).toMatch(/^\d{1,3}(,\d{3})+(\.\d+)?$/); // 3,501,040.2285, 1,000,000 …
  });
});
