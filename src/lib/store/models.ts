/**
 * The model registry: named model versions, each pointing at the run whose artifact holds its weights, with the fitted
 * recipe and input schema a prediction needs. Registering one is a single transaction that re-reads its run, so a run
 * is promoted at most once and never after it was deleted.
 */
import * as v from 'valibot';
import { EnclaveError } from '../core/errors.ts';
import type { FittedRecipe } from '../core/recipe/types.ts';
import type { SavedModel } from '../ml/models/saved.ts';
import type { Scores } from '../ml/models/score.ts';
import type { ArtifactRecord, EnclaveDB, EvaluationReport, ModelRecord, RunRecord, SchemaField } from './db.ts';
import { storageError } from './tables.ts';
import { FittedRecipeSchema, MetricsSchema, parseRecord, SchemaFieldSchema } from './validate.ts';

// Typed against ModelRecord: a field the record gains must be read here too, or this stops compiling.
const ModelSchema: v.GenericSchema<unknown, ModelRecord> = v.object({
  id: v.string(),
  name: v.string(),
  version: v.pipe(v.string(), v.regex(/^\d+\.\d+\.\d+$/, 'not a semantic version')),
  run: v.string(),
  source: v.string(),
  fitted: FittedRecipeSchema,
  inputSchema: v.array(SchemaFieldSchema),
  features: v.array(v.string()),
  target: v.string(),
  task: v.picklist(['classification', 'regression']),
  classNames: v.optional(v.array(v.string())),
  aliases: v.array(v.string()),
  metrics: MetricsSchema,
  created: v.number()
});

function parseModel(raw: unknown, id: string): ModelRecord {
  return parseRecord(ModelSchema, raw, { what: 'model version', table: 'models', id });
}

/** The model version, validated; not-found when it was deleted. */
export async function getModel(db: EnclaveDB, id: string): Promise<ModelRecord> {
  const raw = await db.models.get(id);
  if (raw === undefined) throw new EnclaveError('not-found', 'That model no longer exists.', { model: id });
  return parseModel(raw, id);
}

/** Registered model versions, newest first; with `dataset`, only those whose run trained on that dataset. */
export async function listModels(db: EnclaveDB, opts: { dataset?: string } = {}): Promise<ModelRecord[]> {
  const { dataset } = opts;
  const rows = await db.transaction('r', [db.runs, db.models], async () => {
    if (dataset === undefined) return db.models.toArray();
    const runs = (await db.runs.where('dataset').equals(dataset).primaryKeys()) as string[];
    return runs.length ? db.models.where('run').anyOf(runs).toArray() : [];
  });
  return rows.map((m) => parseModel(m, String(m.id))).sort((a, b) => b.created - a.created);
}

/** The next semantic version after `prev`: major when the features change (a breaking change for callers), else minor. */
export function nextVersion(prev: ModelRecord | undefined, features: string[]): string {
  if (!prev) return '1.0.0';
  const [major, minor] = prev.version.split('.').map(Number);
  return JSON.stringify(prev.features) === JSON.stringify(features) ? `${major}.${minor + 1}.0` : `${major + 1}.0.0`;
}

export interface RegisterModelInput {
  /** The run being promoted, as read before its test split was scored. */
  run: RunRecord;
  name: string;
  testScores: Scores;
  testReport: EvaluationReport;
  /** The source version whose columns a prediction takes. */
  source: string;
  fitted: FittedRecipe;
  inputSchema: SchemaField[];
}

/**
 * Registers the run's model as the next version of `name` (the first is `champion`, later ones `challenger`) and
 * records the test scores and report on the run, in one transaction. Refused when the run was deleted or promoted
 * while its test split was scored: the test split is scored once.
 */
export async function registerModelVersion(db: EnclaveDB, input: RegisterModelInput): Promise<ModelRecord> {
  const { run, name, testScores, testReport } = input;
  try {
    return await db.transaction('rw', [db.runs, db.models], async () => {
      // Checked again inside the write: the dataset may have been deleted, or the run promoted, while the test scored.
      const current = await db.runs.get(run.id);
      if (!current) throw new EnclaveError('not-found', 'That run was deleted while its test split was scored; nothing was registered.', { run: run.id });
      if (current.metrics?.test) throw new EnclaveError('invalid-argument', 'This run was already promoted: its test split has been scored once and stays sealed.', { run: run.id });
      const existing = (await db.models.where('name').equals(name).toArray()).map((m) => parseModel(m, String(m.id))).sort((a, b) => b.created - a.created);
      const hasChampion = existing.some((m) => m.aliases.includes('champion'));
      const metrics = { ...run.metrics, test: testScores };
      const record: ModelRecord = {
        id: crypto.randomUUID(),
        name,
        version: nextVersion(existing[0], run.features),
        run: run.id,
        source: input.source,
        fitted: input.fitted,
        inputSchema: input.inputSchema,
        features: run.features,
        target: run.target,
        task: run.task,
        classNames: run.classNames,
        aliases: hasChampion ? ['challenger'] : ['champion'],
        metrics,
        created: Date.now()
      };
      await db.runs.update(run.id, { metrics, evaluation: { ...(run.evaluation ?? {}), test: testReport } });
      await db.models.add(record);
      return record;
    });
  } catch (err) {
    throw storageError(err, 'register the model');
  }
}

/** What registerImportedModel needs of a bundle read by readBundle (services/bundle), already checked there. */
export interface ImportedBundle {
  manifest: {
    name: string;
    version: string;
    contentHash: string;
    features: string[];
    target: string;
    task: 'classification' | 'regression';
    classNames?: string[];
    inputSchema: SchemaField[];
    /** As JSON holds them: a NaN score is null. */
    metrics: Partial<Record<'train' | 'validation' | 'test', Record<string, number | null>>>;
  };
  model: SavedModel;
  recipe: FittedRecipe;
}

/** The synthetic run an imported bundle's artifact is stored under: the bundle's content hash names it. */
export const importedRunId = (contentHash: string): string => `bundle:${contentHash}`;

/** The synthetic run a federation's final model is stored under: the federation and its final weights name it. */
export const federatedRunId = (federation: string, weightsSha256: string): string => `federation:${federation}:${weightsSha256}`;

/** The version an earlier import of this bundle registered, if any (to tell a person it is already here). */
export async function findImportedModel(db: EnclaveDB, contentHash: string): Promise<ModelRecord | undefined> {
  const raw = await db.models.where('run').equals(importedRunId(contentHash)).first();
  return raw && parseModel(raw, String(raw.id));
}

/**
 * Registers an imported bundle's model: its artifact under the run `bundle:<contentHash>` and a version of its name
 * (the bundle's version if that is free, else the next; champion if the name has none, else challenger), in one
 * transaction. The same bundle imported again registers nothing and returns the version the first import made. The
 * version's `source` is '' (no dataset version of this device is its input schema; `inputSchema` is).
 */
export async function registerImportedModel(db: EnclaveDB, bundle: ImportedBundle, origin: { run?: string; source?: string } = {}): Promise<ModelRecord> {
  const { manifest } = bundle;
  // A federation's final model comes through here too, under its own run id and the dataset version it was scored on.
  const run = origin.run ?? importedRunId(manifest.contentHash);
  const now = Date.now();
  const metrics: ModelRecord['metrics'] = {};
  for (const split of ['train', 'validation', 'test'] as const) {
    const s = manifest.metrics[split];
    if (s) metrics[split] = Object.fromEntries(Object.entries(s).map(([k, x]) => [k, x ?? NaN])) as unknown as Scores;
  }
  const artifact: ArtifactRecord = { run, model: bundle.model, created: now };
  try {
    return await db.transaction('rw', [db.models, db.artifacts], async () => {
      const earlier = await db.models.where('run').equals(run).first();
      if (earlier) return parseModel(earlier, String(earlier.id));
      const existing = (await db.models.where('name').equals(manifest.name).toArray()).map((m) => parseModel(m, String(m.id))).sort((a, b) => b.created - a.created);
      const taken = existing.some((m) => m.version === manifest.version);
      const record: ModelRecord = {
        id: crypto.randomUUID(),
        name: manifest.name,
        version: taken ? nextFreeVersion(existing, manifest.features) : manifest.version,
        run,
        source: origin.source ?? '',
        fitted: bundle.recipe,
        inputSchema: manifest.inputSchema,
        features: manifest.features,
        target: manifest.target,
        task: manifest.task,
        ...(manifest.classNames ? { classNames: manifest.classNames } : {}),
        aliases: existing.some((m) => m.aliases.includes('champion')) ? ['challenger'] : ['champion'],
        metrics,
        created: now
      };
      await db.artifacts.put(artifact);
      await db.models.add(record);
      return record;
    });
  } catch (err) {
    throw storageError(err, 'import the model');
  }
}

/** nextVersion after the newest, stepped on while another version already holds it (an import may have taken it). */
function nextFreeVersion(existing: ModelRecord[], features: string[]): string {
  let version = nextVersion(existing[0], features);
  while (existing.some((m) => m.version === version)) version = nextVersion({ ...existing[0], version }, features);
  return version;
}
