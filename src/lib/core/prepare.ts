/**
 * The prepare stage (prepareTable: the three splits at once; prepareSplits: handed on one at a time): split the source
 * rows FIRST (rows without a target are left out and counted), fit the recipe on the training rows only, replay the
 * fitted recipe on validation and test, check that every model can use every column the recipe leaves (the matrix
 * builder's own rule: validate/model-ready.ts), then validate (schema from prepared train; anomalies of the other
 * splits against it; the three splits compared). Used by the data worker, by `enclave prepare` and by the headless
 * training pipeline.
 */
import { EnclaveError, throwIfAborted } from './errors.ts';
import { parseRecipe, fitRecipe, applyRecipe } from './recipe/index.ts';
import type { FittedRecipe, Recipe } from './recipe/types.ts';
import { splitTable, SPLIT_NAMES, type SplitName, type SplitOptions } from './split.ts';
import { checkSeed } from './seed.ts';
import { takeRows } from './table-ops.ts';
import { releaseTable, type Table } from './table.ts';
import { inferSchema } from './validate/schema.ts';
import { checkTable, acceptAnomalies, type Anomaly, type Acceptance } from './validate/anomalies.ts';
import { assertModelReady, splitCells, type SplitCells } from './validate/model-ready.ts';
import { sourceUnitsOf } from './validate/source-units.ts';

export type { Acceptance };
import { compareSplits, type CompareOptions, type SplitComparison } from './validate/compare-splits.ts';

/** The split names in their order, for the jobs that import them from here. */
export { SPLIT_NAMES as SPLITS, type SplitName };

export interface PrepareProgress {
  stage: 'split' | 'fit' | 'apply' | 'validate';
  done: number;
  total: number;
}

export interface PrepareOptions {
  split?: SplitOptions;
  /** The source table is the caller's to give up: it is released (releaseTable) once split into rows — 0.8 GB at 5M rows × 20. */
  releaseSource?: boolean;
  accepted?: Acceptance[];
  signal?: AbortSignal;
  onProgress?: (p: PrepareProgress) => void;
  /**
   * prepareSplits: where the three source splits are compared (compareSplits' result, from another thread, say),
   * called with them as soon as they are made and awaited at the end; the splits are this stage's to release right
   * after the call, so it must take what it needs at once (postMessage copies). prepareTable compares here.
   */
  compareElsewhere?: (splits: Record<SplitName, Table>, opts: CompareOptions) => Promise<SplitComparison>;
}

export interface PrepareReport {
  split: ReturnType<typeof splitTable>['summary'];
  schema: ReturnType<typeof inferSchema>;
  anomalies: { validation: Anomaly[]; test: Anomaly[] };
  comparison: ReturnType<typeof compareSplits>;
  /** Blocking anomalies not (yet) accepted: the pipeline stops until each is fixed or accepted. */
  blocking: Anomaly[];
  accepted: Acceptance[];
}

export interface PrepareOutput {
  recipe: Recipe;
  fitted: FittedRecipe;
  splits: Record<SplitName, Table>;
  report: PrepareReport;
}

export function prepareTable(source: Table, recipeJson: unknown, opts: PrepareOptions = {}): PrepareOutput {
  const steps = prepareSteps(source, recipeJson, { ...opts, compareElsewhere: undefined });
  const splits = {} as Record<SplitName, Table>;
  for (;;) {
    const r = steps.next();
    if (r.done) return { ...r.value, report: { ...r.value.report, comparison: r.value.report.comparison as SplitComparison }, splits };
    splits[r.value.name] = r.value.table;
  }
}

/** A prepared split handed on by prepareSplits, with the blocking anomalies found so far (none for train, then validation's, then test's too). */
export interface PreparedPiece {
  name: SplitName;
  table: Table;
  blocking: Anomaly[];
}

/**
 * The prepare stage with its splits handed on one at a time: `consume` gets each prepared table and the stage lets it
 * go when consume is done, so at most the prepared train table and one other are in memory, never all three (at
 * 5M rows × 137 prepared columns that is 3.3 GB less). What consume returns comes back per split. The checks are
 * those of prepareTable, in its words: if consume fails, the remaining splits are still checked (not consumed), and a
 * model-readiness error about them is thrown rather than consume's own (the matrix builder's terser one, say).
 */
export async function prepareSplits<T>(
  source: Table,
  recipeJson: unknown,
  opts: PrepareOptions,
  consume: (piece: PreparedPiece) => T | Promise<T>,
): Promise<Omit<PrepareOutput, 'splits'> & { outputs: Record<SplitName, T> }> {
  const steps = prepareSteps(source, recipeJson, opts);
  const outputs = {} as Record<SplitName, T>;
  let failure: { error: unknown } | undefined;
  for (;;) {
    const r = steps.next();
    if (r.done) {
      if (failure) throw failure.error;
      return { ...r.value, report: { ...r.value.report, comparison: await r.value.report.comparison }, outputs };
    }
    if (failure) continue;
    try {
      outputs[r.value.name] = await consume(r.value);
    } catch (error) {
      if (opts.signal?.aborted) throw error;
      failure = { error };
    }
  }
}

/**
 * The stage itself, as a generator: yields each prepared split once everything the checks need from it is taken (its
 * missing-cell counts, its anomalies), then drops it; returns the report. Validation and test are compared on their
 * source rows first, and each source split is let go once the recipe has been applied to it.
 */
/** What prepareSteps returns: the report's comparison may still be on its way (opts.compareElsewhere). */
type StepsOutput = Omit<PrepareOutput, 'splits' | 'report'> & { report: Omit<PrepareReport, 'comparison'> & { comparison: SplitComparison | Promise<SplitComparison> } };

function* prepareSteps(source: Table, recipeJson: unknown, opts: PrepareOptions): Generator<PreparedPiece, StepsOutput, void> {
  const { signal, onProgress } = opts;
  const recipe = parseRecipe(recipeJson);
  const target = recipe.target ?? opts.split?.target;
  if (target !== undefined && !source.columns.some((c) => c.name === target)) {
    throw new EnclaveError('invalid-target', `There is no target column "${target}". Columns: ${source.columns.map((c) => c.name).join(', ')}.`);
  }
  // A new split's seed: a whole number 0 … 2³² − 1 (splitTable also re-derives stored splits, so it stays lenient).
  if (opts.split?.seed !== undefined) checkSeed(opts.split.seed, 'The seed', 'invalid-split');
  onProgress?.({ stage: 'split', done: 0, total: 4 });
  // Split before anything is fitted: nothing from validation or test rows can reach fitted state.
  const split = splitTable(source, { ...opts.split, target });
  const raw: Partial<Record<SplitName, Table>> = {
    train: takeRows(source, split.indices.train),
    validation: takeRows(source, split.indices.validation),
    test: takeRows(source, split.indices.test)
  };
  const sourceNames = new Set(source.columns.map((c) => c.name));
  if (opts.releaseSource) releaseTable(source);
  // Splits are compared on the source columns (what a person recognises: "Island", not "Island=Dream"), before the
  // recipe; anomalies are checked on the prepared columns (what a model will see).
  const comparison = opts.compareElsewhere ? opts.compareElsewhere(raw as Record<SplitName, Table>, { target }) : compareSplits(raw as Record<SplitName, Table>, { target });
  if (comparison instanceof Promise) comparison.catch(() => undefined); // awaited by prepareSplits at the end
  throwIfAborted(signal);
  onProgress?.({ stage: 'fit', done: 1, total: 4 });
  const withTarget: Recipe = { ...recipe, target };
  // Into these two alone (no object holding the table), so that `train = undefined` lets the table go.
  let fitted: FittedRecipe, train: Table | undefined;
  // The source rows of a split, and each step's table, go once the next step has made its own (bar the columns
  // passed through): they are this stage's own copies.
  ({ fitted, table: train } = fitRecipe(raw.train!, withTarget, { signal, release: true }));
  delete raw.train;
  throwIfAborted(signal);
  onProgress?.({ stage: 'apply', done: 2, total: 4 });
  const schema = inferSchema(train, { target });
  // With a target the splits are for models: what Train would refuse is refused here, from each split's cell counts.
  const cells: Partial<Record<SplitName, SplitCells>> = {};
  if (target !== undefined) cells.train = splitCells(train, target);
  // Anomalies are told in the source's units where the recipe can be undone ("2,700 to 6,300", not "0 to 1").
  const units = (column: string) => sourceUnitsOf(fitted, column, sourceNames);
  const anomalies: PrepareReport['anomalies'] = { validation: [], test: [] };
  const accepted = opts.accepted ?? [];
  let blocking: Anomaly[] = [];
  // Train first: its table is the largest, so nothing else is held with it.
  yield { name: 'train', table: train, blocking };
  train = undefined;
  for (const name of ['validation', 'test'] as const) {
    let table: Table | undefined = applyRecipe(raw[name]!, fitted, 'eval', { release: true });
    delete raw[name];
    if (target !== undefined) cells[name] = splitCells(table, target);
    onProgress?.({ stage: 'validate', done: 3, total: 4 });
    anomalies[name] = checkTable(table, schema, { units });
    blocking = acceptAnomalies([...anomalies.validation, ...anomalies.test], accepted);
    throwIfAborted(signal);
    yield { name, table, blocking };
    table = undefined;
  }
  if (target !== undefined) assertModelReady(cells as Record<SplitName, SplitCells>, target, withTarget);
  onProgress?.({ stage: 'validate', done: 4, total: 4 });
  return { recipe: withTarget, fitted, report: { split: split.summary, schema, anomalies, comparison, blocking, accepted } };
}
