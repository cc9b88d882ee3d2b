/**
 * Repository for the prepare stage: a preparation (recipe + split + fitted state + report) and its three prepared
 * versions are written in ONE transaction, so a half-saved preparation is never visible.
 */
import * as v from 'valibot';
import { EnclaveError } from '../core/errors.ts';
import type { PrepareReport } from '../core/prepare.ts';
import type { Profile } from '../core/profile/types.ts';
import type { FittedRecipe, Recipe } from '../core/recipe/types.ts';
import type { SplitName } from '../core/split.ts';
import type { Table } from '../core/table.ts';
import { chunkStore, type ChunkView } from './chunk-store.ts';
import type { EnclaveDB, PreparationRecord, SchemaField, SplitConfig, AcceptedAnomaly } from './db.ts';
import { checkTable, storageError, toChunks } from './tables.ts';
import { count, FittedRecipeSchema, parseRecord, PrepareReportSchema, SplitConfigSchema } from './validate.ts';

export interface PreparedSplit {
  table: Table;
  hash: string;
  profile: Profile;
}

/**
 * A prepared split on its way into a preparation, its chunks staged (stagePreparedSplit). `chunks` is null when the
 * chunk store already holds them (files): the table may then go before the preparation is saved, which is what lets
 * the prepare job hold one prepared split at a time. Otherwise (IndexedDB) they are written with the preparation.
 */
export interface StagedSplit {
  hash: string;
  profile: Profile;
  rowCount: number;
  schema: SchemaField[];
  chunks: ChunkView[] | null;
}

/** Stages a prepared split's chunks ahead of savePreparation. Until the preparation is saved they belong to no version. */
export async function stagePreparedSplit(db: EnclaveDB, split: PreparedSplit): Promise<StagedSplit> {
  checkTable(split.table);
  const chunks = toChunks(split.hash, split.table);
  let stored: boolean | void;
  try {
    stored = await chunkStore(db).stage(chunks);
  } catch (err) {
    throw storageError(err, 'save the prepared splits');
  }
  const schema: SchemaField[] = split.table.columns.map((c) => ({ name: c.name, type: c.type, kind: c.kind }));
  return { hash: split.hash, profile: split.profile, rowCount: split.table.rowCount, schema, chunks: stored === true ? null : chunks };
}

export interface SavePreparationInput {
  dataset: string;
  source: string;
  recipe: { hash: string; json: Recipe };
  split: SplitConfig;
  fitted: FittedRecipe;
  /** Tables to stage now, or splits staged already (stagePreparedSplit). */
  splits: Record<SplitName, PreparedSplit | StagedSplit>;
  report: PrepareReport;
  accepted: AcceptedAnomaly[];
  excluded?: { missingTarget: number };
}

export async function savePreparation(db: EnclaveDB, input: SavePreparationInput): Promise<PreparationRecord> {
  const names: SplitName[] = ['train', 'validation', 'test'];
  for (const n of names) {
    const s = input.splits[n];
    if ('table' in s) checkTable(s.table);
  }
  const staged = {} as Record<SplitName, StagedSplit>;
  for (const n of names) {
    const s = input.splits[n];
    staged[n] = 'table' in s ? await stagePreparedSplit(db, s) : s;
  }
  const id = crypto.randomUUID();
  const now = Date.now();
  // Every record is built before the transaction opens (IndexedDB commits a transaction left idle).
  const record: PreparationRecord = {
    id,
    dataset: input.dataset,
    source: input.source,
    recipe: input.recipe.hash,
    split: input.split,
    fitted: input.fitted,
    splits: { train: staged.train.hash, validation: staged.validation.hash, test: staged.test.hash },
    sizes: { train: staged.train.rowCount, validation: staged.validation.rowCount, test: staged.test.rowCount },
    report: input.report,
    accepted: input.accepted,
    created: now,
    ...(input.excluded ? { excluded: input.excluded } : {})
  };
  const store = chunkStore(db);
  try {
    return await db.transaction('rw', [db.versions, db.recipes, db.preparations, ...store.tables], async () => {
      if (!(await db.versions.get(input.source))) throw new EnclaveError('not-found', 'The source version of this preparation no longer exists.');
      if (!(await db.recipes.get(input.recipe.hash))) await db.recipes.add({ hash: input.recipe.hash, recipe: input.recipe.json, created: now });
      const written = new Set<string>();
      for (const n of names) {
        const s = staged[n];
        // Content addressing: identical prepared bytes are stored once, whichever preparation made them first.
        if (written.has(s.hash) || (await db.versions.get(s.hash))) { written.add(s.hash); continue; }
        written.add(s.hash);
        await db.versions.add({ hash: s.hash, dataset: input.dataset, parent: input.source, recipe: input.recipe.hash, rowCount: s.rowCount, schema: s.schema, profile: s.profile, created: now, warnings: [], split: n, preparation: id });
        if (s.chunks) await store.put(s.chunks);
      }
      await db.preparations.add(record);
      return record;
    });
  } catch (err) {
    throw storageError(err, 'save the prepared splits');
  }
}

// Typed against PreparationRecord: a field the record gains must be read here too, or this stops compiling.
const PreparationSchema: v.GenericSchema<unknown, PreparationRecord> = v.object({
  id: v.string(),
  dataset: v.string(),
  source: v.string(),
  recipe: v.string(),
  split: SplitConfigSchema,
  fitted: FittedRecipeSchema,
  splits: v.object({ train: v.string(), validation: v.string(), test: v.string() }),
  sizes: v.object({ train: count, validation: count, test: count }),
  report: PrepareReportSchema,
  accepted: v.array(v.object({ id: v.string(), reason: v.string(), at: v.number() })),
  created: v.number(),
  // Optional: preparations stored before rows without a target were left out (and counted) have no such field.
  excluded: v.optional(v.object({ missingTarget: count }))
});

function parse(raw: unknown, id: string): PreparationRecord {
  return parseRecord(PreparationSchema, raw, { what: 'preparation', table: 'preparations', id });
}

/** Preparations of a dataset, newest first. */
export async function listPreparations(db: EnclaveDB, dataset: string): Promise<PreparationRecord[]> {
  const rows = await db.preparations.where('dataset').equals(dataset).toArray();
  return rows.map((p) => parse(p, String(p.id))).sort((a, b) => b.created - a.created);
}

export async function getPreparation(db: EnclaveDB, id: string): Promise<PreparationRecord> {
  const raw = await db.preparations.get(id);
  if (!raw) throw new EnclaveError('not-found', 'That preparation no longer exists.', { preparation: id });
  return parse(raw, id);
}
