/**
 * From a prepared Table to what a model eats: a row-major Float32Array feature matrix X (n × d) and a target vector y
 * (class codes with their names, or values). Only numeric and boolean columns without missing cells can be features;
 * anything else is an error that says which recipe step would make it one. That rule lives in
 * core/validate/model-ready.ts, which the prepare stage applies before it saves, so Prepare and Train agree. The task
 * follows the target column: classes (a string or boolean column, or integers with at most 20 distinct values, as the
 * split decides) → classification; else regression.
 */
import { finiteMatrices } from './non-finite.ts';
import { EnclaveError } from '../core/errors.ts';
import { column as findColumn, type Column, type Table } from '../core/table.ts';
import { cellCounts, countMissing } from '../core/validate/missing-cell.ts';
import { featureProblem, targetTypeError, taskOf, type Task } from '../core/validate/model-ready.ts';
import { indicatorBits } from '../core/indicator-column.ts';
import type { CompactRows } from './solvers/compact-rows.ts';

export type { Task };

/** What a trained model needs to know about its inputs and outputs (saved with it). */
export interface DataShape {
  task: Task;
  /** Feature column names, in X's column order. */
  features: string[];
  /** Classification: the class of each code, sorted (as scikit-learn's LabelEncoder). */
  classNames?: string[];
}

export interface Matrix {
  /** Row-major n × d. */
  X: Float32Array;
  n: number;
  d: number;
}

export interface Dataset extends Matrix {
  /** Class codes (classification) or values (regression). */
  y: Int32Array | Float32Array;
  shape: DataShape;
  /**
   * The same rows as dense columns plus the non-zeros of mostly-zero ones (ml/compact-dataset.ts), where the split was
   * made for a linear model: its solver and its predictions read these, and X is made only if something reads it.
   */
  compact?: CompactRows;
}

/** Classification for a class target, regression for a numeric one; other targets are an 'invalid-target' error. */
export function detectTask(col: Column): Task {
  const task = taskOf(col);
  if (!task) throw targetTypeError(col);
  return task;
}

/** Matrices from this many values up are put in shared memory where threads can read them in place. */
const SHARED_FROM = 1 << 22;

/**
 * A zeroed n × d matrix. In Node (the headless runner) a large one lives in shared memory, so the L-BFGS shards
 * (native/logistic-shards.ts) read their rows in place instead of a copy each. Not in the browser: WebGL and WebGPU
 * refuse uploads from shared memory, and tfjs hands them X's rows as they are.
 */
export function matrixArray(length: number): Float32Array {
  const node = typeof process === 'object' && !!process.versions?.node;
  return node && length >= SHARED_FROM && typeof SharedArrayBuffer === 'function' ? new Float32Array(new SharedArrayBuffer(4 * length)) : new Float32Array(length);
}

const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;

/**
 * The feature columns of a prepared table: every column but the target (or `features`, when given, in that order),
 * each checked to be a number in every row within float32's range; else an error that says which recipe step fixes it.
 */
export function featureColumns(table: Table, target: string | undefined, features?: string[]): Column[] {
  const cols = features
    ? features.map((name) => {
        const c = findColumn(table, name);
        if (!c) throw new EnclaveError('invalid-argument', `The model needs the feature column "${name}", which this table lacks.`, { column: name });
        return c;
      })
    : table.columns.filter((c) => c.name !== target);
  if (cols.length === 0)
    throw new EnclaveError('invalid-argument', `There are no feature columns${target ? ` besides the target "${target}"` : ''}: a model needs at least one column to learn from.`);
  const n = table.rowCount;
  const problems = cols.map((c) => featureProblem(c, n));
  const bad = problems.filter((p) => p?.problem === 'not-numeric');
  if (bad.length) {
    // The first few by name (a table of 100,000 text columns must not make a megabyte message).
    const list = bad.slice(0, 8).map((p) => `"${p!.column}" (${p!.type}: ${p!.fix})`).join('; ') + (bad.length > 8 ? `; and ${plural(bad.length - 8, 'more column')}` : '');
    throw new EnclaveError('invalid-argument', `Models learn from numbers, and ${bad.length === 1 ? 'this column is' : 'these columns are'} not: ${list}. Add recipe steps for ${bad.length === 1 ? 'it' : 'them'}.`, { columns: bad.slice(0, 100).map((p) => p!.column), count: bad.length });
  }
  const gap = problems.find((p) => p?.problem === 'missing');
  if (gap?.problem === 'missing') {
    const m = gap.missing.train!;
    throw new EnclaveError('invalid-argument', `Feature column "${gap.column}" has ${plural(m, 'missing value')} (of ${n} rows): ${gap.fix}.`, { column: gap.column, missing: m });
  }
  const huge = problems.find((p) => p?.problem === 'beyond-float32');
  if (huge?.problem === 'beyond-float32') {
    const m = huge.count.train!;
    throw new EnclaveError('invalid-argument', `Feature column "${huge.column}" has ${plural(m, 'value')} beyond 32-bit floats (±3.4e38), which models would see as Infinity: ${huge.fix}.`, { column: huge.column, count: m });
  }
  return cols;
}

/** The feature columns of a prepared table: every column but the target (or `features`, when given, in that order). */
export function featureMatrix(table: Table, target: string | undefined, features?: string[]): Matrix & { features: string[] } {
  const cols = featureColumns(table, target, features);
  const n = table.rowCount;
  const d = cols.length;
  const X = matrixArray(n * d);
  // An indicator column is read from its bits (core/indicator-column.ts), never made into doubles.
  const bits = cols.map((c) => indicatorBits(c));
  const values = cols.map((c, j) => (bits[j] ? null : (c as Extract<Column, { kind: 'numeric' }>).values));
  // Row blocks across all columns: column by column, each pass strides d floats over the whole matrix and misses
  // the cache (763 ms against 205 ms at 1,000,000 × 42, bench/predict).
  for (let b = 0; b < n; b += 2048) {
    const e = Math.min(n, b + 2048);
    for (let j = 0; j < d; j++) {
      const v = values[j];
      if (v) for (let i = b, o = b * d + j; i < e; i++, o += d) X[o] = v[i];
      else {
        const w = bits[j]!;
        for (let i = b, o = b * d + j; i < e; i++, o += d) X[o] = (w[i >> 3] >> (i & 7)) & 1;
      }
    }
  }
  finiteMatrices.add(X); // every column passed featureProblem: no missing cell, nothing beyond float32
  return { X, n, d, features: cols.map((c) => c.name) };
}

/**
 * Each row's class as an index into `texts`, the distinct classes as text (the way the split names classes): a text
 * column through its dictionary codes, a numeric one through its distinct values, so each class is made text once
 * rather than once a row (70 ns a row at 3M rows).
 */
function classIds(col: Column, n: number): { ids: Int32Array; texts: string[] } {
  const ids = new Int32Array(n);
  if (col.kind === 'string') {
    // Dictionary entries may repeat a text: one id per distinct text.
    const byText = new Map<string, number>();
    const ofCode = col.dictionary.map((t) => byText.get(t) ?? (byText.set(t, byText.size), byText.size - 1));
    for (let i = 0; i < n; i++) ids[i] = ofCode[col.codes[i]];
    return { ids, texts: [...byText.keys()] };
  }
  const byValue = new Map<number, number>(); // SameValueZero: -0 is 0 (String(-0) is "0"), NaN is NaN
  // Small whole numbers (0/1 labels, codes) through an array: a Map lookup a row is most of the time otherwise.
  const small = new Int32Array(1024).fill(-1);
  const values = col.values;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    const whole = v >= 0 && v < 1024 && (v | 0) === v;
    let id = whole ? small[v] : -1;
    if (id < 0) {
      id = byValue.get(v) ?? -1;
      if (id < 0) byValue.set(v, (id = byValue.size));
      if (whole) small[v] = id;
    }
    ids[i] = id;
  }
  const texts = [...byValue.keys()].map((v) => (col.type === 'boolean' ? (v === 1 ? 'true' : 'false') : String(v)));
  return { ids, texts };
}

function sortClasses(col: Column, labels: Iterable<string>): string[] {
  const set = [...new Set(labels)];
  return col.kind === 'numeric' ? set.sort((a, b) => Number(a) - Number(b)) : set.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** y from the target column; `shape` (from the training split) fixes the task and the class codes for other splits. */
export function targetVector(table: Table, target: string, shape?: Pick<DataShape, 'task' | 'classNames'>): { y: Int32Array | Float32Array; task: Task; classNames?: string[] } {
  const col = findColumn(table, target);
  if (!col) throw new EnclaveError('invalid-target', `There is no target column "${target}". Columns: ${table.columns.map((c) => c.name).join(', ')}.`, { column: target });
  const n = table.rowCount;
  const missing = countMissing(col, n);
  if (missing)
    throw new EnclaveError('invalid-target', `Target column "${target}" has ${plural(missing, 'missing value')} (of ${n} rows): rows without a target can't be learned from or scored. Drop those rows first.`, { column: target, missing });
  const task = shape?.task ?? detectTask(col);
  if (task === 'regression') {
    if (col.kind !== 'numeric') throw new EnclaveError('invalid-target', `Target column "${target}" holds ${col.type} values, but the model predicts numbers.`, { column: target });
    const beyond = cellCounts(col, n).beyondFloat32;
    if (beyond)
      throw new EnclaveError('invalid-target', `Target column "${target}" has ${plural(beyond, 'value')} beyond 32-bit floats (±3.4e38): models can't predict them. Rescale it (a derive step) or leave those rows out.`, { column: target, count: beyond });
    return { y: Float32Array.from(col.values.subarray(0, n)), task };
  }
  const { ids, texts } = classIds(col, n);
  // Only the classes present count (a dictionary may hold unused entries).
  const present = new Uint8Array(texts.length);
  for (let i = 0; i < n; i++) present[ids[i]] = 1;
  const classNames = shape?.classNames ?? sortClasses(col, texts.filter((_, k) => present[k]));
  if (!shape && classNames.length < 2)
    throw new EnclaveError('invalid-target', `Target column "${target}" has a single class ("${classNames[0] ?? ''}"): there is nothing to tell apart. Choose another target column.`, { column: target, classes: classNames });
  const code = new Map(classNames.map((c, i) => [c, i]));
  const codeOf = Int32Array.from(texts, (t) => code.get(t) ?? -1);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = codeOf[ids[i]];
    if (k < 0) {
      const value = texts[ids[i]];
      throw new EnclaveError('invalid-target', `Target column "${target}" has the class "${value}" (row ${i + 1}), which the training rows did not have.`, { column: target, value, row: i });
    }
    y[i] = k;
  }
  return { y, task, classNames };
}

/** X and y of a prepared split. Pass the training split's `shape` for validation/test so columns and codes agree. */
export function toDataset(table: Table, target: string, shape?: DataShape): Dataset {
  const t = targetVector(table, target, shape);
  const m = featureMatrix(table, target, shape?.features);
  return { X: m.X, n: m.n, d: m.d, y: t.y, shape: { task: t.task, features: m.features, ...(t.classNames ? { classNames: t.classNames } : {}) } };
}
