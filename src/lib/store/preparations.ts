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
import { chunkStore } from './chunk-store.ts';
import type { EnclaveDB, PreparationRecord, SchemaField, SplitConfig, AcceptedAnomaly } from './db.ts';
import { checkTable, storageError, toChunks } from './tables.ts';
import { count, FittedRecipeSchema, parseRecord, PrepareReportSchema, SplitConfigSchema } from './validate.ts';

export interface PreparedSplit {
  table: Table;
  hash: string;
  profile: Profile;
}

export interface SavePreparationInput {
  dataset: string;
  source: string;
  recipe: { hash: string; json: Recipe };
  split: SplitConfig;
  fitted: FittedRecipe;
  splits: Record<SplitName, PreparedSplit>;
  report: PrepareReport;
  accepted: AcceptedAnomaly[];
  excluded?: { missingTarget: number };
}

export async function savePreparation(db: EnclaveDB, input: SavePreparationInput): Promise<PreparationRecord> {
  const names: SplitName[] = ['train', 'validation', 'test'];
  for (const n of names) checkTable(input.splits[n].table);
  const id = crypto.randomUUID();
  const now = Date.now();
  // Every record is built before the transaction opens (IndexedDB commits a transaction left idle).
  const chunks = names.flatMap((n) => toChunks(input.splits[n].hash, input.splits[n].table));
  const record: PreparationRecord = {
    id,
    dataset: input.dataset,
    source: input.source,
    recipe: input.recipe.hash,
    split: input.split,
    fitted: input.fitted,
    splits: { train: input.splits.train.hash, validation: input.splits.validation.hash, test: input.splits.test.hash },
    sizes: { train: input.splits.train.table.rowCount, validation: input.splits.validation.table.rowCount, test: input.splits.test.table.rowCount },
    report: input.report,
    accepted: input.accepted,
    created: now,
    ...(input.excluded ? { excluded: input.excluded } : {})
  };
  const store = chunkStore(db);
  try {
    await store.stage(chunks);
    return await db.transaction('rw', [db.versions, db.recipes, db.preparations, ...store.tables], async () => {
      if (!(await db.versions.get(input.source))) throw new EnclaveError('not-found', 'The source version of this preparation no longer exists.');
      if (!(await db.recipes.get(input.recipe.hash))) await db.recipes.add({ hash: input.recipe.hash, recipe: input.recipe.json, created: now });
      const written = new Set<string>();
      for (const n of names) {
        const s = input.splits[n];
        // Content addressing: identical prepared bytes are stored once, whichever preparation made them first.
        if (written.has(s.hash) || (await db.versions.get(s.hash))) { written.add(s.hash); continue; }
        written.add(s.hash);
        const schema: SchemaField[] = s.table.columns.map((c) => ({ name: c.name, type: c.type, kind: c.kind }));
        await db.versions.add({ hash: s.hash, dataset: input.dataset, parent: input.source, recipe: input.recipe.hash, rowCount: s.table.rowCount, schema, profile: s.profile, created: now, warnings: [], split: n, preparation: id });
        await store.put(chunks.filter((c) => c.hash === s.hash));
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
