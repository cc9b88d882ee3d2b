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
import { numericScratch, profileNumeric } from './profile/numeric.ts';
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
const AWAIT_COLUMNS = 'columns';

/** One column's profile (what profileTable computes for it): the same on any thread. */
export function profileColumn(table: Table, index: number, opts: Pick<ProfileOptions, 'bins' | 'topK'> & { scratch?: ReturnType<typeof numericScratch> } = {}): ColumnProfile {
  const { bins = 20, topK = 10, scratch } = opts;
  const n = table.rowCount;
  const col = table.columns[index];
  if (col.kind === 'string') return profileString(col, n, topK);
  if (col.type === 'boolean') return profileBoolean(col, n, topK);
  if (col.type === 'identifier') return profileIdentifier(col, n, topK);
  return profileNumeric(col as NumericColumn & { type: 'integer' | 'float' | 'datetime' }, n, bins, { scratch });
}

/** The profile, step by step: yields after each column, after duplicates and after correlations. */
function* profileSteps(table: Table, opts: ProfileOptions): Generator<void | typeof AWAIT_CORRELATIONS | typeof AWAIT_COLUMNS, Profile, Correlations | ColumnProfile[] | undefined> {
  const { signal, onProgress, bins = 20, topK = 10, maxCorrelationColumns = 50 } = opts;
  const n = table.rowCount;
  const total = table.columns.length + 2;
  let done = 0;
  const step = () => onProgress?.({ stage: 'profile', done: ++done, total });

  const away = new Set(opts.elsewhere?.columns ?? []);
  const columns: (ColumnProfile | undefined)[] = [];
  const scratch = n >= 1 << 15 ? numericScratch(n) : undefined;
  for (let i = 0; i < table.columns.length; i++) {
    if (away.has(i)) {
      columns.push(undefined);
      continue;
    }
    throwIfAborted(signal);
    columns.push(profileColumn(table, i, { bins, topK, scratch }));
    step();
    yield;
  }
  if (away.size) {
    const theirs = (yield AWAIT_COLUMNS) as ColumnProfile[];
    if (theirs.length !== away.size) throw new Error(`profile: ${theirs.length} column profiles came back for ${away.size} columns`);
    let k = 0;
    for (let i = 0; i < columns.length; i++) if (away.has(i)) (columns[i] = theirs[k++]), step();
  }

  throwIfAborted(signal);
  const duplicates = duplicateRows(table);
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
    columns: columns as ColumnProfile[],
    correlations,
    missingCells: (columns as ColumnProfile[]).reduce((s, c) => s + c.missing, 0),
  };
}

export function profileTable(table: Table, opts: ProfileOptions = {}): Profile {
  const it = profileSteps(table, { ...opts, correlations: undefined, elsewhere: undefined });
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
  let answer: Correlations | ColumnProfile[] | undefined;
  for (;;) {
    const r = it.next(answer);
    answer = undefined;
    if (r.done) return r.value;
    if (r.value === AWAIT_CORRELATIONS) answer = await opts.correlations!();
    else if (r.value === AWAIT_COLUMNS) answer = await opts.elsewhere!.profiles();
    else await new Promise((resolve) => setTimeout(resolve, 0));
  }
}
