/**
 * Data profile of a Table: per-column statistics, duplicate rows, missing cells and a Pearson correlation matrix,
 * with pandas semantics (`describe`, `nunique`, `value_counts`, `duplicated`, `corr(numeric_only=True)`) so numbers
 * match what a data scientist would get in a notebook. Pure and synchronous: it runs in a worker on million-row
 * tables, reports progress per column and checks the abort signal between columns. The pieces live in ./profile/.
 */
import { throwIfAborted } from './errors.ts';
import { profileBoolean, profileIdentifier, profileString } from './profile/categorical.ts';
import { pearsonMatrix } from './profile/correlation.ts';
import { duplicateRows } from './profile/duplicates.ts';
import { profileNumeric } from './profile/numeric.ts';
import type { ColumnProfile, Profile, ProfileOptions } from './profile/types.ts';
import type { NumericColumn, Table } from './table.ts';

export type {
  BooleanProfile,
  ColumnProfile,
  Correlations,
  HistogramBin,
  NumericProfile,
  Profile,
  ProfileOptions,
  ProfileProgress,
  Quantiles,
  StringProfile,
  TopValue,
} from './profile/types.ts';

/** The profile, step by step: yields after each column, after duplicates and after correlations. */
function* profileSteps(table: Table, opts: ProfileOptions): Generator<void, Profile> {
  const { signal, onProgress, bins = 20, topK = 10, maxCorrelationColumns = 50 } = opts;
  const n = table.rowCount;
  const total = table.columns.length + 2;
  let done = 0;
  const step = () => onProgress?.({ stage: 'profile', done: ++done, total });

  const columns: ColumnProfile[] = [];
  for (const col of table.columns) {
    throwIfAborted(signal);
    if (col.kind === 'string') columns.push(profileString(col, n, topK));
    else if (col.type === 'boolean') columns.push(profileBoolean(col, n, topK));
    else if (col.type === 'identifier') columns.push(profileIdentifier(col, n, topK));
    else columns.push(profileNumeric(col as NumericColumn & { type: 'integer' | 'float' | 'datetime' }, n, bins));
    step();
    yield;
  }

  throwIfAborted(signal);
  const duplicates = duplicateRows(table);
  step();
  yield;

  throwIfAborted(signal);
  // pandas' numeric_only also takes booleans; here only measurements (integer, float) are correlated.
  const measured = table.columns
    .filter((c): c is NumericColumn => c.kind === 'numeric' && (c.type === 'integer' || c.type === 'float'))
    .slice(0, Math.max(0, maxCorrelationColumns));
  const correlations = pearsonMatrix(measured, n, signal);
  step();

  return {
    rowCount: n,
    columnCount: table.columns.length,
    duplicateRows: duplicates,
    columns,
    correlations,
    missingCells: columns.reduce((s, c) => s + c.missing, 0),
  };
}

export function profileTable(table: Table, opts: ProfileOptions = {}): Profile {
  const it = profileSteps(table, opts);
  for (;;) {
    const r = it.next();
    if (r.done) return r.value;
  }
}

/**
 * The same profile, giving the event loop a turn between steps: in a worker this is what lets a Cancel message
 * arrive (and abort the signal) while a large table is being profiled.
 */
export async function profileTableAsync(table: Table, opts: ProfileOptions = {}): Promise<Profile> {
  const it = profileSteps(table, opts);
  for (;;) {
    const r = it.next();
    if (r.done) return r.value;
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}
