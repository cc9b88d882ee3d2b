import { describe, expect, it } from 'vitest';
import { applyRecipe, fitRecipe } from '../../src/lib/core/recipe/index.ts';
import { inferSchema } from '../../src/lib/core/validate/schema.ts';
import { checkTable } from '../../src/lib/core/validate/anomalies.ts';
import { sourceUnitsOf } from '../../src/lib/core/validate/source-units.ts';
import { prepareTable } from '../../src/lib/core/prepare.ts';
import type { StepSpec } from '../../src/lib/core/recipe/types.ts';
import { columnsOf } from './tables.ts';

/** Fit `steps` on train, replay them on validation, check validation against the prepared train's schema. */
function anomaliesAfter(steps: StepSpec[], train: Record<string, unknown[]>, validation: Record<string, unknown[]>) {
  const source = columnsOf(train);
  const { fitted, table } = fitRecipe(source, { steps });
  const val = applyRecipe(columnsOf(validation), fitted, 'eval');
  const names = new Set(source.columns.map((c) => c.name));
  return checkTable(val, inferSchema(table), { units: (c) => sourceUnitsOf(fitted, c, names) });
}

describe('anomalies in source units', () => {
  it('tell the range of a min-max scaled column in the source column\'s units, not "0 to 1"', () => {
    // Train 2,700 … 6,300 g scales to 0 … 1; a validation 9,000 g is 1.75 scaled — and 9,000 in the source.
    const [a] = anomaliesAfter([{ kind: 'scale', columns: ['mass'], method: 'minmax' }], { mass: [2700, 4000, 6300] }, { mass: [2800, 9000] });
    expect(a.message).toBe('Column "mass": 1 value (50.0%) falls outside the training range 2,700 to 6,300 (seen 2,800 to 9,000), in the source column\'s units (before scaling).');
    expect(a.detail).toMatchObject({ min: 0, max: 1, source: { min: 2700, max: 6300 } });
  });

  it('undo standardisation and robust scaling too, composed with imputing', () => {
    // Standard: mean 2, std √(2/3) (ddof 0, as sklearn); 10 in the source stays 10 whatever the scaling.
    const [s] = anomaliesAfter([{ kind: 'impute', columns: ['x'], strategy: 'mean' }, { kind: 'scale', columns: ['x'], method: 'standard' }], { x: [1, 2, 3, null] }, { x: [10, 2] });
    expect(s.message).toContain('training range 1 to 3 (seen 2 to 10)');
    const [r] = anomaliesAfter([{ kind: 'scale', columns: '*numeric', method: 'robust' }], { x: [1, 2, 3, 4, 5] }, { x: [-7, 3] });
    expect(r.message).toContain('training range 1 to 5 (seen -7 to 3)');
  });

  it('say a derived column\'s range is of the prepared column, where no source unit applies', () => {
    const [a] = anomaliesAfter([{ kind: 'derive', name: 'ratio', expression: 'a / b' }, { kind: 'drop-columns', columns: ['a', 'b'] }], { a: [1, 2, 3], b: [2, 2, 2] }, { a: [10], b: [2] });
    expect(a.message).toBe('Column "ratio": 1 value (100.0%) falls outside the training range of the prepared column (after the recipe\'s steps) 0.5 to 1.5 (seen 5 to 5).');
  });

  it('leave an untouched column as the source has it, with separators', () => {
    const [a] = anomaliesAfter([], { n: [1000, 2_000_000] }, { n: [3_000_000] });
    expect(a.message).toBe('Column "n": 1 value (100.0%) falls outside the training range 1,000 to 2,000,000 (seen 3,000,000 to 3,000,000).');
  });

  it('prepareTable reports a scaled column\'s anomalies in source units', () => {
    // x = 1 … 60 scaled to 0 … 1 on train; whichever split holds a value beyond train's ends says so in 1 … 60.
    const x = Array.from({ length: 60 }, (_, i) => i + 1);
    const source = columnsOf({ x, y: x.map((v) => (v % 2 ? 'odd' : 'even')) });
    const out = prepareTable(source, { target: 'y', steps: [{ kind: 'scale', columns: ['x'], method: 'minmax' }] }, { split: { seed: 1 } });
    const ranges = [...out.report.anomalies.validation, ...out.report.anomalies.test].filter((a) => a.kind === 'out-of-range');
    expect(ranges.length).toBeGreaterThan(0);
    for (const a of ranges) {
      const [lo, hi] = /training range (\d+) to (\d+)/.exec(a.message)!.slice(1).map(Number);
      expect(lo).toBeGreaterThanOrEqual(1);
      expect(hi).toBeLessThanOrEqual(60);
      expect(hi - lo).toBeGreaterThan(1); // source units, not 0 to 1
      expect(a.message).toContain("in the source column's units (before scaling)");
    }
  });
});
