import { describe, expect, it } from 'vitest';
import { describeRecipe, describeStep } from '../../src/lib/core/recipe/index.ts';

// The Prepare page's step list describes each step with the core's own words (StepKind.describe), and a step that
// does not parse yet (the person is still writing it) still gets a line, with what is wrong, instead of an error.
describe('describeStep', () => {
  it("describes a step that parses in the step kind's own words", () => {
    expect(describeStep({ kind: 'scale', columns: '*numeric', method: 'minmax' })).toEqual({ text: 'Min-max scale (to 0–1): all numeric columns' });
    expect(describeStep({ kind: 'impute', columns: ['Sex'], strategy: 'most_frequent' })).toEqual({ text: 'Impute the most frequent value of Sex' });
    expect(describeStep({ kind: 'onehot', columns: ['Island', 'Sex'] })).toEqual({ text: 'One-hot encode Island, Sex' });
    expect(describeStep('bmi = mass / 2')).toEqual({ text: 'Derive bmi = mass / 2' }); // the formula as written
  });

  it('describes a formula still being typed from its fields as written, with the problem, and does not throw', () => {
    const d = describeStep({ kind: 'derive', name: 'ratio', expression: '`Beak Length (mm)` / (`Beak Depth (mm)`' }, { index: 2 });
    expect(d.text).toBe('derive (name: ratio; expression: `Beak Length (mm)` / (`Beak Depth (mm)`)');
    expect(d.problem).toMatch(/^Step 3 \(derive\): .*expected "\)"/i);
  });

  it('describes a step with a field missing, or of an unknown kind, or not a step at all, without throwing', () => {
    expect(describeStep({ kind: 'cast', column: 'age' })).toEqual({ text: 'cast (column: age)', problem: expect.stringMatching(/^Step 1 \(cast\): .*"to"/) });
    expect(describeStep({ kind: 'frobnicate', columns: ['a', 'b'] })).toEqual({ text: 'frobnicate (columns: a, b)', problem: expect.stringMatching(/^Step 1: unknown step kind "frobnicate"/) });
    expect(describeStep(42, { index: 4 })).toEqual({ text: 'a step with no kind', problem: expect.stringMatching(/^Step 5: a step is an object with a "kind"/) });
  });

  it('says when a step reads the target, in the words the prepare stage would refuse it with', () => {
    const step = { kind: 'scale', columns: ['y'], method: 'standard' };
    const d = describeStep(step, { index: 1, target: 'y' });
    expect(d.text).toBe('Standardise (mean 0, standard deviation 1): y');
    expect(d.problem).toBe(describeRecipe({ target: 'y', steps: [{ kind: 'drop-duplicates' }, step] })[1]);
    expect(d.problem).toMatch(/^Step 2 \(scale\) rescales the target column "y"/);
  });

  it('describes an ordinal order kept as a list of pairs (keys from data stay data)', () => {
    const d = describeStep({ kind: 'ordinal', columns: ['size'], order: [{ column: '__proto__', categories: ['S', 'M'] }, { column: 'size', categories: 'L' }] });
    expect(d.text).toBe('ordinal (columns: size; order: __proto__ S < M, size ?)');
    expect(d.problem).toMatch(/^Step 1 \(ordinal\)/);
  });
});
