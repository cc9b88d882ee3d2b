/**
 * A model bundle's manifest.json: what the model is (name, version, task, target, features, classes, the source
 * columns a prediction takes, its scores), where it came from (lineage), and each file's SHA-256 with one content hash
 * over them. Read back through the schema below: a bundle comes from outside.
 */
import * as v from 'valibot';
import type { FittedRecipe } from '../../core/recipe/types.ts';
import type { ColumnType } from '../../core/table.ts';
import type { Scores } from '../../ml/models/score.ts';

export const BUNDLE_FORMAT = 'enclave-model-bundle';
/** The bundle layout this build writes and reads. */
export const BUNDLE_VERSION = 1;

/** One source column a prediction takes (a model version's inputSchema entry). */
export interface InputField {
  name: string;
  type: ColumnType;
  kind: 'numeric' | 'string';
}

/**
 * What the bundle writer needs of a registered model version: a ModelRecord (store/db.ts) has these fields, and the
 * services layer names no store type.
 */
export interface BundleModelVersion {
  name: string;
  version: string;
  run: string;
  source: string;
  fitted: FittedRecipe;
  inputSchema: InputField[];
  features: string[];
  target: string;
  task: 'classification' | 'regression';
  classNames?: string[];
  metrics: { train?: Scores; validation?: Scores; test?: Scores };
  created: number;
}

export interface BundleLineage {
  /** The training run (for an imported model, the synthetic `bundle:<hash>` id it was stored under). */
  run: string;
  /** The source dataset version whose columns a prediction takes ('' when not known). */
  source: string;
  preparation?: string;
  /** SHA-256 of the recipe as written (the recipes table's key). */
  recipe?: string;
  dataset?: string;
}

export interface BundleFile {
  path: string;
  sha256: string;
}

/** Scores as JSON keeps them: a NaN score (an R² on a constant target) is written as null. */
export type BundleScores = Record<string, number | null>;

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  formatVersion: typeof BUNDLE_VERSION;
  /** When the model version was registered (ISO 8601): the same version always gives the same bytes. */
  created: string;
  name: string;
  /** The model version's semantic version. */
  version: string;
  algorithm: string;
  task: 'classification' | 'regression';
  target: string;
  features: string[];
  classNames?: string[];
  inputSchema: InputField[];
  metrics: { train?: BundleScores; validation?: BundleScores; test?: BundleScores };
  /** Whether model.json (and predict.js) hold training rows (a k-nearest-neighbours model). */
  trainingRows: boolean;
  lineage: BundleLineage;
  /** Every file but the manifest, sorted by path. */
  files: BundleFile[];
  /** SHA-256 of the sorted file list (contentHashOf): names the bundle. */
  contentHash: string;
}

const hex64 = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'not a SHA-256 in hex'));
const COLUMN_TYPES = ['integer', 'float', 'boolean', 'datetime', 'identifier', 'categorical', 'text'] as const;
const scores = v.record(v.string(), v.nullable(v.number()));

export const ManifestSchema = v.strictObject({
  format: v.literal(BUNDLE_FORMAT),
  formatVersion: v.literal(BUNDLE_VERSION),
  created: v.string(),
  name: v.pipe(v.string(), v.minLength(1)),
  version: v.pipe(v.string(), v.regex(/^\d+\.\d+\.\d+$/, 'not a semantic version')),
  algorithm: v.string(),
  task: v.picklist(['classification', 'regression']),
  target: v.string(),
  features: v.array(v.string()),
  classNames: v.optional(v.array(v.string())),
  inputSchema: v.array(v.strictObject({ name: v.string(), type: v.picklist(COLUMN_TYPES), kind: v.picklist(['numeric', 'string']) })),
  metrics: v.strictObject({ train: v.optional(scores), validation: v.optional(scores), test: v.optional(scores) }),
  trainingRows: v.boolean(),
  lineage: v.strictObject({
    run: v.string(),
    source: v.string(),
    preparation: v.optional(v.string()),
    recipe: v.optional(v.string()),
    dataset: v.optional(v.string()),
  }),
  files: v.array(v.strictObject({ path: v.string(), sha256: hex64 })),
  contentHash: hex64,
}) satisfies v.GenericSchema<unknown, BundleManifest>;

/** Lowercase hex SHA-256. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The bundle's name: SHA-256 of "path\tsha256\n" per file, sorted by path. */
export function contentHashOf(files: readonly BundleFile[]): Promise<string> {
  const lines = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).map((f) => `${f.path}\t${f.sha256}\n`);
  return sha256Hex(new TextEncoder().encode(lines.join('')));
}
