/**
 * A batch checked against a model's input schema before it is scored, each problem said per column in the person's
 * terms (the column as their file names it, the rows as their file counts them), never the recipe's features.
 * Missing columns, wrong types and an empty batch stop the scoring; extra columns, unseen categories and values
 * outside the training range are warnings: the model still scores those rows.
 */
import { parseBoolean, parseDate, parseNumber } from '../core/infer.ts';
import { cell, type Column, type ColumnType, type Table } from '../core/table.ts';
import type { BatchHints } from './batch-hints.ts';

export interface InputField {
  name: string;
  type: ColumnType;
  kind: 'numeric' | 'string';
}

export type BatchProblemKind = 'no-rows' | 'missing' | 'extra' | 'wrong-type' | 'unseen-categories' | 'out-of-range';

export interface BatchProblem {
  /** The column as the batch (or the schema, when missing) names it; '' for the whole batch (no rows). */
  column: string;
  problem: BatchProblemKind;
  /** True when the batch is not scored because of it. */
  blocking: boolean;
  message: string;
  /** The first 20 rows concerned, 1-based data rows (the header is not counted). */
  rows?: number[];
  /** How many rows (values) are concerned; for a missing or extra column, 1. */
  count: number;
}

export interface BatchCheck {
  /** No blocking problem: the batch can be scored. */
  ok: boolean;
  rowCount: number;
  columns: BatchProblem[];
}

export interface CheckOptions {
  hints?: BatchHints;
  /** The model's target: a batch may carry it (labels), it is then not used to predict. */
  target?: string;
}

const MAX_ROWS = 20;
/** Distinct offending values quoted in a message. */
const MAX_QUOTED = 5;

export function checkBatch(inputSchema: readonly InputField[], batch: Table, opts: CheckOptions = {}): BatchCheck {
  const problems: BatchProblem[] = [];
  const byName = new Map(batch.columns.map((c) => [c.name, c]));
  const expected = new Set(inputSchema.map((f) => f.name));
  if (batch.rowCount === 0)
    problems.push({ column: '', problem: 'no-rows', blocking: true, count: 0, message: 'The file has no rows to score: add at least one row under the header.' });
  for (const field of inputSchema) {
    const col = byName.get(field.name);
    if (!col) {
      problems.push({ column: field.name, problem: 'missing', blocking: true, count: 1, message: `Column "${field.name}" is missing: the model needs it to predict. Add it to the file (empty cells are read as unknown values).` });
      continue;
    }
    const wrong = wrongType(field, col, batch.rowCount);
    if (wrong) {
      problems.push(wrong);
      continue;
    }
    const hint = opts.hints?.get(field.name);
    const unseen = hint?.categories && field.kind === 'string' ? unseenCategories(col, batch.rowCount, hint.categories) : null;
    if (unseen) problems.push(unseen);
    const outside = hint && hint.min !== undefined && hint.max !== undefined && col.kind === 'numeric' ? outOfRange(col, batch.rowCount, hint.min, hint.max) : null;
    if (outside) problems.push(outside);
  }
  for (const col of batch.columns) {
    if (expected.has(col.name)) continue;
    const message = col.name === opts.target
      ? `Column "${col.name}" is what the model predicts: it is copied to the output as it is and not used to predict.`
      : `Column "${col.name}" is not one the model uses: it is copied to the output as it is and not used to predict.`;
    problems.push({ column: col.name, problem: 'extra', blocking: false, count: 1, message });
  }
  return { ok: !problems.some((p) => p.blocking), rowCount: batch.rowCount, columns: problems };
}

/** A column of another kind than the schema's (text where numbers, dates or true/false are expected). */
function wrongType(field: InputField, col: Column, n: number): BatchProblem | null {
  // Numbers where text is expected are read as their text (an id or a code): not a problem.
  if (field.kind === 'string') return null;
  // An all-empty column is unknown values whatever its kind (conformBatch gives it the schema's).
  if (!presentRows(col, n).length) return null;
  const want = field.type === 'datetime' ? 'dates' : field.type === 'boolean' ? 'true/false values' : 'numbers';
  if (col.kind === 'numeric') {
    // Both numeric: only a date where a number is expected (or the reverse) is read wrongly.
    if ((field.type === 'datetime') === (col.type === 'datetime')) return null;
    const rows = presentRows(col, n);
    return { column: field.name, problem: 'wrong-type', blocking: true, count: rows.length, rows: rows.slice(0, MAX_ROWS), message: `Column "${field.name}" should hold ${want}, but it holds ${col.type === 'datetime' ? 'dates' : 'numbers'}${rowsText(rows)}. The model can't score it.` };
  }
  const fits = field.type === 'datetime' ? (s: string) => !Number.isNaN(parseDate(s))
    : field.type === 'boolean' ? (s: string) => !Number.isNaN(parseBoolean(s)) || s.trim() === '0' || s.trim() === '1'
    : (s: string) => !Number.isNaN(parseNumber(s));
  const bad: number[] = [];
  const values: string[] = [];
  for (let r = 0; r < n; r++) {
    if (!col.valid[r]) continue;
    const s = col.dictionary[col.codes[r]];
    if (fits(s)) continue;
    bad.push(r + 1);
    if (values.length < MAX_QUOTED && !values.includes(s)) values.push(s);
  }
  // The reader chose text for the whole column: when every value reads on its own, say so rather than nothing.
  const rows = bad.length ? bad : presentRows(col, n);
  const what = bad.length ? `${plural(bad.length, 'value')} that ${bad.length === 1 ? 'is' : 'are'} not ${want}: ${quoteList(values, bad.length)}${rowsText(bad)}` : `text that is not read as ${want}`;
  return { column: field.name, problem: 'wrong-type', blocking: true, count: rows.length, rows: rows.slice(0, MAX_ROWS), message: `Column "${field.name}" should hold ${want}, but it has ${what}. Fix ${bad.length === 1 ? 'it' : 'them'} and score again.` };
}

function unseenCategories(col: Column, n: number, categories: readonly string[]): BatchProblem | null {
  const known = new Set(categories);
  const rows: number[] = [];
  const values: string[] = [];
  for (let r = 0; r < n; r++) {
    const v = cell(col, r);
    if (v === null) continue;
    const s = String(v);
    if (known.has(s)) continue;
    rows.push(r + 1);
    if (values.length < MAX_QUOTED && !values.includes(s)) values.push(s);
  }
  if (!rows.length) return null;
  return {
    column: col.name, problem: 'unseen-categories', blocking: false, count: rows.length, rows: rows.slice(0, MAX_ROWS),
    message: `Column "${col.name}" has ${plural(rows.length, 'value')} never seen in training: ${quoteList(values, rows.length)}${rowsText(rows)}. The model still scores ${rows.length === 1 ? 'that row' : 'those rows'}, as if the value were none it knows.`
  };
}

function outOfRange(col: Column & { kind: 'numeric' }, n: number, min: number, max: number): BatchProblem | null {
  const rows: number[] = [];
  for (let r = 0; r < n; r++) if (col.valid[r] && (col.values[r] < min || col.values[r] > max)) rows.push(r + 1);
  if (!rows.length) return null;
  return {
    column: col.name, problem: 'out-of-range', blocking: false, count: rows.length, rows: rows.slice(0, MAX_ROWS),
    message: `Column "${col.name}" has ${plural(rows.length, 'value')} outside the training range ${num(min)} to ${num(max)}${rowsText(rows)}. The model still scores ${rows.length === 1 ? 'that row' : 'those rows'}, but a prediction far from the data it learned from is less reliable.`
  };
}

function presentRows(col: Column, n: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < n; r++) if (col.valid[r]) out.push(r + 1);
  return out;
}

let nf: Intl.NumberFormat | undefined;
/** "6,300", "0.25": numbers as a person reads them. */
export const num = (x: number): string => (nf ??= new Intl.NumberFormat('en', { maximumFractionDigits: 4 })).format(x);

const plural = (k: number, word: string) => `${num(k)} ${word}${k === 1 ? '' : 's'}`;

function quoteList(values: readonly string[], total: number): string {
  const quoted = values.map((v) => `"${v.length > 60 ? `${v.slice(0, 60)}…` : v}"`).join(', ');
  return total > values.length && values.length === MAX_QUOTED ? `${quoted}, …` : quoted;
}

/** " (rows 4, 9, 12)", the first 20, then how many more. */
function rowsText(rows: readonly number[]): string {
  if (!rows.length) return '';
  const shown = rows.slice(0, MAX_ROWS).map(num).join(', ');
  const more = rows.length > MAX_ROWS ? ` and ${num(rows.length - MAX_ROWS)} more` : '';
  return ` (${rows.length === 1 ? 'row' : 'rows'} ${shown}${more})`;
}
