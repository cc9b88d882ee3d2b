/**
 * The one Dexie database of Enclave. Record types live here so every module that reads or writes storage shares
 * them; the repositories (one module per entity: tables.ts, preparations.ts, runs.ts, models.ts, recipes.ts,
 * settings.ts; chunk-store.ts for column chunks) do every write and validate every read. Pages and jobs call those,
 * never the tables below.
 */
import Dexie, { type DexieOptions, type EntityTable, type Table } from 'dexie';
// Types only: the store loads no metrics, recipe or tfjs code at run time.
import type { ClassificationReport } from '../core/metrics/classification-report.ts';
import type { RegressionReport } from '../core/metrics/regression-report.ts';
import type { PrepareReport } from '../core/prepare.ts';
import type { Profile } from '../core/profile/types.ts';
import type { FittedRecipe, Recipe } from '../core/recipe/types.ts';
import type { SplitName } from '../core/split.ts';
import type { ColumnType } from '../core/table.ts';
import type { Scores } from '../ml/models/score.ts';
import type { SavedModel } from '../ml/models/saved.ts';
import type { EpochLog } from '../ml/train.ts';
import type { TrainingSummary } from '../core/validate/drift/summary.ts';
import type { MonitorReport } from '../services/monitor-batch.ts';
import { autoChunks } from './chunk-backing.ts';
import { setChunkStore } from './chunk-store.ts';

/** A model's full report on one split (confusion matrix, curves, calibration / residuals). */
export type EvaluationReport = ClassificationReport | RegressionReport;

/** Plain JSON, as a setting holds it. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface ProjectRecord {
  id: string;
  name: string;
  /** ms since the Unix epoch */
  created: number;
}

export interface SourceInfo {
  fileName: string;
  size: number;
  lastModified: number;
  /** e.g. 'csv', 'json', 'parquet' */
  format: string;
}

export interface DatasetRecord {
  id: string;
  project: string;
  name: string;
  source: SourceInfo;
  created: number;
  /** hash of the newest version */
  latest: string;
}

export interface SchemaField {
  name: string;
  type: ColumnType;
  kind: 'numeric' | 'string';
}

/** Immutable and content-addressed: the same table bytes always give the same hash. */
export interface VersionRecord {
  hash: string;
  dataset: string;
  parent: string | null;
  recipe: string | null;
  rowCount: number;
  schema: SchemaField[];
  /** Written by the profiler (core/profile), plain JSON. */
  profile: Profile;
  created: number;
  warnings: string[];
  /** Set on prepared versions: which split of which preparation this table is. */
  split?: SplitName;
  preparation?: string;
}

/**
 * One column's slice of CHUNK_ROWS rows. `values` holds Float64 bytes (numeric) or Int32 codes (string);
 * `valid` one byte per row. Only chunk 0 of a string column carries the dictionary.
 */
export interface ChunkRecord {
  hash: string;
  column: number;
  index: number;
  values: ArrayBuffer;
  valid: ArrayBuffer;
  dictionary?: string[];
  /**
   * Only from a store asked for bits (ChunkStore.read): the values packed one bit a row (1.0 where set, +0 elsewhere;
   * row r is bit r % 8 of byte ⌊r / 8⌋), `values` then empty. Never stored as such.
   */
  bits?: ArrayBuffer;
}

/** A recipe as the person wrote it, content-addressed (SHA-256 of its canonical JSON). */
export interface RecipeRecord {
  hash: string;
  /** As parseRecipe returned it (the prepare job stores its JSON). */
  recipe: Recipe;
  created: number;
}

export interface SplitConfig {
  method: 'random' | 'stratified' | 'group' | 'time';
  fractions: [number, number, number];
  seed: number;
  target?: string;
  group?: string;
  time?: string;
}

export interface AcceptedAnomaly {
  id: string;
  reason: string;
  at: number;
}

/**
 * One run of the prepare stage: source version + recipe + split → three prepared versions, the fitted recipe (the
 * state learned from the training rows) and the validation report. The fitted state lives here, with the run that
 * fitted it, so a model can later carry it.
 */
export interface PreparationRecord {
  id: string;
  dataset: string;
  source: string;
  recipe: string;
  split: SplitConfig;
  fitted: FittedRecipe;
  splits: { train: string; validation: string; test: string };
  sizes: { train: number; validation: number; test: number };
  report: PrepareReport;
  accepted: AcceptedAnomaly[];
  created: number;
  /** Rows left out before the split (no value for the target); absent on preparations stored before it existed. */
  excluded?: { missingTarget: number };
}

/** One training run (experiment tracking): everything needed to reproduce and compare it. */
export interface RunRecord {
  id: string;
  dataset: string;
  preparation: string;
  /** The prepared training version the model learned from. */
  version: string;
  recipe: string;
  split: SplitConfig;
  target: string;
  task: 'classification' | 'regression';
  algorithm: string;
  hyperparameters: Record<string, unknown>;
  seed: number;
  backend: string;
  /** What trained a network: Enclave's WebAssembly SIMD kernels ('native', on the wasm backend) or tfjs. */
  engine?: 'native' | 'tfjs';
  /** Threads a logistic regression's L-BFGS solve ran on. */
  threads?: number;
  status: 'completed' | 'cancelled' | 'failed';
  history: EpochLog[];
  /** Metrics per split; `test` only once the run's model is promoted (the test split is sealed until then). */
  metrics: { train?: Scores; validation?: Scores; test?: Scores };
  /** Full reports per split; `test` only once promoted. Absent on runs stored before reports existed. */
  evaluation?: { validation?: EvaluationReport; test?: EvaluationReport };
  durationMs: number;
  created: number;
  // The trained model (spec + weights) is not here: it is the run's ArtifactRecord (table `artifacts`, key = run id).
  features: string[];
  classNames?: string[];
  /**
   * Tuning runs: every candidate tried, with its validation score. A failed trial's score (−Infinity) is stored as
   * null: the trials go through JSON, which has no infinities.
   */
  trials?: { trial: number; spec: { algorithm: string; hyperparameters: Record<string, unknown> }; score: number | null; epochs: number; trainMs: number; rung?: number; error?: string; history?: EpochLog[] }[];
}

/**
 * This device's part in one federation (the Federated page's list): where it is, what it pinned when it joined, how much
 * privacy it has spent, how each global model did on the person's own validation split, and the version registered at
 * the end. The join token stays on this device (it is what resumes the client after a reload).
 */
export interface FederationRecord {
  /** Local id. */
  id: string;
  server: string;
  federation: string;
  token: string;
  clientId?: string;
  /** The federation's name for the model (from its settings), once joined. */
  name?: string;
  /** The dataset version this device trains on. */
  source: string;
  maxEpsilon?: number;
  pinned?: { clipNorm: number; noiseMultiplier: number; delta: number };
  rounds?: number;
  roundsJoined: number;
  epsilon: number;
  epsilonImproved: number;
  history: { version: number; validation: Scores }[];
  status: 'joining' | 'running' | 'finished' | 'stopped' | 'failed' | 'cancelled';
  /** The last thing that happened, in words (an error's message when failed). */
  message: string;
  /** The model version registered from the final global weights. */
  model?: string;
  created: number;
  updated: number;
}

/** A registered model version: the artifacts a prediction needs, and nothing of the training data. */
export interface ModelRecord {
  id: string;
  name: string;
  /** Semantic version: major when the input schema changes. */
  version: string;
  run: string;
  /** The source version the model's inputs look like (for a what-if form prefilled with a real row). */
  source: string;
  // The model JSON is the artifact of `run` (table `artifacts`): a version never copies it.
  fitted: FittedRecipe;
  inputSchema: SchemaField[];
  features: string[];
  target: string;
  task: 'classification' | 'regression';
  classNames?: string[];
  aliases: string[];
  /** The run's metrics, `test` included (scored when this version was registered). */
  metrics: RunRecord['metrics'];
  created: number;
}

/**
 * One entry of a model name's history: a version registered, retrained from another, a rollout stage set, promoted to
 * champion, or rolled back. Append-only: the history is what happened, in order.
 */
export interface ModelEventRecord {
  id: string;
  /** The model name (every version of it shares the history). */
  name: string;
  at: number;
  action: 'register' | 'retrain' | 'rollout' | 'promote' | 'rollback';
  /** The version the event is about (the new champion for promote and rollback). */
  model: string;
  /** promote / rollback: the champion it replaced; retrain: the version it was retrained from. */
  previous?: string;
  /** rollout: the share of scored rows routed to the challenger (0.05, 0.25, 0.5, 1). */
  share?: number;
}

/** A staged rollout of a challenger against the champion of the same name: which share of rows it scores. */
export interface RolloutRecord {
  name: string;
  champion: string;
  challenger: string;
  share: number;
  /** Seeds the row hash that assigns rows to the two models. */
  seed: number;
  updated: number;
}

/**
 * What monitoring compares a model version's batches with: summaries of its training split's source rows (per-column
 * histograms, quantile sketches, category counts — never the rows) and of its predictions on the validation split.
 * Kept apart from ModelRecord (a few KB per column) and written once, when first needed or when a bundle is imported.
 */
export interface ModelSummaryRecord {
  /** The model version's id (primary key). */
  model: string;
  summary: TrainingSummary;
  predictions?: TrainingSummary;
  created: number;
}

/**
 * One scored batch of a model version: its data hash (not its rows), when and from which file, and the monitoring report
 * against the version's training data (feature drift, prediction drift, labelled metrics, alerts).
 */
export interface BatchRecord {
  id: string;
  /** The model version that scored it. */
  model: string;
  /** The model name (the Monitor page charts a name's batches across its versions). */
  name: string;
  created: number;
  fileName: string;
  /** Content hash of the batch's table (as a dataset version's): the same rows give the same hash. */
  dataHash: string;
  rows: number;
  report: MonitorReport;
}

/**
 * A run's trained model: the JSON of `TrainedModel.toJSON()` (spec, shape, weights; a k-NN model holds all its training
 * rows, so this can be large). Kept apart from RunRecord and ModelRecord so that listing runs and models reads no
 * weights; read one by run id, in the worker that needs it. A registered model version uses its run's artifact.
 */
export interface ArtifactRecord {
  /** The run id (primary key). */
  run: string;
  /** SavedModel JSON (src/lib/ml/models/saved.ts); validated in full by modelFromJSON when a model is made of it. */
  model: SavedModel;
  created: number;
}

/** A small remembered value (e.g. the backend measured fastest on this device and browser), keyed by name. */
export interface SettingRecord {
  key: string;
  value: Json;
  /** ms since the Unix epoch */
  updated: number;
}

export type ChunkKey = [hash: string, column: number, index: number];

export class EnclaveDB extends Dexie {
  // `declare` so class-field semantics never overwrite the tables Dexie installs in its constructor.
  declare projects: EntityTable<ProjectRecord, 'id'>;
  declare datasets: EntityTable<DatasetRecord, 'id'>;
  declare versions: EntityTable<VersionRecord, 'hash'>;
  declare chunks: Table<ChunkRecord, ChunkKey>;
  declare recipes: EntityTable<RecipeRecord, 'hash'>;
  declare preparations: EntityTable<PreparationRecord, 'id'>;
  declare runs: EntityTable<RunRecord, 'id'>;
  declare models: EntityTable<ModelRecord, 'id'>;
  declare artifacts: EntityTable<ArtifactRecord, 'run'>;
  declare settings: EntityTable<SettingRecord, 'key'>;
  declare modelEvents: EntityTable<ModelEventRecord, 'id'>;
  declare rollouts: EntityTable<RolloutRecord, 'name'>;
  declare modelSummaries: EntityTable<ModelSummaryRecord, 'model'>;
  declare batches: EntityTable<BatchRecord, 'id'>;
  declare federations: EntityTable<FederationRecord, 'id'>;

  constructor(name = 'enclave', options?: DexieOptions) {
    super(name, options);
    // Schema versions are append-only: never edit an existing version. A later change adds
    // `this.version(2).stores({...}).upgrade(tx => ...)` below it. Index only what is queried.
    this.version(1).stores({
      projects: 'id',
      datasets: 'id, project, name',
      versions: 'hash, dataset, parent',
      chunks: '[hash+column+index], hash'
    });
    // 2: the prepare stage. Versions gain optional `split` and `preparation` fields (no index needed).
    this.version(2).stores({
      recipes: 'hash',
      preparations: 'id, dataset, source, created'
    });
    // 3: the train stage: experiment runs and the model registry.
    this.version(3).stores({
      runs: 'id, dataset, preparation, created',
      models: 'id, name, run, created'
    });
    // 4: model artifacts move out of runs and models into their own table (key: run id, nothing else is queried), so
    // the lists the pages read carry no weights. Each run's `model` becomes its artifact; a registered version's
    // `model` is its run's, kept only where that run's artifact is missing (e.g. the run was removed).
    this.version(4)
      .stores({ artifacts: 'run' })
      .upgrade(async (tx) => {
        const artifacts = tx.table<ArtifactRecord, string>('artifacts');
        // One record at a time: a k-NN run can be large, and the upgrade should not hold every model at once.
        for (const name of ['runs', 'models'] as const) {
          const table = tx.table<Record<string, unknown> & { id: string; run?: string; created?: number }, string>(name);
          for (const id of (await table.toCollection().primaryKeys()) as string[]) {
            const record = await table.get(id);
            if (!record || !('model' in record)) continue;
            const { model, ...rest } = record;
            const run = name === 'runs' ? id : String(record.run);
            // Moved as it was stored: getArtifact and modelFromJSON check it when it is read.
            if (model !== undefined && !(await artifacts.get(run))) await artifacts.add({ run, model: model as SavedModel, created: record.created ?? Date.now() });
            await table.put(rest);
          }
        }
      });
    // 5: versions indexed by recipe, so deleting a dataset finds which recipes other versions still use without
    // reading every version (each carries its profile). Dexie builds the new index from the stored records.
    this.version(5).stores({ versions: 'hash, dataset, parent, recipe' });
    // 6: settings (key → JSON value), e.g. the measured backend choice per device and browser version.
    this.version(6).stores({ settings: 'key' });
    // 7: deployment — each model name's history (aliases swapped, rollouts, rollbacks), its staged rollout, the
    // training summaries monitoring compares with, and every scored batch's monitoring report.
    this.version(7).stores({ modelEvents: 'id, name, at, model', rollouts: 'name', modelSummaries: 'model', batches: 'id, model, name, created' });
    // 8: federated mode — this device's part in each federation it joined.
    this.version(8).stores({ federations: 'id, source, created' });
  }
}

/** A database handle; tests pass a fresh name (and may pass indexedDB/IDBKeyRange from fake-indexeddb). */
export function createDb(name = 'enclave', options?: DexieOptions): EnclaveDB {
  return new EnclaveDB(name, options);
}

let instance: EnclaveDB | undefined;

/**
 * The app's database, created on first use so importing this module never touches IndexedDB (SSR, Node). Its chunks
 * live in OPFS files where those work (chunk-backing.ts): the page and every worker open it here, so all agree.
 */
export function db(): EnclaveDB {
  if (!instance) setChunkStore((instance = createDb()), autoChunks(instance));
  return instance;
}
