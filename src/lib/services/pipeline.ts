/**
 * The whole training pipeline on a table: prepare (rows without a target left out; split 60/20/20 — stratified for a
 * class target — with the seed; fit the recipe on train, apply it to validation and test; every column checked usable
 * by models) → matrices → train (one algorithm with early stopping on validation, or 'auto': candidates scored on
 * validation) → scores on train, validation and test. Without a recipe, identifiers and free text are left out and
 * dates split into parts (default-recipe.ts), each with a warning. The headless runner's pipeline (`enclave train`);
 * preparing is core/prepare.ts and training is trainOnSplits, exactly as the studio's prepare and train jobs call them.
 */
import { EnclaveError, throwIfAborted } from '../core/errors.ts';
import type { FittedRecipe } from '../core/recipe/types.ts';
import { prepareSplits, type PrepareOptions } from '../core/prepare.ts';
import { DEFAULT_SEED, type SplitOptions } from '../core/split.ts';
import { dropColumns } from '../core/table-ops.ts';
import { releaseTable, type Table } from '../core/table.ts';
import { activeBackend, type BackendName } from '../ml/backend.ts';
import { defaultRecipeFor } from '../ml/default-recipe.ts';
import { toCompactDataset } from '../ml/compact-dataset.ts';
import { toDataset, type Dataset, type Task } from '../ml/matrix.ts';
import type { TrainedModel } from '../ml/models/saved.ts';
import { scoreModel, type Scores } from '../ml/models/score.ts';
import { parseSpec, type Algorithm, type ModelSpec } from '../ml/models/spec.ts';
import type { EpochLog } from '../ml/train.ts';
import type { TrialResult } from '../ml/tune.ts';
import { readsCompactRows, type FitRequest } from './fit.ts';
import { trainOnSplits } from './train.ts';

export interface PipelineOptions {
  target: string;
  /** A recipe ({ steps } or a bare step list), taken as written; default: defaultRecipeFor(table). Its target is set to `target`. */
  recipe?: unknown;
  algorithm?: 'auto' | Algorithm;
  /** For a named algorithm: hyperparameters other than its defaults. */
  hyperparameters?: Record<string, unknown>;
  /** Seeds the split, the initial weights and the shuffles. Default 42. */
  seed?: number;
  /** Split options other than target and seed (default 60/20/20, stratified for a class target). */
  split?: Omit<SplitOptions, 'target' | 'seed'>;
  /** Columns removed before anything else (an ID, a free-text name, a date). */
  drop?: string[];
}

export interface PipelineProgress {
  stage: 'prepare' | 'train' | 'evaluate';
  done: number;
  total: number;
  epoch?: EpochLog;
  trial?: TrialResult;
}

export interface PipelineControl {
  signal?: AbortSignal;
  /** The table is the caller's to give up: released once split into rows (PrepareOptions.releaseSource). */
  releaseSource?: boolean;
  /** The backend training starts on (default: the active one). */
  backend?: BackendName;
  /** Where the source splits are compared (PrepareOptions.compareElsewhere: the CLI's worker thread). */
  compareElsewhere?: PrepareOptions['compareElsewhere'];
  onProgress?: (p: PipelineProgress) => void;
}

export interface PipelineReport {
  task: Task;
  target: string;
  /** 'ensemble' for auto (its members in hyperparameters.members). */
  algorithm: ModelSpec['algorithm'];
  hyperparameters: ModelSpec['hyperparameters'];
  seed: number;
  metrics: { train: Scores; validation: Scores; test: Scores };
  timing: { prepareMs: number; trainMs: number; evaluateMs: number; totalMs: number };
  backend: string;
  /** What trained a dense network: Enclave's WebAssembly SIMD kernels ('native', on the wasm backend) or tfjs. */
  engine?: 'native' | 'tfjs';
  /** Threads a logistic regression's L-BFGS solve ran on. */
  threads?: number;
  classNames?: string[];
  features: string[];
  rows: { train: number; validation: number; test: number };
  /** Training of the model (for auto: of its best member). */
  epochs: number;
  bestEpoch?: number;
  stoppedEarly: boolean;
  history: EpochLog[];
  /** 'auto': every candidate with its validation score (the model averages the best few: `hyperparameters.members`). */
  trials?: TrialResult[];
  /** Rows left out before the split because their target was missing. */
  excluded: { missingTarget: number };
  /**
   * What a person should know: rows left out, columns the default recipe dropped or turned into parts, and blocking data
   * anomalies the prepare stage found (validation/test vs train; training went on regardless).
   */
  warnings: string[];
}

export interface PipelineResult extends PipelineReport {
  model: TrainedModel;
  fitted: FittedRecipe;
}

function recipeWithTarget(recipe: unknown, table: Table, target: string): { recipe: unknown; warnings: string[] } {
  if (recipe === undefined) {
    const { steps, warnings } = defaultRecipeFor(table, target);
    return { recipe: { steps, target }, warnings };
  }
  const r = Array.isArray(recipe) ? { steps: recipe } : recipe;
  if (!r || typeof r !== 'object') throw new EnclaveError('invalid-recipe', 'A recipe is { "steps": [ … ] }.');
  return { recipe: { ...(r as object), target }, warnings: [] };
}

export async function trainPipeline(table: Table, opts: PipelineOptions, ctl: PipelineControl = {}): Promise<PipelineResult> {
  const { signal, onProgress } = ctl;
  const seed = opts.seed ?? DEFAULT_SEED;
  const algorithm = opts.algorithm ?? 'auto';
  if (algorithm !== 'auto') parseSpec({ algorithm, hyperparameters: opts.hyperparameters ?? {} }); // fail before any work
  const t0 = performance.now();
  if (opts.drop?.length) {
    const names = new Set(table.columns.map((c) => c.name));
    const unknown = opts.drop.filter((c) => !names.has(c));
    if (unknown.length) throw new EnclaveError('invalid-argument', `Can't drop ${unknown.map((c) => `"${c}"`).join(', ')}: no such column. Columns: ${[...names].join(', ')}.`, { columns: unknown });
    if (opts.drop.includes(opts.target)) throw new EnclaveError('invalid-argument', `"${opts.target}" is the target; it can't be dropped.`, { column: opts.target });
    table = dropColumns(table, opts.drop);
  }
  onProgress?.({ stage: 'prepare', done: 0, total: 1 });
  const chosen = recipeWithTarget(opts.recipe, table, opts.target);
  // Each prepared split becomes its matrix as soon as it is made, and is let go: at 5M rows each is gigabytes, and
  // nothing reads them again. Train comes first: its matrix fixes the features and classes the others follow.
  // The test split stays a table until training is done: with its indicators as bits it is a third of its matrix
  // (1M rows × 136: 0.2 against 0.5 GB), which is not needed before.
  let shape: Dataset['shape'] | undefined;
  // Logistic regression by L-BFGS reads compact rows (no dense matrix); every other model, X.
  const req: FitRequest = { kind: 'train', algorithm, hyperparameters: opts.hyperparameters };
  const compact = readsCompactRows(req);
  let denseAs: Int32Array | undefined;
  const datasetOf = (t: Table, s?: Dataset['shape']) => (compact ? toCompactDataset(t, opts.target, s, denseAs) : toDataset(t, opts.target, s));
  const prepared = await prepareSplits(table, chosen.recipe, { split: { ...opts.split, seed }, signal, releaseSource: ctl.releaseSource, compareElsewhere: ctl.compareElsewhere }, ({ name, table: t }): Dataset | Table => {
    if (name === 'test') return t;
    const d = datasetOf(t, name === 'train' ? undefined : shape);
    if (name === 'train') (shape = d.shape), (denseAs = d.compact?.denseColumns);
    releaseTable(t); // now, not at the next full GC: the next split is being made meanwhile
    return d;
  });
  const { report, fitted } = prepared;
  const missingTarget = report.split.excluded?.missingTarget ?? 0;
  const left = missingTarget ? [`${missingTarget.toLocaleString('en')} row${missingTarget === 1 ? '' : 's'} without a value for ${opts.target} ${missingTarget === 1 ? 'was' : 'were'} left out before the split.`] : [];
  const train = prepared.outputs.train as Dataset, validation = prepared.outputs.validation as Dataset;
  let testTable: Table | undefined = prepared.outputs.test as Table;
  const testRows = testTable.rowCount;
  const t1 = performance.now();
  onProgress?.({ stage: 'prepare', done: 1, total: 1 });
  throwIfAborted(signal);

  const fit = await trainOnSplits(req, { train, validation }, {
    seed,
    target: opts.target,
    backend: ctl.backend ?? (activeBackend() as BackendName),
    signal,
    onProgress: (p) => onProgress?.({ stage: 'train', done: p.done, total: p.total, ...(p.epoch ? { epoch: p.epoch } : {}), ...(p.trial ? { trial: p.trial } : {}) }),
    onAssess: (p) => onProgress?.({ stage: 'evaluate', done: p.done, total: 3 }),
  });
  const { outcome, trials } = fit;
  const model = outcome.model;
  try {
    const test = datasetOf(testTable, train.shape);
    releaseTable(testTable);
    testTable = undefined;
    const metrics = { ...fit.metrics, test: await scoreModel(model, test) };
    onProgress?.({ stage: 'evaluate', done: 3, total: 3 });
    const t3 = performance.now();
    return {
      task: train.shape.task,
      target: opts.target,
      algorithm: model.spec.algorithm,
      hyperparameters: model.spec.hyperparameters,
      seed,
      metrics,
      timing: { prepareMs: t1 - t0, trainMs: fit.timing.trainMs, evaluateMs: t3 - t1 - fit.timing.trainMs, totalMs: t3 - t0 },
      backend: fit.backend,
      ...(outcome.engine ? { engine: outcome.engine } : {}),
      ...(outcome.threads ? { threads: outcome.threads } : {}),
      ...(train.shape.classNames ? { classNames: train.shape.classNames } : {}),
      features: train.shape.features,
      rows: { train: train.n, validation: validation.n, test: testRows },
      epochs: outcome.epochs,
      ...(outcome.bestEpoch !== undefined ? { bestEpoch: outcome.bestEpoch } : {}),
      stoppedEarly: outcome.stoppedEarly,
      history: outcome.history,
      // Each candidate's epochs stay out of the CLI's JSON (the run's own history is summarised there too).
      ...(trials ? { trials: trials.map(({ history: _history, ...t }) => t) } : {}),
      excluded: { missingTarget },
      warnings: [...left, ...chosen.warnings, ...report.blocking.map((a) => a.message)],
      model,
      fitted,
    };
  } catch (e) {
    model.dispose();
    throw e;
  }
}
