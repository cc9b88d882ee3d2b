/**
 * The prepare job (data worker): load the source version, run the pure prepare stage, and — unless blocking
 * anomalies remain unaccepted — store the three prepared splits as versions with lineage (parent = source, recipe
 * hash recorded) plus the preparation record, in one transaction. Also: the live preview of one recipe step.
 */
import { prepareSplits, type Acceptance, type PrepareReport, type SplitName } from '../core/prepare.ts';
import { fitRecipe, parseRecipe } from '../core/recipe/index.ts';
import { checkSteps, type RecipeCheck } from '../core/recipe/check-steps.ts';
import { parseJsonText } from '../core/json-text.ts';
import { splitTable, type SplitOptions } from '../core/split.ts';
import { takeRows } from '../core/table-ops.ts';
import { hashTable } from '../core/hash.ts';
import { hashJson } from '../core/canonical-json.ts';
import { profileTableAsync, profileTable, type ColumnProfile, type Profile } from '../core/profile.ts';
import { EnclaveError, throwIfAborted } from '../core/errors.ts';
import { releaseTable, type NumericColumn, type Table } from '../core/table.ts';
import { db as defaultDb, type EnclaveDB, type PreparationRecord, type SplitConfig } from '../store/db.ts';
import { getVersion } from '../store/tables.ts';
import { loadRows, loadTable } from '../store/load-table.ts';
import { LARGE_TABLE_CELLS } from '../limits.ts';
import { savePreparation, stagePreparedSplit, type StagedSplit } from '../store/preparations.ts';
import { dropSource, keepSource, keptSource } from './source-cache.ts';

export interface PrepareRequest {
  source: string;
  recipe: unknown;
  split: SplitOptions;
  accepted?: Acceptance[];
}

export interface PrepareJobProgress {
  stage: 'load' | 'split' | 'fit' | 'apply' | 'validate' | 'profile' | 'save';
  done: number;
  total: number;
}

export type PrepareResult =
  | { status: 'saved'; preparation: PreparationRecord; report: PrepareReport }
  | { status: 'blocked'; report: PrepareReport; sizes: Record<SplitName, number> };

interface JobOptions {
  signal?: AbortSignal;
  onProgress?: (p: PrepareJobProgress) => void;
  database?: EnclaveDB;
  /** From how many cells a source counts as large (LARGE_TABLE_CELLS; for tests). */
  largeCells?: number;
}

// The source table stays in memory between a preview and the next one (a person edits the recipe step by step), and
// from the import that stored it (source-cache.ts).
async function source(database: EnclaveDB, hash: string): Promise<Table> {
  const kept = keptSource(hash);
  if (kept) return kept;
  const table = await loadTable(database, hash);
  keepSource(hash, table);
  return table;
}

export async function prepare(req: PrepareRequest, opts: JobOptions = {}): Promise<PrepareResult> {
  const { signal, onProgress } = opts;
  const database = opts.database ?? defaultDb();
  onProgress?.({ stage: 'load', done: 0, total: 1 });
  const version = await getVersion(database, req.source);
  if (!version) throw new EnclaveError('not-found', 'The dataset version to prepare no longer exists.');
  const dataset = version.dataset;
  const table = await source(database, req.source);
  // A large source is not kept past its split (the page releases this worker after a large prepare anyway).
  const large = table.rowCount * table.columns.length >= (opts.largeCells ?? LARGE_TABLE_CELLS);
  if (large) dropSource();
  throwIfAborted(signal);
  // The splits come one at a time, each hashed, profiled, staged and — where the chunk store holds it now (files) —
  // released before the next is made: at 5M rows × 137 prepared columns the three together were 5.5 GB. Train comes
  // first (its table is the largest, so nothing else is held with it); validation or test, once a blocking anomaly is
  // known, is skipped: nothing will be saved.
  let consumed = 0;
  const out = await prepareSplits(table, req.recipe, { split: req.split, accepted: req.accepted, signal, releaseSource: large, onProgress: (p) => onProgress?.(p) }, async ({ table: t, blocking }): Promise<StagedSplit | null> => {
    if (blocking.length) return null;
    onProgress?.({ stage: 'profile', done: consumed++, total: 3 });
    // A split's profile serves its columns (the Train page's scale warning reads their ranges); its correlations —
    // one-hot indicators, mostly — are shown nowhere and were half its time (2.6 of 4.9 s at 500k × 137): not computed;
    // nor are its duplicate rows, also shown nowhere (a second per 3M rows at 137 columns; the source's are shown).
    // The hash is made as the profile is (SHA-256 runs between its steps).
    const hashing = hashTable(t);
    hashing.catch(() => undefined); // awaited below; a profile that fails first must not leave it unhandled
    const profile = await profileTableAsync(t, { signal, maxCorrelationColumns: 0, countDuplicates: false });
    const hash = await hashing;
    throwIfAborted(signal);
    onProgress?.({ stage: 'save', done: consumed - 1, total: 3 });
    const staged = await stagePreparedSplit(database, { table: t, hash, profile });
    if (!staged.chunks) releaseTable(t);
    return staged;
  });
  const sizes = { ...out.report.split.sizes };
  if (out.report.blocking.length) return { status: 'blocked', report: out.report, sizes };
  const prepared = out.outputs as Record<SplitName, StagedSplit>;
  const s = out.report.split;
  const split: SplitConfig = { method: s.method, fractions: s.fractions, seed: s.seed, target: out.recipe.target, group: req.split.group, time: req.split.time };
  const recipeJson = JSON.parse(JSON.stringify(out.recipe));
  const preparation = await savePreparation(database, {
    dataset,
    source: req.source,
    recipe: { hash: await hashJson(recipeJson), json: recipeJson },
    split,
    fitted: JSON.parse(JSON.stringify(out.fitted)),
    splits: prepared,
    report: JSON.parse(JSON.stringify(out.report)),
    accepted: req.accepted ?? [],
    excluded: { missingTarget: s.excluded?.missingTarget ?? 0 }
  });
  onProgress?.({ stage: 'save', done: 3, total: 3 });
  return { status: 'saved', preparation, report: out.report };
}

export interface StepPreview {
  /** Training rows the preview ran on (a sample of at most PREVIEW_ROWS). */
  sampled: number;
  before: { rows: number; columns: number };
  after: { rows: number; columns: number };
  /** Columns this step changed or added, profiled before (null when new) and after. */
  changed: { name: string; before: ColumnProfile | null; after: ColumnProfile }[];
  dropped: string[];
}

const PREVIEW_ROWS = 20_000;
/** The recipe check runs every step on this many training rows each time a step is added, edited or moved. */
const CHECK_ROWS = 2_000;
/** A source larger than this is checked on its first rows only, unless a preview has loaded it already. */
const CHECK_LOAD_ROWS = 100_000;

// The training rows of the last split asked for: a preview or check after an edit reuses them (same source, same split).
let sampled: { key: string; train: Uint32Array } | null = null;
async function trainingSample(database: EnclaveDB, hash: string, splitOpts: SplitOptions, rows: number): Promise<Table> {
  const table = await source(database, hash);
  const key = JSON.stringify([hash, splitOpts]);
  if (sampled?.key !== key) sampled = { key, train: splitTable(table, splitOpts).indices.train };
  return takeRows(table, sampled.train.subarray(0, rows));
}

/** The recipe's first `count` steps, when it is a recipe object (anything else goes on to parseRecipe's refusal). */
function recipePrefix(json: unknown, count: number): unknown {
  let r: unknown;
  try {
    r = parseJsonText(json, 'invalid-recipe', 'The recipe');
  } catch {
    return json;
  }
  if (!r || typeof r !== 'object' || !Array.isArray((r as { steps?: unknown }).steps)) return r;
  return { ...r, steps: (r as { steps: unknown[] }).steps.slice(0, Math.max(0, count)) };
}

/**
 * Every step of a recipe checked at its place on a sample of the training rows (core/recipe/check-steps.ts): which
 * step is broken and why, and the columns each step that runs leaves for the next.
 */
export async function checkRecipe(sourceHash: string, recipeJson: unknown, splitOpts: SplitOptions, database?: EnclaveDB, opts: { loadRows?: number } = {}): Promise<RecipeCheck> {
  const target = recipeTarget(recipeJson) ?? splitOpts.target;
  const split = { ...splitOpts, ...(target ? { target } : {}) };
  const db = database ?? defaultDb();
  const limit = opts.loadRows ?? CHECK_LOAD_ROWS;
  // A large source not loaded yet for a preview: its first rows, split the same way (reading it all for 2,000 rows
  // is not cheap). Only a formula's division by zero "on training rows" could then be judged on other rows.
  const version = keptSource(sourceHash) ? null : await getVersion(db, sourceHash);
  if (version && version.rowCount > limit) {
    const { table } = await loadRows(db, sourceHash, 0, limit);
    let rows: ArrayLike<number>;
    try {
      rows = splitTable(table, split).indices.train.subarray(0, CHECK_ROWS);
    } catch {
      rows = Array.from({ length: Math.min(CHECK_ROWS, table.rowCount) }, (_, i) => i); // a class too rare in these rows
    }
    return checkSteps(takeRows(table, rows), recipeJson);
  }
  return checkSteps(await trainingSample(db, sourceHash, split, CHECK_ROWS), recipeJson);
}

function recipeTarget(json: unknown): string | undefined {
  const r = recipePrefix(json, 0) as { target?: unknown } | null;
  return r && typeof r === 'object' && typeof r.target === 'string' && r.target ? r.target : undefined;
}

/** Before/after of step `index`: steps 0..index-1 fitted on (a sample of) the training split, then step `index`. */
export async function previewStep(sourceHash: string, recipeJson: unknown, splitOpts: SplitOptions, index: number, database?: EnclaveDB): Promise<StepPreview> {
  // Steps 0..index only: a broken step further down (the person is still writing it) must not hide this preview.
  const recipe = parseRecipe(recipePrefix(recipeJson, index + 1));
  if (!Number.isInteger(index) || index < 0 || index >= recipe.steps.length) throw new EnclaveError('invalid-argument', `There is no step ${index + 1} in this recipe.`);
  const train = await trainingSample(database ?? defaultDb(), sourceHash, { ...splitOpts, target: recipe.target ?? splitOpts.target }, PREVIEW_ROWS);
  const before = fitRecipe(train, { ...recipe, steps: recipe.steps.slice(0, index) }).table;
  const after = fitRecipe(train, { ...recipe, steps: recipe.steps.slice(0, index + 1) }).table;
  const beforeByName = new Map(before.columns.map((c) => [c.name, c]));
  const changedCols = after.columns.filter((c) => beforeByName.get(c.name) !== c || before.rowCount !== after.rowCount);
  const pa = profileTable({ rowCount: after.rowCount, columns: changedCols.slice(0, 12) });
  const oldCols = changedCols.slice(0, 12).map((c) => beforeByName.get(c.name)).filter((c): c is NonNullable<typeof c> => !!c);
  const pb = profileTable({ rowCount: before.rowCount, columns: oldCols });
  const pbByName = new Map(pb.columns.map((c) => [c.name, c]));
  return {
    sampled: train.rowCount,
    before: { rows: before.rowCount, columns: before.columns.length },
    after: { rows: after.rowCount, columns: after.columns.length },
    changed: pa.columns.map((c) => ({ name: c.name, before: pbByName.get(c.name) ?? null, after: c })),
    dropped: before.columns.filter((c) => !after.columns.some((a) => a.name === c.name)).map((c) => c.name)
  };
}
