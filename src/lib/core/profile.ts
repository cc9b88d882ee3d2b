/**
 * Data profile of a Table: per-column statistics, duplicate rows, missing cells and a Pearson correlation matrix,
 * with pandas semantics (`describe`, `nunique`, `value_counts`, `duplicated`, `corr(numeric_only=True)`) so numbers
 * match what a data scientist would get in a notebook. Pure and synchronous: it runs in a worker on million-row
 * tables, reports progress per column and checks the abort signal between columns. The pieces live in ./profile/.
 */
import { throwIfAborted } from './errors.ts';
import { nextTask } from './next-task.ts';
import { profileBoolean, profileIdentifier, profileString } from './profile/categorical.ts';
import { pearsonMatrix } from './profile/correlation.ts';
import { duplicateRows } from './profile/duplicates.ts';
import { DEFAULT_BINS, numericScratch, profileNumeric } from './profile/numeric.ts';
import type { ColumnProfile, Correlations, Profile, ProfileOptions } from './profile/types.ts';
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

/**
 * The integer and float columns correlated (the first `maxCorrelationColumns`, default 50, in table order): pandas'
 * numeric_only also takes booleans; here only measurements are correlated.
 */
export function correlatedColumns(table: Table, maxCorrelationColumns = 50): NumericColumn[] {
  return table.columns
    .filter((c): c is NumericColumn => c.kind === 'numeric' && (c.type === 'integer' || c.type === 'float'))
    .slice(0, Math.max(0, maxCorrelationColumns));
}

/** What profileSteps yields: nothing (a step is done), or a request for what the options say comes from elsewhere. */
const AWAIT_CORRELATIONS = 'correlations';
const AWAIT_DUPLICATES = 'duplicates';

/** The profile, step by step: yields after each column, after duplicates and after correlations. */
function* profileSteps(table: Table, opts: ProfileOptions): Generator<void | typeof AWAIT_CORRELATIONS | typeof AWAIT_DUPLICATES, Profile, Correlations | number | undefined> {
  const { signal, onProgress, bins = DEFAULT_BINS, topK = 10, maxCorrelationColumns = 50 } = opts;
  const n = table.rowCount;
  const total = table.columns.length + 2;
  let done = 0;
  const step = () => onProgress?.({ stage: 'profile', done: ++done, total });

  const columns: ColumnProfile[] = [];
  const scratch = n >= 1 << 15 ? numericScratch(n) : undefined;
  for (const col of table.columns) {
    throwIfAborted(signal);
    if (col.kind === 'string') columns.push(profileString(col, n, topK));
    else if (col.type === 'boolean') columns.push(profileBoolean(col, n, topK));
    else if (col.type === 'identifier') columns.push(profileIdentifier(col, n, topK));
    else columns.push(profileNumeric(col as NumericColumn & { type: 'integer' | 'float' | 'datetime' }, n, bins, { scratch }));
    step();
    yield;
  }

  throwIfAborted(signal);
  const duplicates = opts.countDuplicates === false ? null : opts.duplicates ? ((yield AWAIT_DUPLICATES) as number) : duplicateRows(table);
  step();
  yield;

  throwIfAborted(signal);
  const correlations = opts.correlations
    ? ((yield AWAIT_CORRELATIONS) as Correlations)
    : pearsonMatrix(correlatedColumns(table, maxCorrelationColumns), n, signal);
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
  const it = profileSteps(table, { ...opts, correlations: undefined, duplicates: undefined });
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
  let answer: Correlations | number | undefined;
  for (;;) {
    const r = it.next(answer);
    answer = undefined;
    if (r.done) return r.value;
    if (r.value === AWAIT_CORRELATIONS) answer = await opts.correlations!();
    else if (r.value === AWAIT_DUPLICATES) answer = await opts.duplicates!();
    // A turn of the event loop (a cancel message can arrive), not setTimeout(0): nested timeouts are held to 4 ms
    // each, half a second over a prepared split's 137 columns.
    else await nextTask();
  }
}
