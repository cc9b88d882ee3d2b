/**
 * Can every model use a prepared column, and if not, why not and what fixes it? The one rule behind the matrix builder
 * (src/lib/ml/matrix.ts, at Train) and the check the prepare stage runs before anything is saved, so Prepare never
 * saves splits that Train then refuses. Models learn from finite numbers: integer, float and boolean (0/1) columns
 * with a value in every row. Dates, identifiers, categories and free text need a recipe step first.
 */
import { EnclaveError } from '../errors.ts';
import type { Recipe } from '../recipe/types.ts';
import { isClassColumn, SPLIT_NAMES, type SplitName } from '../split.ts';
import type { Column, ColumnType, Table } from '../table.ts';
import { cellCounts } from './missing-cell.ts';

export type Task = 'classification' | 'regression';

type PerSplit = Partial<Record<SplitName, number>>;

export type ColumnProblem =
  | { column: string; type: ColumnType; problem: 'not-numeric'; fix: string }
  | { column: string; type: ColumnType; problem: 'missing'; missing: PerSplit; fix: string }
  | { column: string; type: ColumnType; problem: 'beyond-float32'; count: PerSplit; fix: string };

/** A feature column a model can read as numbers (missing cells aside). */
export function isNumericFeature(col: Pick<Column, 'kind' | 'type'>): boolean {
  return col.kind === 'numeric' && col.type !== 'datetime' && col.type !== 'identifier';
}

/** What turns a column that is not numbers into features (or removes it), in the words of the recipe builder. */
export function notNumericFix(col: Pick<Column, 'type'>): string {
  if (col.type === 'datetime') return 'add a date-parts step (year, month, day …) or drop it';
  if (col.type === 'identifier') return 'drop it (an identifier tells a model nothing general)';
  if (col.type === 'text') return 'drop it, or one-hot encode it with maxCategories';
  return 'one-hot (or ordinal) encode it, or drop it';
}

export const MISSING_FIX = 'add an impute step for it (mean, median or most frequent), or drop it';
export const BEYOND_FLOAT32_FIX = 'scale it (a standardise or min-max step in the recipe) or drop it';

/** Why a column of a prepared table can't be a feature, or null when every model can use it. */
export function featureProblem(col: Column, rowCount: number, split: SplitName = 'train'): ColumnProblem | null {
  if (!isNumericFeature(col)) return { column: col.name, type: col.type, problem: 'not-numeric', fix: notNumericFix(col) };
  const { missing, beyondFloat32 } = cellCounts(col, rowCount);
  if (missing) return { column: col.name, type: col.type, problem: 'missing', missing: { [split]: missing }, fix: MISSING_FIX };
  if (beyondFloat32) return { column: col.name, type: col.type, problem: 'beyond-float32', count: { [split]: beyondFloat32 }, fix: BEYOND_FLOAT32_FIX };
  return null;
}

/** The task a target column allows: classes → classification, other integers and floats → regression; else null. */
export function taskOf(col: Column): Task | null {
  if (isClassColumn(col)) return 'classification';
  if (col.kind === 'numeric' && (col.type === 'integer' || col.type === 'float')) return 'regression';
  return null;
}

export function targetTypeError(col: Pick<Column, 'name' | 'type'>): EnclaveError {
  return new EnclaveError('invalid-target', `Target column "${col.name}" holds ${col.type} values: choose a column of classes or numbers to predict.`, { column: col.name, type: col.type });
}

/**
 * What the readiness check needs of one prepared split: its columns' names and types, and the missing and
 * beyond-float32 cells of each. Small, so a split can be checked after its table is gone (prepare hands the splits
 * on one at a time: at 5M rows each is gigabytes).
 */
export interface SplitCells {
  rowCount: number;
  columns: { name: string; type: ColumnType; kind: Column['kind']; missing: number; beyondFloat32: number }[];
  /** The task the target column allows (taskOf), when the split has it. */
  targetTask?: Task | null;
}

export function splitCells(table: Table, target: string): SplitCells {
  const t = table.columns.find((c) => c.name === target);
  return {
    rowCount: table.rowCount,
    columns: table.columns.map((c) => ({ name: c.name, type: c.type, kind: c.kind, ...cellCounts(c, table.rowCount) })),
    ...(t ? { targetTask: taskOf(t) } : {}),
  };
}

// A table with no columns reads the same either way.
const isCells = (t: Table | SplitCells): t is SplitCells => t.columns.every((c) => 'missing' in c);
const cellsOf = (t: Table | SplitCells, target: string): SplitCells => (isCells(t) ? t : splitCells(t, target));

/**
 * Every problem of the prepared splits, each column once: columns that are not numbers (judged on train, whose columns
 * the other splits share) and columns with missing cells in any split. `recipe` makes the fix specific when a step
 * left the column behind (a date-parts step keeps its date unless told to drop it).
 */
export function modelReadyProblems(tables: Record<SplitName, Table | SplitCells>, target: string, recipe?: Recipe): ColumnProblem[] {
  const splits = { train: cellsOf(tables.train, target), validation: cellsOf(tables.validation, target), test: cellsOf(tables.test, target) };
  const out: ColumnProblem[] = [];
  for (const col of splits.train.columns) {
    if (col.name === target) continue;
    if (!isNumericFeature(col)) {
      out.push({ column: col.name, type: col.type, problem: 'not-numeric', fix: leftBehindBy(recipe, col) ?? notNumericFix(col) });
      continue;
    }
    const missing: PerSplit = {};
    const beyond: PerSplit = {};
    for (const s of SPLIT_NAMES) {
      const k = splits[s].columns.find((x) => x.name === col.name) ?? { missing: 0, beyondFloat32: 0 };
      if (k.missing) missing[s] = k.missing;
      if (k.beyondFloat32) beyond[s] = k.beyondFloat32;
    }
    if (Object.keys(missing).length) out.push({ column: col.name, type: col.type, problem: 'missing', missing, fix: MISSING_FIX });
    else if (Object.keys(beyond).length) out.push({ column: col.name, type: col.type, problem: 'beyond-float32', count: beyond, fix: BEYOND_FLOAT32_FIX });
  }
  return out;
}

/** The fix when a step of the recipe produced the column's parts but kept the column itself. */
function leftBehindBy(recipe: Recipe | undefined, col: Pick<Column, 'name'>): string | null {
  const steps = recipe?.steps ?? [];
  for (let i = steps.length - 1; i >= 0; i--) {
    const s = steps[i];
    const names = (s.kind === 'date-parts' && s.column === col.name) || (s.kind === 'onehot' && (Array.isArray(s.columns) ? s.columns.includes(col.name) : s.columns === '*' || s.columns === '*categorical'));
    const keeps = s.kind === 'date-parts' ? s.dropOriginal !== true : s.dropOriginal === false;
    if (names && keeps) {
      const how = s.kind === 'date-parts' ? 'tick "Drop the date column" on that step (dropOriginal: true)' : 'remove its dropOriginal: false';
      return `step ${i + 1} (${s.kind}) made new columns from it but kept "${col.name}" itself: drop it (${how}, or add a drop-columns step after it)`;
    }
  }
  return null;
}

const SHOWN = 8;
const plural = (n: number, w: string) => `${n.toLocaleString('en')} ${w}${n === 1 ? '' : 's'}`;

const perSplit = (c: PerSplit) => Object.entries(c).map(([s, m]) => `${m} in ${s}`).join(', ');

function describe(p: ColumnProblem): string {
  if (p.problem === 'not-numeric') return `"${p.column}" (${p.type}): ${p.fix}`;
  if (p.problem === 'missing') return `"${p.column}" has missing values (${perSplit(p.missing)}): ${p.fix}`;
  return `"${p.column}" has values beyond 32-bit floats, ±3.4e38 (${perSplit(p.count)}): ${p.fix}`;
}

/**
 * Refuse prepared splits some model could not use: an 'invalid-recipe' error naming each column (the first few in the
 * message, up to 100 in `detail.columns`) with its fix. Also refuses a target no model can predict.
 */
export function assertModelReady(tables: Record<SplitName, Table | SplitCells>, target: string, recipe?: Recipe): void {
  const splits = { train: cellsOf(tables.train, target), validation: cellsOf(tables.validation, target), test: cellsOf(tables.test, target) };
  const t = splits.train.columns.find((c) => c.name === target);
  if (t && !splits.train.targetTask) throw targetTypeError(t);
  if (t && splits.train.targetTask === 'regression') {
    const beyond: PerSplit = {};
    for (const s of SPLIT_NAMES) {
      const k = splits[s].columns.find((x) => x.name === target)?.beyondFloat32 ?? 0;
      if (k) beyond[s] = k;
    }
    if (Object.keys(beyond).length)
      throw new EnclaveError('invalid-target', `Target column "${target}" has values beyond 32-bit floats, ±3.4e38 (${perSplit(beyond)}): models can't predict them. Rescale it (a derive step) or leave those rows out.`, { column: target, count: beyond });
  }
  if (!splits.train.columns.some((c) => c.name !== target))
    throw new EnclaveError('invalid-recipe', `After the recipe there are no feature columns besides the target "${target}": a model needs at least one column to learn from.`);
  const problems = modelReadyProblems(splits, target, recipe);
  if (!problems.length) return;
  const more = problems.length - SHOWN;
  const list = problems.slice(0, SHOWN).map(describe).join('; ') + (more > 0 ? `; and ${plural(more, 'more column')}` : '');
  throw new EnclaveError(
    'invalid-recipe',
    `After the recipe, ${problems.length === 1 ? 'a column is' : `${plural(problems.length, 'column')} are`} not ready for models — ${list}. Add recipe steps for ${problems.length === 1 ? 'it' : 'them'} and prepare again.`,
    { columns: problems.slice(0, 100), count: problems.length },
  );
}
