import { describe, expect, it } from 'vitest';
import { answeredSteps, columnsAt, stepKey, stepStatuses, type CheckedRecipe } from '../../src/lib/components/recipe-builder/step-status.ts';

const impute = { kind: 'impute', columns: '*numeric', strategy: 'median' };
const onehot = { kind: 'onehot', columns: ['Island'] };
const badScale = { kind: 'scale', columns: ['Sex'], method: 'minmax' };
const source = [{ name: 'Island', type: 'categorical' as const }, { name: 'Sex', type: 'categorical' as const }];
const afterOnehot = [{ name: 'Island=Biscoe', type: 'integer' as const }, { name: 'Sex', type: 'categorical' as const }];

function checked(steps: unknown[], key = 'k'): CheckedRecipe {
  return {
    key,
    steps: steps.map(stepKey),
    result: {
      columns: source,
      sampled: 206,
      steps: [
        { status: 'ok', columns: source },
        { status: 'ok', columns: afterOnehot },
        { status: 'broken', problem: 'Step 3 (scale): column "Sex" is categorical; scale works on numeric (integer or float) columns.', column: 'Sex' },
        { status: 'unchecked', after: 2 },
      ],
    },
  };
}

describe('the step list marks (Prepare)', () => {
  it('marks the step the check found broken, and says of the one after it that it waits', () => {
    const steps = [impute, onehot, badScale, { kind: 'drop-duplicates' }];
    expect(stepStatuses(steps, 'Species', checked(steps), 'k')).toEqual([{}, {}, { problem: expect.stringMatching(/^Step 3 \(scale\): column "Sex"/) }, { note: 'Its columns are checked once step 3 is fixed.' }]);
  });

  it('marks a step that does not parse at once, before any check has come back', () => {
    const broken = { kind: 'derive', name: 'r', expression: 'a / (b' };
    expect(stepStatuses([impute, broken], 'Species', null, 'k')).toEqual([{}, { problem: expect.stringMatching(/^Step 2 \(derive\)/) }]);
  });

  it('keeps the answer for the steps before the first edited one, and drops it from there on (and for another split)', () => {
    const steps = [impute, onehot, badScale, { kind: 'drop-duplicates' }];
    const c = checked(steps);
    const fixed = [impute, onehot, { ...badScale, columns: ['Island=Biscoe'] }, { kind: 'drop-duplicates' }];
    expect(answeredSteps(c, 'k', fixed)).toBe(2);
    expect(stepStatuses(fixed, 'Species', c, 'k')).toEqual([{}, {}, {}, {}]);
    expect(answeredSteps(c, 'another target', steps)).toBe(0);
  });

  it('offers each step the columns the steps before it leave (a new step at the end: after the last one that runs)', () => {
    const steps = [impute, onehot];
    const c = checked([impute, onehot, badScale, { kind: 'drop-duplicates' }]);
    expect(columnsAt(0, steps, c, 'k', source)).toBe(source);
    expect(columnsAt(2, steps, c, 'k', source)).toBe(afterOnehot);
    // Not answered yet (another key): the source's columns.
    expect(columnsAt(2, steps, c, 'other', source)).toBe(source);
  });
});
