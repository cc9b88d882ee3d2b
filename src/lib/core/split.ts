/**
 * Train / validation / test split of a table, reproducible from its seed (src/lib/core/random.ts). Methods:
 *   random      rows shuffled, then dealt by the fractions;
 *   stratified  per class of the target: its rows shuffled, counts allocated so that each split's share of every class
 *               is within one row of exact (and each split's size too, whenever the classes allow it — allocate.ts);
 *               a class too small to appear in every split is an error naming it;
 *   group       groups shuffled and dealt whole, each to the split furthest below its row target (no group is in two
 *               splits, so nothing about a group leaks from train into evaluation);
 *   time        rows ordered by a time column: oldest to train, newest to test.
 * Default: stratified when the target holds classes (string, boolean, or integer with ≤ 20 distinct values), else
 * random. Indices come back ascending within each split (the original row order is kept).
 *
 * Rows whose target is missing (or not a finite number) are left out before any method runs — they can be neither
 * learned from nor scored — and counted in the summary (`excluded`). The rows that have a target are split exactly as
 * a table holding only them would be, and the indices still name the source's rows, so anything that maps a split back
 * to the source (error analysis) stays right. A table without such rows splits as it always did.
 */
import { EnclaveError } from './errors.ts';
import { seeded } from './random.ts';
import { classesOf, distinctUpTo } from './split/classes.ts';
import { groupSplit, randomSplit, stratifiedSplit, timeSplit, SPLIT_NAMES, type SplitName } from './split/methods.ts';
import { takeRows } from './table-ops.ts';
import { column as findColumn, type Column, type Table } from './table.ts';
import { isMissingAt } from './validate/missing-cell.ts';

export { SPLIT_NAMES, type SplitName } from './split/methods.ts';

export type SplitMethod = 'random' | 'stratified' | 'group' | 'time';

export interface SplitOptions {
  /** [train, validation, test], each ≥ 0, adding up to 1 (± 1e-9). Default [0.6, 0.2, 0.2]. */
  fractions?: [number, number, number] | readonly [number, number, number];
  /** Default 42. */
  seed?: number;
  /** Default (or 'auto'): stratified for a class target, else random. */
  method?: SplitMethod | 'auto';
  target?: string;
  /** Required by the group method. */
  group?: string;
  /** Required by the time method: a datetime (or numeric) column. */
  time?: string;
}

export type SplitIndices = Record<SplitName, Uint32Array>;

export interface SplitSummary {
  method: SplitMethod;
  seed: number;
  fractions: [number, number, number];
  /** Rows split: the source's rows less those left out (`excluded`). */
  rowCount: number;
  /** Rows left out before the split; absent when none were (and in summaries stored before this existed). */
  excluded?: { missingTarget: number };
  sizes: Record<SplitName, number>;
  target?: string;
  group?: string;
  time?: string;
  /** Stratified: rows of each class in each split. */
  classes?: { value: string; rows: number; counts: Record<SplitName, number> }[];
  /** Group: how many groups each split holds. */
  groups?: Record<SplitName, number>;
  /** Time: the time range of each split (ISO text for datetime columns; null for an empty split). */
  timeRanges?: Record<SplitName, { from: string | number; to: string | number } | null>;
}

export interface SplitResult {
  indices: SplitIndices;
  summary: SplitSummary;
}

export const DEFAULT_FRACTIONS: [number, number, number] = [0.6, 0.2, 0.2];
export const DEFAULT_SEED = 42;
/** An integer target with at most this many distinct values is treated as classes. */
export const MAX_INTEGER_CLASSES = 20;

export function splitTable(table: Table, opts: SplitOptions = {}): SplitResult {
  checkFractions(opts.fractions ?? DEFAULT_FRACTIONS);
  checkSeed(opts.seed ?? DEFAULT_SEED);
  const names = table.columns.map((c) => c.name);
  const target = opts.target ? requireColumn(table, names, opts.target, 'invalid-target', 'target') : undefined;
  const n = table.rowCount;
  const kept = target ? rowsWithValue(target, n) : null;
  if (!kept) return splitRows(table, names, opts);
  if (kept.length === 0) throw new EnclaveError('invalid-target', `Target column "${target!.name}" has no values: there is nothing to learn from. Choose another target column.`, { column: target!.name });
  // Only the columns a method reads (target, group, time) are copied for the rows kept.
  const used = new Set([opts.target, opts.group, opts.time]);
  const sub = takeRows({ rowCount: n, columns: table.columns.filter((c) => used.has(c.name)) }, kept);
  const out = splitRows(sub, names, opts);
  for (const s of SPLIT_NAMES) out.indices[s] = out.indices[s].map((i) => kept[i]); // ascending stays ascending
  out.summary.excluded = { missingTarget: n - kept.length };
  return out;
}

/** Rows whose target is present, ascending; null when every row has one (nothing to leave out). */
function rowsWithValue(col: Column, n: number): Uint32Array | null {
  let missing = 0;
  for (let r = 0; r < n; r++) if (isMissingAt(col, r)) missing++;
  if (!missing) return null;
  const kept = new Uint32Array(n - missing);
  for (let r = 0, k = 0; r < n; r++) if (!isMissingAt(col, r)) kept[k++] = r;
  return kept;
}

/** The split proper, on a table whose target (if any) is present in every row. `names`: the source's columns, for messages. */
function splitRows(table: Table, names: string[], opts: SplitOptions): SplitResult {
  const fractions = checkFractions(opts.fractions ?? DEFAULT_FRACTIONS);
  const seed = checkSeed(opts.seed ?? DEFAULT_SEED);
  const n = table.rowCount;
  const target = opts.target ? requireColumn(table, names, opts.target, 'invalid-target', 'target') : undefined;
  const method = resolveMethod(opts.method, target);
  const rng = seeded(seed);
  const summary: SplitSummary = { method, seed, fractions, rowCount: n, sizes: { train: 0, validation: 0, test: 0 } };
  if (opts.target) summary.target = opts.target;
  let parts: Uint32Array[];

  if (method === 'random') {
    parts = randomSplit(n, fractions, rng);
  } else if (method === 'stratified') {
    if (!target) throw new EnclaveError('invalid-split', 'A stratified split needs a target column: choose the column to predict, or use a random split.');
    const classes = classesOf(target, n);
    if (classes.labels.length === 0) throw new EnclaveError('invalid-target', `Target column "${target.name}" has no values.`, { column: target.name });
    if (classes.labels.length < 2) {
      throw new EnclaveError(
        'invalid-target',
        `Target column "${target.name}" has a single class ("${classes.labels[0]}"): there is nothing to tell apart. Choose another target column.`,
        { column: target.name, classes: classes.labels },
      );
    }
    const out = stratifiedSplit(classes, target.name, fractions, rng);
    parts = out.parts;
    summary.classes = classes.labels.map((value, c) => ({ value, rows: classes.rows[c].length, counts: bySplit((s) => out.counts[c][s]) }));
  } else if (method === 'group') {
    if (!opts.group) throw new EnclaveError('invalid-split', 'A group split needs a group column: the column whose values must stay together (a patient, a customer, a session).');
    const col = requireColumn(table, names, opts.group, 'invalid-split', 'group');
    const groups = classesOf(col, n);
    if (groups.missing) {
      throw new EnclaveError('invalid-split', `Group column "${col.name}" has ${groups.missing} missing value${groups.missing === 1 ? '' : 's'}: a row without a group can't be kept with its group. Fill or drop those rows first.`, { column: col.name, missing: groups.missing });
    }
    const out = groupSplit(groups, col.name, n, fractions, rng);
    parts = out.parts;
    summary.group = col.name;
    summary.groups = bySplit((s) => out.groups[s]);
  } else {
    if (!opts.time) throw new EnclaveError('invalid-split', 'A time split needs a date or time column to order the rows by.');
    const col = requireColumn(table, names, opts.time, 'invalid-split', 'time');
    if (col.kind !== 'numeric' || col.type === 'boolean') {
      throw new EnclaveError('invalid-split', `Time column "${col.name}" holds ${col.type} values: a time split needs a datetime (or numeric) column to order rows by.`, { column: col.name, type: col.type });
    }
    const missing = countMissing(col, n);
    if (missing) {
      throw new EnclaveError('invalid-split', `Time column "${col.name}" has ${missing} missing value${missing === 1 ? '' : 's'}: those rows can't be placed in time. Drop them (or fill them in) first.`, { column: col.name, missing });
    }
    parts = timeSplit(col.values.subarray(0, n), fractions);
    summary.time = col.name;
    const show = (v: number) => (col.type === 'datetime' ? new Date(v).toISOString() : v);
    summary.timeRanges = bySplit((s) => (parts[s].length ? { from: show(col.values[parts[s][0]]), to: show(col.values[parts[s][parts[s].length - 1]]) } : null));
  }

  for (const p of parts) p.sort();
  const indices: SplitIndices = { train: parts[0], validation: parts[1], test: parts[2] };
  summary.sizes = bySplit((s) => parts[s].length);
  return { indices, summary };
}

/** The three splits as tables (rows in original order). */
export function splitTables(table: Table, indices: SplitIndices): Record<SplitName, Table> {
  return { train: takeRows(table, indices.train), validation: takeRows(table, indices.validation), test: takeRows(table, indices.test) };
}

/** Does this column hold classes (so a split by it is stratified by default)? */
export function isClassColumn(col: Column): boolean {
  if (col.kind === 'string' || col.type === 'boolean') return true;
  return col.type === 'integer' && distinctUpTo(col, MAX_INTEGER_CLASSES) <= MAX_INTEGER_CLASSES;
}

function resolveMethod(method: SplitOptions['method'], target: Column | undefined): SplitMethod {
  if (method && method !== 'auto') {
    if (!['random', 'stratified', 'group', 'time'].includes(method)) {
      throw new EnclaveError('invalid-split', `Unknown split method "${String(method)}": use random, stratified, group or time.`);
    }
    return method;
  }
  return target && isClassColumn(target) ? 'stratified' : 'random';
}

export function checkFractions(f: unknown): [number, number, number] {
  if (!Array.isArray(f) || f.length !== 3 || f.some((x) => typeof x !== 'number')) {
    throw new EnclaveError('invalid-split', `Split fractions must be three numbers: train, validation and test (got ${JSON.stringify(f)}).`);
  }
  const [a, b, c] = f as number[];
  if (![a, b, c].every((x) => Number.isFinite(x) && x >= 0)) {
    throw new EnclaveError('invalid-split', `Split fractions can't be negative (got ${[a, b, c].join(', ')}).`, { fractions: [a, b, c] });
  }
  const sum = a + b + c;
  if (Math.abs(sum - 1) > 1e-9) {
    throw new EnclaveError('invalid-split', `Split fractions must add up to 1 (100%); ${[a, b, c].join(' + ')} = ${+sum.toFixed(6)}.`, { fractions: [a, b, c], sum });
  }
  if (a === 0) throw new EnclaveError('invalid-split', 'The training split needs a fraction above 0: a model has to learn from some rows.', { fractions: [a, b, c] });
  return [a, b, c];
}

function checkSeed(seed: unknown): number {
  if (typeof seed !== 'number' || !Number.isFinite(seed)) throw new EnclaveError('invalid-split', `The seed must be a number; got ${String(seed)}.`);
  return seed;
}

function requireColumn(table: Table, names: string[], name: string, code: 'invalid-target' | 'invalid-split', role: string): Column {
  const col = findColumn(table, name);
  if (!col) {
    throw new EnclaveError(code, `There is no ${role} column "${name}". Columns: ${names.join(', ')}.`, { column: name, role });
  }
  return col;
}

function countMissing(col: Column, n: number): number {
  let missing = 0;
  for (let r = 0; r < n; r++) if (!col.valid[r] || (col.kind === 'numeric' && Number.isNaN(col.values[r]))) missing++;
  return missing;
}

function bySplit<T>(f: (s: number) => T): Record<SplitName, T> {
  return { train: f(0), validation: f(1), test: f(2) };
}
