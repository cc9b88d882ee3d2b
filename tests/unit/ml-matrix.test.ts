import { describe, expect, it } from 'vitest';
import { stringColumn } from '../../src/lib/core/table-ops.ts';
import type { Table } from '../../src/lib/core/table.ts';
import { detectTask, featureMatrix, targetVector, toDataset } from '../../src/lib/ml/matrix.ts';
import { errorOf } from './errors.ts';
import { tableOf } from './ml-fixtures.ts';

describe('featureMatrix / targetVector', () => {
  it('builds a row-major float32 X from numeric and boolean columns, and sorted class codes', () => {
    const t = tableOf({ a: [1, 2, 3], b: [0.5, -1, 2.25], flag: [true, false, true], y: ['sun', 'rain', 'fog'] });
    const ds = toDataset(t, 'y');
    expect(ds.shape).toEqual({ task: 'classification', features: ['a', 'b', 'flag'], classNames: ['fog', 'rain', 'sun'] });
    expect([...ds.X]).toEqual([1, 0.5, 1, 2, -1, 0, 3, 2.25, 1]);
    expect([...ds.y]).toEqual([2, 1, 0]);
    expect(ds.X).toBeInstanceOf(Float32Array);
    // Another split reuses the training split's classes and columns (in its order).
    const other = tableOf({ y: ['fog', 'sun'], flag: [false, true], b: [1, 2], a: [3, 4] });
    const ds2 = toDataset(other, 'y', ds.shape);
    expect([...ds2.y]).toEqual([0, 2]);
    expect([...ds2.X]).toEqual([3, 1, 0, 4, 2, 1]);
  });

  it('detects the task: classes for strings, booleans and integers with few values; regression otherwise', () => {
    const t = tableOf({ s: ['a', 'b', 'a'], b: [true, false, true], i: [1, 2, 3], f: [1.5, 2, 3] });
    const task = (name: string) => detectTask(t.columns.find((c) => c.name === name)!);
    expect([task('s'), task('b'), task('i'), task('f')]).toEqual(['classification', 'classification', 'classification', 'regression']);
    const many = tableOf({ i: Array.from({ length: 30 }, (_, k) => k) });
    expect(detectTask(many.columns[0])).toBe('regression');
    const ints = targetVector(tableOf({ y: [10, 2, 10, 33] }), 'y');
    expect(ints.classNames).toEqual(['2', '10', '33']); // numeric order, not text order
    expect([...ints.y]).toEqual([1, 0, 1, 2]);
    const reg = targetVector(tableOf({ y: [1.5, 2.5] }), 'y');
    expect(reg.task).toBe('regression');
    expect(reg.y).toBeInstanceOf(Float32Array);
  });

  it('refuses text, identifier and date features by name, saying which step would help', () => {
    const base = tableOf({ x: [1, 2], y: ['a', 'b'] });
    const withCols: Table = {
      rowCount: 2,
      columns: [...base.columns, stringColumn('city', 'categorical', ['Oslo', 'Rome']), { ...tableOf({ when: [0, 86400000] }, { when: 'datetime' }).columns[0] }],
    };
    const e = errorOf(() => featureMatrix(withCols, 'y'));
    expect(e.code).toBe('invalid-argument');
    expect(e.message).toContain('"city" (categorical: one-hot');
    expect(e.message).toContain('"when" (datetime: add a date-parts step');
    expect(e.detail).toMatchObject({ columns: ['city', 'when'] });
    const id: Table = { rowCount: 2, columns: [base.columns[1], stringColumn('uid', 'identifier', ['u1', 'u2'])] };
    expect(errorOf(() => featureMatrix(id, 'y')).message).toContain('"uid" (identifier: drop it');
  });

  it('refuses missing feature values naming the column and suggesting imputation; and an empty feature set', () => {
    const t = tableOf({ x: [1, null, 3], z: [1, 2, 3], y: ['a', 'b', 'a'] });
    const e = errorOf(() => featureMatrix(t, 'y'));
    expect(e.message).toMatch(/Feature column "x" has 1 missing value .*impute/);
    expect(e.detail).toMatchObject({ column: 'x', missing: 1 });
    const e2 = errorOf(() => featureMatrix(tableOf({ y: ['a', 'b'] }), 'y'));
    expect(e2.message).toContain('no feature columns besides the target "y"');
  });

  it("refuses a target with missing values, a single class, or classes the training split didn't have ('invalid-target')", () => {
    const missing = errorOf(() => targetVector(tableOf({ y: ['a', null, 'b'] }), 'y'));
    expect(missing.code).toBe('invalid-target');
    expect(missing.message).toContain('Target column "y" has 1 missing value');
    const single = errorOf(() => targetVector(tableOf({ y: ['a', 'a'] }), 'y'));
    expect(single.code).toBe('invalid-target');
    expect(single.message).toContain('single class ("a")');
    const unseen = errorOf(() => targetVector(tableOf({ y: ['a', 'c'] }), 'y', { task: 'classification', classNames: ['a', 'b'] }));
    expect(unseen.message).toContain('"c"');
    expect(errorOf(() => targetVector(tableOf({ x: [1] }), 'nope')).code).toBe('invalid-target');
    const dates = errorOf(() => detectTask(tableOf({ d: [0, 1e12] }, { d: 'datetime' }).columns[0]));
    expect(dates.code).toBe('invalid-target');
  });
});

describe('targetVector codes classes as the split names them (each row as text, sorted)', () => {
  /** The reference: each row's text (String of a number, 'true'/'false', the dictionary entry), its sorted index. */
  function reference(texts: string[], numeric: boolean) {
    const names = [...new Set(texts)].sort(numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return { classNames: names, y: texts.map((t) => names.indexOf(t)) };
  }

  it('numbers: small whole ones, large, negative, fractions and -0 (which is "0")', () => {
    const values = [1, 0, 2000, -3, 0.5, -0, 1, 2000, 7, 1023, 1024];
    const t: Table = { rowCount: values.length, columns: [{ kind: 'numeric', name: 'c', type: 'float', values: Float64Array.from(values), valid: new Uint8Array(values.length).fill(1) }] };
    const out = targetVector(t, 'c', { task: 'classification' });
    const ref = reference(values.map(String), true);
    expect(out.classNames).toEqual(ref.classNames);
    expect([...out.y]).toEqual(ref.y);
  });

  it('text with a repeated and an unused dictionary entry; booleans as true / false', () => {
    const codes = Int32Array.from([0, 2, 1, 0, 2]);
    const t: Table = { rowCount: 5, columns: [{ kind: 'string', name: 's', type: 'categorical', dictionary: ['b', 'a', 'b', 'unused'], codes, valid: new Uint8Array(5).fill(1) }] };
    const out = targetVector(t, 's');
    expect(out.classNames).toEqual(['a', 'b']);
    expect([...out.y]).toEqual([1, 1, 0, 1, 1]);
    const flags = [1, 0, 0, 1];
    const b: Table = { rowCount: 4, columns: [{ kind: 'numeric', name: 'f', type: 'boolean', values: Float64Array.from(flags), valid: new Uint8Array(4).fill(1) }] };
    const fo = targetVector(b, 'f');
    expect([...fo.classNames!].sort()).toEqual(['false', 'true']);
    expect([...fo.y].map((k) => fo.classNames![k])).toEqual(['true', 'false', 'false', 'true']);
  });

  it('a class the training rows did not have is refused at its first row, named as text', () => {
    const t: Table = { rowCount: 3, columns: [{ kind: 'numeric', name: 'c', type: 'integer', values: Float64Array.from([0, 5, 5]), valid: new Uint8Array(3).fill(1) }] };
    const e = errorOf(() => targetVector(t, 'c', { task: 'classification', classNames: ['0', '1'] }));
    expect(e.message).toBe('Target column "c" has the class "5" (row 2), which the training rows did not have.');
  });
});
