/**
 * `onehot`: one 0/1 integer column "<col>=<category>" per category seen in training rows, in sorted order (as
 * scikit-learn's OneHotEncoder with categories='auto'), inserted where the original column was.
 *   maxCategories  as sklearn's max_categories: at most N output columns per input, the N-1 most frequent categories
 *                  plus "<col>_other" for the rest (ties broken as sklearn: a stable sort by count).
 *   unknown        a category not seen in training rows: 'ignore' → all zeros (sklearn handle_unknown='ignore');
 *                  'error' → an error naming the value and row; 'infrequent' → counted in "<col>_other" (that column
 *                  then always exists, so the output columns do not depend on the training rows).
 * A missing cell is all zeros (sklearn would make a "nan" category; a gap is not a category here).
 */
import * as v from 'valibot';
import { EnclaveError } from '../../errors.ts';
import type { Column, NumericColumn, Table } from '../../table.ts';
import { dropColumns, insertColumnsAfter } from '../../table-ops.ts';
import { CATEGORY_COLUMNS, columnsAt, resolveColumns, stepError, stepLabel } from '../select.ts';
import { namesTarget, takeOut } from '../target-guard.ts';
import type { StepContext, StepKind } from '../types.ts';
import { indicatorColumn } from '../../indicator-column.ts';
import { checkType, compareText, parseParams, selectorSchema, showSelector } from './shared.ts';

const KIND = 'onehot';
/** Beyond this many categories without maxCategories, the column is almost surely an identifier or free text. */
export const MAX_ONEHOT_CATEGORIES = 1000;
const schema = v.strictObject({
  columns: selectorSchema,
  maxCategories: v.optional(v.pipe(v.number(), v.integer(), v.minValue(2))),
  unknown: v.optional(v.picklist(['ignore', 'error', 'infrequent']), 'ignore'),
  dropOriginal: v.optional(v.boolean(), true),
});
export type OnehotParams = v.InferOutput<typeof schema>;
export interface OnehotState {
  /** categories: the frequent ones, sorted; infrequent: those folded into "<col>_other"; other: whether that column exists. */
  columns: { name: string; categories: string[]; infrequent: string[]; other: boolean }[];
}

export const onehot: StepKind<OnehotParams, OnehotState> = {
  kind: KIND,
  describe: (p) => `One-hot encode ${showSelector(p.columns)}${p.maxCategories ? ` (at most ${p.maxCategories} columns each)` : ''}`,
  parse: (spec, ctx) => parseParams(schema, spec, ctx, KIND),
  targetConflict: (p, target) => (namesTarget(p.columns, target) ? { message: `makes features from the target column "${target}": a model would see the answer. ${takeOut(target)}` } : undefined),
  fit(table, p, ctx) {
    const names = resolveColumns(table, p.columns, ctx, KIND, CATEGORY_COLUMNS);
    return { columns: names.map((name) => fitColumn(table.columns.find((c) => c.name === name)!, p, ctx)) };
  },
  apply(table, p, state, ctx) {
    let out: Table = table;
    const byName = new Map(state.columns.map((s) => [s.name, s]));
    for (const col of columnsAt(table, state.columns.map((s) => s.name), ctx, KIND)) {
      checkType(col, CATEGORY_COLUMNS, ctx, KIND);
      const added = encode(col, byName.get(col.name)!, p, ctx);
      const existing = new Set(out.columns.map((c) => c.name));
      const clash = added.find((c) => existing.has(c.name));
      if (clash) throw stepError(ctx, KIND, `the new column "${clash.name}" already exists.`, { column: clash.name });
      out = insertColumnsAfter(out, col.name, added);
      if (p.dropOriginal) out = dropColumns(out, [col.name]);
    }
    return out;
  },
};

/** Category text per row (null when missing): strings from the dictionary, booleans as "false"/"true". */
function categoryOf(col: Column): (i: number) => string | null {
  if (col.kind === 'string') return (i) => (col.valid[i] ? col.dictionary[col.codes[i]] : null);
  return (i) => (col.valid[i] ? (col.values[i] === 1 ? 'true' : 'false') : null);
}

/** Present rows per category: counted by dictionary code (or false/true) in one pass, then named. */
function categoryCounts(col: Column): Map<string, number> {
  const counts = new Map<string, number>();
  const { valid } = col;
  if (col.kind === 'string') {
    const byCode = new Float64Array(col.dictionary.length);
    for (let i = 0; i < valid.length; i++) if (valid[i]) byCode[col.codes[i]]++;
    col.dictionary.forEach((c, code) => byCode[code] && counts.set(c, (counts.get(c) ?? 0) + byCode[code]));
  } else {
    let yes = 0, no = 0;
    for (let i = 0; i < valid.length; i++) {
      if (!valid[i]) continue;
      if (col.values[i] === 1) yes++;
      else no++;
    }
    // Map order does not matter: the categories are sorted.
    if (no) counts.set('false', no);
    if (yes) counts.set('true', yes);
  }
  return counts;
}

function fitColumn(col: Column, p: OnehotParams, ctx: StepContext): OnehotState['columns'][number] {
  const counts = categoryCounts(col);
  const sorted = [...counts.keys()].sort(compareText);
  if (!p.maxCategories && sorted.length > MAX_ONEHOT_CATEGORIES)
    throw stepError(ctx, KIND, `column "${col.name}" has ${sorted.length} categories; set maxCategories (e.g. 20) or use ordinal encoding.`, { column: col.name });
  let infrequent: string[] = [];
  if (p.maxCategories && p.maxCategories < sorted.length) {
    // sklearn: np.argsort(counts, kind='mergesort')[:-(max_categories - 1)] are infrequent (stable, so among equal
    // counts the categories later in sorted order stay frequent).
    const order = sorted.map((_, i) => i).sort((a, b) => counts.get(sorted[a])! - counts.get(sorted[b])! || a - b);
    const rare = new Set(order.slice(0, sorted.length - (p.maxCategories - 1)));
    infrequent = sorted.filter((_, i) => rare.has(i));
  }
  const rare = new Set(infrequent);
  return { name: col.name, categories: sorted.filter((s) => !rare.has(s)), infrequent, other: infrequent.length > 0 || p.unknown === 'infrequent' };
}

/** What a category does in the output: its column (≥ 0), or one of these. */
const OTHER = -1, UNKNOWN_ERROR = -2, IGNORE = -3;

function encode(col: Column, s: OnehotState['columns'][number], p: OnehotParams, ctx: StepContext): NumericColumn[] {
  const n = col.valid.length;
  const index = new Map(s.categories.map((c, i) => [c, i]));
  const rare = new Set(s.infrequent);
  // Bits, not a double per cell (indicator-column.ts): at 5M rows × 120 indicators, 75 MB instead of 4.8 GB.
  const outs = s.categories.map(() => new Uint8Array((n + 7) >> 3));
  const other = s.other ? new Uint8Array((n + 7) >> 3) : null;
  const target = (c: string): number => {
    const k = index.get(c);
    if (k !== undefined) return k;
    if (rare.has(c) || (other && p.unknown === 'infrequent')) return OTHER; // rare categories imply the column
    return p.unknown === 'error' ? UNKNOWN_ERROR : IGNORE;
  };
  // Each distinct value is looked up once (by dictionary code, or false/true), not once per row.
  const targets = col.kind === 'string' ? Int32Array.from(col.dictionary, target) : Int32Array.of(target('false'), target('true'));
  const { valid } = col;
  const codes = col.kind === 'string' ? col.codes : null, values = col.kind === 'numeric' ? col.values : null;
  for (let i = 0; i < n; i++) {
    if (!valid[i]) continue;
    const k = targets[codes ? codes[i] : values![i] === 1 ? 1 : 0];
    if (k >= 0) outs[k][i >> 3] |= 1 << (i & 7);
    else if (k === OTHER) other![i >> 3] |= 1 << (i & 7);
    else if (k === UNKNOWN_ERROR) {
      const c = categoryOf(col)(i)!;
      throw new EnclaveError('invalid-recipe', `${stepLabel(ctx, KIND)}: column "${col.name}" has the category "${c}" at row ${i + 1}, which the training rows did not have (set unknown to "ignore" or "infrequent" to accept new categories).`, { step: ctx.index, kind: KIND, column: col.name, value: c, row: i });
    }
  }
  // Every indicator is present in every row: one all-ones mask serves them all (columns are never written in place),
  // which at 5M rows × 120 indicators is 600 MB less.
  const ones = new Uint8Array(n).fill(1);
  const made: NumericColumn[] = s.categories.map((c, k) => indicatorColumn(`${col.name}=${c}`, outs[k], ones, n));
  if (other) made.push(indicatorColumn(`${col.name}_other`, other, ones, n));
  return made;
}
