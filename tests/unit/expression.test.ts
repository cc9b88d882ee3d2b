import { describe, expect, it } from 'vitest';
import { EnclaveError } from '../../src/lib/core/errors.ts';
import { evaluateDerivation } from '../../src/lib/core/recipe/expression-eval.ts';
import { FUNCTIONS, parseDerivation, referencedColumns } from '../../src/lib/core/recipe/expression.ts';
import { fitRecipe, applyRecipe, parseRecipe } from '../../src/lib/core/recipe/index.ts';
import type { Table } from '../../src/lib/core/table.ts';
import { numericColumn, stringColumn } from '../../src/lib/core/table-ops.ts';

/** A table of float columns (null = missing). */
function floats(cols: Record<string, (number | null)[]>): Table {
  const names = Object.keys(cols);
  const n = names.length ? cols[names[0]].length : 1;
  return {
    rowCount: n,
    columns: names.map((name) => numericColumn(name, 'float', Float64Array.from(cols[name], (x) => x ?? 0), Uint8Array.from(cols[name], (x) => (x === null ? 0 : 1)))),
  };
}

const one = floats({ x: [2] });

/** The derived cells as numbers, null where missing. */
function calc(src: string, table: Table = one): (number | null)[] {
  const r = evaluateDerivation(parseDerivation(src), table);
  return Array.from(r.values, (v, i) => (r.valid[i] ? v : null));
}

function rejection(src: string, table: Table = one): EnclaveError {
  try {
    evaluateDerivation(parseDerivation(src), table);
  } catch (e) {
    expect(e).toBeInstanceOf(EnclaveError);
    expect((e as EnclaveError).code).toBe('invalid-expression');
    return e as EnclaveError;
  }
  throw new Error(`"${src}" was accepted`);
}

describe('expression grammar: what it accepts', () => {
  it('gives * and / precedence over + and -, and evaluates left to right', () => {
    expect(calc('1 + 2 * 3')).toEqual([7]);
    expect(calc('(1 + 2) * 3')).toEqual([9]);
    expect(calc('10 - 4 - 3')).toEqual([3]);
    expect(calc('8 / 4 / 2')).toEqual([1]);
    expect(calc('2 * 3 ^ 2')).toEqual([18]);
  });

  it('makes ^ right-associative and binds it tighter than unary minus', () => {
    expect(calc('2 ^ 3 ^ 2')).toEqual([512]);
    expect(calc('-2 ^ 2')).toEqual([-4]);
    expect(calc('(-2) ^ 2')).toEqual([4]);
    expect(calc('2 ^ -1')).toEqual([0.5]);
    expect(calc('--3 + +1')).toEqual([4]);
    expect(calc('-x * 3')).toEqual([-6]);
  });

  it('reads numbers with decimals and exponents', () => {
    expect(calc('1.5 + .5 + 2. + 1e2 + 2.5E-1')).toEqual([104.25]);
  });

  it('reads bare and backtick-quoted column names, including spaces, symbols and a doubled backtick', () => {
    const t = floats({ 'Body Mass (g)': [3750], height_cm: [180], 'odd`name': [1], høyde: [2] });
    expect(calc('`Body Mass (g)` / 1000', t)).toEqual([3.75]);
    expect(calc('height_cm / 100 + `odd``name` + høyde', t)).toEqual([4.8]);
    expect(referencedColumns(parseDerivation('a + `b c` * a').root)).toEqual(['a', 'b c']);
  });

  it('splits a leading "name =" from the expression', () => {
    const d = parseDerivation('bmi = mass / (height / 100) ^ 2');
    expect(d.name).toBe('bmi');
    expect(d.expression).toBe('mass / (height / 100) ^ 2');
    expect(parseDerivation('`Body Mass (kg)` = 1').name).toBe('Body Mass (kg)');
    expect(parseDerivation('x == 1').name).toBeUndefined();
  });

  it('has the documented functions, each with its arity', () => {
    expect(FUNCTIONS).toEqual(['log', 'exp', 'sqrt', 'abs', 'floor', 'ceil', 'round', 'min', 'max', 'pow', 'clip', 'if']);
    expect(calc('log(exp(2))')).toEqual([2]);
    expect(calc('sqrt(16) + abs(-3)')).toEqual([7]);
    expect(calc('floor(2.7) + ceil(2.1)')).toEqual([5]);
    expect(calc('round(2.5) + round(-2.5) + round(1.2345, 2)')).toEqual([1.23]); // half away from zero
    expect(calc('min(3, 1, 2) + max(3, 7, 5)')).toEqual([8]);
    expect(calc('pow(2, 10)')).toEqual([1024]);
    expect(calc('clip(x * 10, 0, 5) + clip(-1, 0, 5)')).toEqual([5]);
    expect(calc('if(x > 1, 10, 20) + if(x < 1, 1, 2)')).toEqual([12]);
  });

  it('makes comparisons boolean and the rest float', () => {
    const t = floats({ a: [1, 2, 3] });
    const cmp = evaluateDerivation(parseDerivation('a >= 2'), t);
    expect(cmp.type).toBe('boolean');
    expect(Array.from(cmp.values)).toEqual([0, 1, 1]);
    expect(calc('a == 2', t)).toEqual([0, 1, 0]);
    expect(calc('a != 2', t)).toEqual([1, 0, 1]);
    expect(calc('a < 2', t)).toEqual([1, 0, 0]);
    expect(calc('a <= 2', t)).toEqual([1, 1, 0]);
    expect(calc('a > 2', t)).toEqual([0, 0, 1]);
    expect(evaluateDerivation(parseDerivation('a * 2'), t).type).toBe('float');
    expect(evaluateDerivation(parseDerivation('if(a > 1, a < 3, a == 1)'), t).type).toBe('boolean');
  });

  it('propagates missing values through every operator and function', () => {
    const t = floats({ a: [1, null, 3], b: [null, 2, 4] });
    expect(calc('a + b', t)).toEqual([null, null, 7]);
    expect(calc('max(a, b)', t)).toEqual([null, null, 4]);
    expect(calc('-a', t)).toEqual([-1, null, -3]);
    expect(calc('a > 2', t)).toEqual([0, null, 1]);
    expect(calc('if(a > 2, 1, 0)', t)).toEqual([0, null, 1]);
    expect(calc('if(a > 2, b, 0)', t)).toEqual([0, null, 4]);
  });

  it('makes non-finite results missing and counts them, and counts divisions by zero with the first row', () => {
    const t = floats({ n: [1, 2, 3, 4], d: [1, 0, 2, 0] });
    const r = evaluateDerivation(parseDerivation('n / d'), t);
    expect(Array.from(r.valid)).toEqual([1, 0, 1, 0]);
    expect(r.divisionByZero).toBe(2);
    expect(r.firstDivisionRow).toBe(1);
    const logs = evaluateDerivation(parseDerivation('log(d) + sqrt(d - 1)'), t);
    expect(logs.nonFinite).toBe(2); // rows, not cells: both failures of a row count once
    expect(logs.divisionByZero).toBe(0);
  });

  it('evaluates only the branch of if() a row takes, so a guarded division never divides by zero', () => {
    const t = floats({ n: [1, 2, 3], d: [2, 0, 4] });
    const r = evaluateDerivation(parseDerivation('if(d == 0, 0, n / d)'), t);
    expect(r.divisionByZero).toBe(0);
    expect(Array.from(r.values)).toEqual([0.5, 0, 0.75]);
  });

  it('uses boolean columns as 0/1 and dates as milliseconds', () => {
    const t: Table = {
      rowCount: 2,
      columns: [numericColumn('flag', 'boolean', Float64Array.of(1, 0)), numericColumn('when', 'datetime', Float64Array.of(Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 1)))],
    };
    expect(calc('flag * 10', t)).toEqual([10, 0]);
    expect(calc('when / 86400000 - 19723', t)).toEqual([1, 0]);
  });
});

describe('expression grammar: what it rejects, naming the position', () => {
  const cases: [string, RegExp][] = [
    ['a;b', /unexpected ";" at position 2/],
    ['a.b', /unexpected "\." at position 2 \(there is no property access\)/],
    ['a[0]', /unexpected "\[" at position 2/],
    ['"str"', /unexpected """ at position 1/],
    ["'str'", /unexpected "'" at position 1/],
    ['x => 1', /unexpected "=>" at position 3/],
    ['eval(1)', /unknown function "eval" at position 1 \(known: log, exp, sqrt/],
    ['constructor', /unknown column "constructor" at position 1/],
    ['__proto__', /unknown column "__proto__" at position 1/],
    ['this', /unknown column "this" at position 1/],
    ['x + constructor.name', /unexpected "\." at position 16/],
    ['`${x}`', /unexpected "\$\{" at position 2 \(there are no template strings\)/],
    ['`x', /column name opened at position 1 has no closing "`"/],
    ['``', /empty column name at position 1/],
    ['a = b = 1', /expected an operator or the end at position 7, found "=" \(only a leading "name =" assigns/],
    ['x + 1 = 2', /expected an operator or the end at position 7, found "="/],
    ['x < 1 < 2', /position 7, found "<" \(comparisons do not chain\)/],
    ['(x + 1', /expected "\)" at position 7 \(the end\), found the end/],
    ['x + 1)', /expected an operator or the end at position 6, found "\)"/],
    ['x 1', /expected an operator or the end at position 3, found "1"/],
    ['2x', /expected an operator or the end at position 2, found "x"/],
    ['x +', /expected a number, a column, a function or "\(" at position 4 \(the end\), found the end/],
    ['', /expected a number, a column, a function or "\(" at position 1 \(the end\)/],
    ['x ** 2', /unexpected "\*\*" at position 3 \(use \^ for powers\)/],
    ['x % 2', /unexpected "%" at position 3/],
    ['x && 1', /unexpected "&" at position 3/],
    ['!x', /unexpected "!" at position 1/],
    ['clip(x, 1)', /function "clip" takes 3 arguments \(x, lo, hi\), got 2, at position 1/],
    ['min(x)', /function "min" takes 2 or more arguments/],
    ['log(x, 2', /expected "," or "\)" at position 9/],
    ['{x}', /unexpected "\{" at position 1/],
  ];
  for (const [src, message] of cases) {
    it(`rejects ${JSON.stringify(src)}`, () => {
      const e = rejection(src);
      expect(e.message).toMatch(message);
      expect(e.message.startsWith(`Expression "${src}": `)).toBe(true);
      expect(e.detail?.position).toEqual(expect.any(Number));
    });
  }

  it('reports an unclosed parenthesis with the position and what was expected', () => {
    expect(rejection('bmi = mass / (height / 100', floats({ mass: [1], height: [1] })).message).toBe(
      'Expression "bmi = mass / (height / 100": expected ")" at position 27 (the end), found the end',
    );
  });

  it('names a text column, which expressions cannot use', () => {
    const t: Table = { rowCount: 1, columns: [stringColumn('species', 'categorical', ['Adelie'])] };
    expect(rejection('species * 2', t).message).toMatch(/column "species" at position 1 is categorical/);
  });

  it('refuses nesting deeper than 200 levels instead of overflowing the stack', () => {
    expect(rejection('('.repeat(300) + 'x' + ')'.repeat(300)).message).toMatch(/nests deeper than 200 levels at position 202/);
    expect(rejection('-'.repeat(300) + 'x').message).toMatch(/nests deeper than 200 levels/);
    expect(rejection('x+'.repeat(6000) + 'x').message).toMatch(/longer than 10000 characters/);
  });
});

describe('long and deep formulas', () => {
  // Sums and products of thousands of terms are flat chains, not nesting: they must parse and evaluate (the issue:
  // a 2,000-term x+x+… ended in "Maximum call stack size exceeded", code internal).
  it('parses and evaluates a 2,000-term sum, difference and product', () => {
    expect(calc('x+'.repeat(1999) + 'x')).toEqual([4000]); // 2,000 × 2
    expect(calc('1-'.repeat(1999) + '1')).toEqual([-1998]); // 1 − 1,999 × 1
    expect(calc('x*'.repeat(1999) + '1')).toEqual([null]); // 2^1999 overflows a double: missing
    expect(calc('x*'.repeat(999) + '1')).toEqual([2 ** 999]); // exact in binary
    expect(calc('1/'.repeat(1999) + '1')).toEqual([1]);
  });

  it('parses and evaluates the longest formula allowed (5,000 terms, 9,999 characters)', () => {
    expect(calc('x+'.repeat(4999) + 'x')).toEqual([10000]);
    expect(calc('x*1+'.repeat(2499) + 'x')).toEqual([5000]); // 2,500 products in one sum
  });

  it('names the columns of a 2,000-term formula and evaluates it over many rows', () => {
    const names = Array.from({ length: 1000 }, (_, i) => `c${i}`);
    const terms = Array.from({ length: 2000 }, (_, i) => names[i % 1000]);
    expect(referencedColumns(parseDerivation(terms.join('+')).root)).toEqual(names); // in order of first use
    const t = floats({ a: [1, 2, null], b: [10, 20, 30] });
    expect(calc(Array.from({ length: 1000 }, () => 'a + b').join(' + '), t)).toEqual([11000, 22000, null]);
  });

  it('derives a column from a 2,000-term formula in a recipe step', () => {
    const { table } = fitRecipe(one, parseRecipe({ steps: ['s = ' + 'x+'.repeat(1999) + 'x'] }));
    expect(Array.from((table.columns[1] as { values: Float64Array }).values)).toEqual([4000]);
  });

  it('evaluates a long chain inside every branch of if() and every argument of a call', () => {
    const chain = 'x+'.repeat(999) + 'x'; // 2,000 when x = 2
    expect(calc(`if(x > 1, ${chain}, 0) + max(${chain}, 1) + round(${chain})`)).toEqual([6000]);
  });

  it('evaluates the deepest nesting allowed (200 levels of parentheses, signs, calls or powers)', () => {
    expect(calc('('.repeat(200) + 'x' + ')'.repeat(200))).toEqual([2]);
    expect(calc('-'.repeat(199) + 'x')).toEqual([-2]); // an odd number of minus signs
    expect(calc('abs('.repeat(199) + '-x' + ')'.repeat(199))).toEqual([2]);
    expect(calc('1^'.repeat(199) + 'x')).toEqual([1]);
  });

  it('refuses 10,000 nested parentheses or signs with a clear error naming the limit, not a stack overflow', () => {
    for (const src of ['('.repeat(10_000) + 'x' + ')'.repeat(10_000), '-'.repeat(10_000) + 'x', '('.repeat(4999) + 'x' + ')'.repeat(4999), '-'.repeat(9999) + 'x', 'abs('.repeat(2000) + 'x' + ')'.repeat(2000), '2^'.repeat(4999) + '1']) {
      const e = rejection(src);
      expect(e.message).toMatch(/nests deeper than 200 levels|longer than 10000 characters/);
      expect(e.message.length).toBeLessThan(300); // the formula is not echoed whole
    }
  });
});

describe('derive step', () => {
  const people = floats({ mass: [70, 80, 90], height: [175, 0, 180] });
  const train = floats({ mass: [70, 80], height: [175, 160] });

  it('accepts { name, expression }, "name = expression" and a bare string step', () => {
    for (const step of [{ kind: 'derive', name: 'bmi', expression: 'mass / (height / 100) ^ 2' }, { kind: 'derive', expression: 'bmi = mass / (height / 100) ^ 2' }, 'bmi = mass / (height / 100) ^ 2']) {
      const { table } = fitRecipe(train, parseRecipe({ steps: [step] }));
      const bmi = table.columns.find((c) => c.name === 'bmi')!;
      expect(bmi.type).toBe('float');
      expect((bmi as { values: Float64Array }).values[0]).toBeCloseTo(22.857142857142858, 12);
    }
  });

  it('rejects a name that disagrees with the expression, and a missing name', () => {
    expect(() => parseRecipe({ steps: [{ kind: 'derive', name: 'a', expression: 'b = 1' }] })).toThrow(/Step 1 \(derive\): the name "a" and the expression's "b = …" disagree/);
    expect(() => parseRecipe({ steps: [{ kind: 'derive', expression: 'mass * 2' }] })).toThrow(/Step 1 \(derive\): name the new column/);
  });

  it('puts the step in front of a syntax error and keeps the invalid-expression code', () => {
    try {
      parseRecipe({ steps: [{ kind: 'drop-duplicates' }, 'bmi = mass / (height / 100'] });
      expect.unreachable();
    } catch (e) {
      expect((e as EnclaveError).code).toBe('invalid-expression');
      expect((e as EnclaveError).message).toBe('Step 2 (derive): Expression "bmi = mass / (height / 100": expected ")" at position 27 (the end), found the end');
    }
  });

  it('fails at fit on a division by zero in training rows, naming the step, the column and the first row', () => {
    try {
      fitRecipe(people, parseRecipe({ steps: [{ kind: 'drop-duplicates' }, 'bmi = mass / (height / 100) ^ 2'] }));
      expect.unreachable();
    } catch (e) {
      expect((e as EnclaveError).code).toBe('invalid-expression');
      expect((e as EnclaveError).message).toMatch(/^Step 2 \(derive\): division by zero in column "bmi" at row 2 \(1 training row in all\)/);
      expect((e as EnclaveError).detail).toMatchObject({ step: 1, kind: 'derive', column: 'bmi', row: 1 });
    }
  });

  it('makes a division by zero missing on eval and predict tables, with a note', () => {
    const { fitted } = fitRecipe(train, parseRecipe({ steps: ['bmi = mass / (height / 100) ^ 2'] }));
    for (const mode of ['eval', 'predict'] as const) {
      const notes: string[] = [];
      const out = applyRecipe(people, fitted, mode, { onNote: (m) => notes.push(m) });
      expect(Array.from(out.columns[2].valid)).toEqual([1, 0, 1]);
      expect(notes).toEqual(['Step 1 (derive): 1 rows of column "bmi" divide by zero (first: row 2) and are missing.']);
    }
  });

  it('names an unknown column with the step', () => {
    expect(() => fitRecipe(train, parseRecipe({ steps: ['bmi = mas / height'] }))).toThrow(/^Step 1 \(derive\): Expression "bmi = mas \/ height": unknown column "mas" at position 7 \(columns: mass, height\)/);
  });

  it('writes a boolean column for a comparison and replaces a column of the same name in place', () => {
    const { table } = fitRecipe(train, parseRecipe({ steps: ['heavy = mass > 75', 'mass = mass / 1000'] }));
    expect(table.columns.map((c) => [c.name, c.type])).toEqual([['mass', 'float'], ['height', 'float'], ['heavy', 'boolean']]);
    expect(Array.from((table.columns[0] as { values: Float64Array }).values)).toEqual([0.07, 0.08]);
  });
});
