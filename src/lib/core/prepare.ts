/**
 * The prepare stage as one pure function: split the source rows FIRST (rows without a target are left out and
 * counted), fit the recipe on the training rows only, replay the fitted recipe on validation and test, check that every
 * model can use every column the recipe leaves (the matrix builder's own rule: validate/model-ready.ts), then validate
 * (schema from prepared train; anomalies of the other splits against it; the three splits compared). Used by the data
 * worker, by `enclave prepare` and by the headless training pipeline.
 */
import { EnclaveError, throwIfAborted } from './errors.ts';
import { parseRecipe, fitRecipe, applyRecipe } from './recipe/index.ts';
import type { FittedRecipe, Recipe } from './recipe/types.ts';
import { splitTable, SPLIT_NAMES, type SplitName, type SplitOptions } from './split.ts';
import { checkSeed } from './seed.ts';
import { takeRows } from './table-ops.ts';
import type { Table } from './table.ts';
import { inferSchema } from './validate/schema.ts';
import { checkTable, acceptAnomalies, type Anomaly, type Acceptance } from './validate/anomalies.ts';
import { assertModelReady } from './validate/model-ready.ts';
import { sourceUnitsOf } from './validate/source-units.ts';

export type { Acceptance };
import { compareSplits } from './validate/compare-splits.ts';

/** The split names in their order, for the jobs that import them from here. */
export { SPLIT_NAMES as SPLITS, type SplitName };

export interface PrepareProgress {
  stage: 'split' | 'fit' | 'apply' | 'validate';
  done: number;
  total: number;
}

export interface PrepareOptions {
  split?: SplitOptions;
  accepted?: Acceptance[];
  signal?: AbortSignal;
  onProgress?: (p: PrepareProgress) => void;
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
  const raw = {
    train: takeRows(source, split.indices.train),
    validation: takeRows(source, split.indices.validation),
    test: takeRows(source, split.indices.test)
  };
  throwIfAborted(signal);
  onProgress?.({ stage: 'fit', done: 1, total: 4 });
  const withTarget: Recipe = { ...recipe, target };
  const { fitted, table: train } = fitRecipe(raw.train, withTarget, { signal });
  throwIfAborted(signal);
  onProgress?.({ stage: 'apply', done: 2, total: 4 });
  const validation = applyRecipe(raw.validation, fitted, 'eval');
  const test = applyRecipe(raw.test, fitted, 'eval');
  // With a target the splits are for models: refuse, naming each column and its fix, what Train would refuse later.
  if (target !== undefined) assertModelReady({ train, validation, test }, target, withTarget);
  throwIfAborted(signal);
  onProgress?.({ stage: 'validate', done: 3, total: 4 });
  const schema = inferSchema(train, { target });
  // Anomalies are told in the source's units where the recipe can be undone ("2,700 to 6,300", not "0 to 1").
  const sourceNames = new Set(source.columns.map((c) => c.name));
  const units = (column: string) => sourceUnitsOf(fitted, column, sourceNames);
  const anomalies = { validation: checkTable(validation, schema, { units }), test: checkTable(test, schema, { units }) };
  const accepted = opts.accepted ?? [];
  const blocking = acceptAnomalies([...anomalies.validation, ...anomalies.test], accepted);
  // Splits are compared on the source columns (what a person recognises: "Island", not "Island=Dream"), before the
  // recipe; anomalies are checked on the prepared columns (what a model will see).
  const comparison = compareSplits(raw, { target });
  onProgress?.({ stage: 'validate', done: 4, total: 4 });
  return {
    recipe: withTarget,
    fitted,
    splits: { train, validation, test },
    report: { split: split.summary, schema, anomalies, comparison, blocking, accepted }
  };
}
