import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'bin/enclave.ts', ...args], { encoding: 'utf8' });

describe('enclave profile FILE', () => {
  it('prints the schema and profile of the penguins as JSON, with the statistics pandas gives', () => {
    const out = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', 'bin/enclave.ts', 'profile', 'static/samples/penguins.csv'], { encoding: 'utf8' }));
    expect(out).toMatchObject({ file: 'penguins.csv', format: 'csv', delimiter: ',', rows: 344, columnCount: 7, duplicateRows: 0, missingCells: 18 });
    expect(out.hash).toMatch(/^[0-9a-f]{64}$/);
    const byName = Object.fromEntries(out.columns.map((c: { name: string }) => [c.name, c]));
    expect(Object.keys(byName)).toEqual(['Species', 'Island', 'Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)', 'Sex']);
    expect(out.columns.map((c: { missing: number }) => c.missing)).toEqual([0, 0, 2, 2, 2, 2, 10]);
    expect(byName['Species']).toMatchObject({ type: 'categorical', distinct: 3, top: [{ value: 'Adelie', count: 152 }, { value: 'Gentoo', count: 124 }, { value: 'Chinstrap', count: 68 }] });
    // pandas 1.5.3: df['Body Mass (g)'].mean(), .std(), .quantile([.05,.25,.5,.75,.95])
    const mass = byName['Body Mass (g)'];
    expect(mass.type).toBe('integer');
    expect(mass.mean).toBeCloseTo(4201.754385964912, 9);
    expect(mass.std).toBeCloseTo(801.9545356980954, 9);
    expect(mass.quantiles).toEqual({ p5: 3150, p25: 3550, p50: 4050, p75: 4750, p95: 5650 });
    expect(mass.histogram.reduce((s: number, b: { count: number }) => s + b.count, 0)).toBe(342);
    expect(out.correlations.columns).toHaveLength(4);
  });

  it('exits 2 with a coded JSON error for a missing file, and for an unknown command', () => {
    const missing = run('profile', 'no/such/file.csv');
    expect(missing.status).toBe(2);
    expect(JSON.parse(missing.stderr).error.code).toBe('not-found');
    const unknown = run('frobnicate');
    expect(unknown.status).toBe(2);
    expect(JSON.parse(unknown.stderr).error.code).toBe('invalid-argument');
  });
});
