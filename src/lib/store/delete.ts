/**
 * Deleting a dataset. Versions are content-addressed and shared: identical prepared bytes made by two datasets are
 * stored once, owned by whichever saved them first. So a version (with its chunks) is removed only when nothing that
 * survives the delete still references it — a dataset, a preparation, a run or a model version — and a recipe only
 * when no surviving preparation, run or version names it. `planDeletion` decides; the confirmation's counts and the
 * delete itself both come from it, so what the person is told is what goes.
 */
import { chunkStore } from './chunk-store.ts';
import type { EnclaveDB } from './db.ts';
import { draftSources, hasDraft, removeDrafts } from './drafts.ts';
import { storageError } from './tables.ts';

export interface DeletionPlan {
  dataset: string;
  found: boolean;
  preparations: string[];
  runs: string[];
  models: string[];
  /** Versions no surviving record references: removed with their chunks. */
  versions: string[];
  /** Versions the dataset made that another dataset still uses: kept, and handed to that user. */
  handover: Map<string, { dataset: string; preparation?: string; parent?: string | null; recipe?: string | null }>;
  recipes: string[];
  /** Source versions whose Prepare drafts (kept outside IndexedDB) go too. */
  drafts: string[];
  /** This device's federations that trained on the dataset (their join tokens and scores on its rows). */
  federations: string[];
  /** The synthetic runs their final models' artifacts are stored under. */
  federatedRuns: string[];
}

/** What deleting dataset `id` removes and hands over. Read-only; run inside a transaction over every table it reads. */
export async function planDeletion(db: EnclaveDB, id: string): Promise<DeletionPlan> {
  const found = (await db.datasets.get(id)) !== undefined;
  const preparations = await db.preparations.where('dataset').equals(id).toArray();
  const runs = await db.runs.where('dataset').equals(id).toArray();
  const runIds = new Set(runs.map((r) => r.id));
  const own = await db.versions.where('dataset').equals(id).toArray();
  const ownHashes = new Set(own.map((v) => v.hash));
  // A federation's final model was trained (in part) and scored on this dataset's rows: it goes with them.
  const federations = (await db.federations.toArray()).filter((f) => ownHashes.has(f.source));
  const federated = new Set(federations.flatMap((f) => (f.model ? [f.model] : [])));
  const models = [...(runIds.size ? await db.models.where('run').anyOf([...runIds]).toArray() : []), ...(federated.size ? await db.models.where(':id').anyOf([...federated]).toArray() : [])];
  const modelIds = new Set(models.map((m) => m.id));

  // Everything the deleted records point at is a candidate; it goes unless a survivor points at it too.
  const candidates = new Set<string>(own.map((v) => v.hash));
  const recipeCandidates = new Set<string>();
  for (const p of preparations) {
    [p.source, p.splits.train, p.splits.validation, p.splits.test].forEach((h) => candidates.add(h));
    recipeCandidates.add(p.recipe);
  }
  for (const r of runs) { candidates.add(r.version); recipeCandidates.add(r.recipe); }
  for (const m of models) candidates.add(m.source);
  for (const v of own) if (v.recipe) recipeCandidates.add(v.recipe);

  // Survivors, and the first surviving user of each version (the new owner of a version it shares).
  const users = new Map<string, { dataset: string; preparation?: string; parent?: string | null; recipe?: string | null }>();
  const use = (hash: string, user: { dataset: string; preparation?: string; parent?: string | null; recipe?: string | null }) => {
    if (candidates.has(hash) && !users.has(hash)) users.set(hash, user);
  };
  const recipesInUse = new Set<string>();
  for (const d of await db.datasets.toArray()) if (d.id !== id) use(d.latest, { dataset: d.id, parent: null, recipe: null });
  for (const p of await db.preparations.toArray()) {
    if (p.dataset === id) continue;
    recipesInUse.add(p.recipe);
    use(p.source, { dataset: p.dataset });
    for (const h of [p.splits.train, p.splits.validation, p.splits.test]) use(h, { dataset: p.dataset, preparation: p.id, parent: p.source, recipe: p.recipe });
  }
  for (const r of await db.runs.toArray()) {
    if (runIds.has(r.id)) continue;
    recipesInUse.add(r.recipe);
    use(r.version, { dataset: r.dataset });
  }
  for (const m of await db.models.toArray()) {
    if (!runIds.has(m.run) && !modelIds.has(m.id)) use(m.source, { dataset: (await db.runs.get(m.run))?.dataset ?? id });
  }
  // Other datasets' versions that name a candidate recipe (by index: version records carry profiles, never scan them).
  await db.versions.where('recipe').anyOf([...recipeCandidates]).each((v) => { if (v.dataset !== id && v.recipe) recipesInUse.add(v.recipe); });

  const versions = [...candidates].filter((h) => !users.has(h));
  // Kept versions that belonged to the deleted dataset take the lineage of the dataset that still uses them.
  const handover = new Map([...users].filter(([h, u]) => ownHashes.has(h) && u.dataset !== id));
  for (const v of own) {
    const u = handover.get(v.hash);
    const recipe = u?.preparation ? u.recipe : u && v.recipe;
    if (recipe) recipesInUse.add(recipe);
  }
  const existing = new Set((await db.versions.where(':id').anyOf(versions).primaryKeys()) as string[]);
  const recipes = [...recipeCandidates].filter((h) => !recipesInUse.has(h));
  const storedRecipes = (await db.recipes.bulkGet(recipes)).filter((r) => r !== undefined).map((r) => r.hash);
  return {
    dataset: id,
    found,
    preparations: preparations.map((p) => p.id),
    runs: [...runIds],
    models: models.map((m) => m.id),
    versions: versions.filter((h) => existing.has(h)),
    handover,
    recipes: storedRecipes,
    drafts: own.filter((v) => v.parent === null && existing.has(v.hash)).map((v) => v.hash),
    federations: federations.map((f) => f.id),
    federatedRuns: models.filter((m) => federated.has(m.id)).map((m) => m.run)
  };
}

function tablesOf(db: EnclaveDB) {
  return [db.datasets, db.versions, db.recipes, db.preparations, db.runs, db.artifacts, db.models, db.modelEvents, db.rollouts, db.modelSummaries, db.batches, db.federations, ...chunkStore(db).tables];
}

export interface Footprint {
  versions: number;
  recipes: number;
  drafts: number;
  runs: number;
  models: number;
}

/** What deleting a dataset removes besides it, counted from the same plan the delete carries out. */
export async function datasetFootprint(db: EnclaveDB, id: string): Promise<Footprint> {
  const plan = await db.transaction('r', tablesOf(db), () => planDeletion(db, id));
  return {
    versions: plan.versions.length,
    recipes: plan.recipes.length,
    drafts: plan.drafts.filter(hasDraft).length,
    runs: plan.runs.length,
    models: plan.models.length
  };
}

/**
 * Delete a dataset and everything derived from it on this device that nothing else uses: versions (with their
 * chunks), recipes, preparations, runs, their model artifacts (a k-NN artifact holds training rows), the model
 * versions registered from those runs, and the Prepare drafts kept in localStorage. False when there was no such
 * dataset.
 */
export async function deleteDataset(db: EnclaveDB, id: string): Promise<boolean> {
  let plan: DeletionPlan;
  const chunks = chunkStore(db);
  try {
    plan = await db.transaction('rw', tablesOf(db), async () => {
      const p = await planDeletion(db, id);
      await db.models.bulkDelete(p.models);
      // The deleted versions' history entries and any rollout they take part in go with them.
      if (p.models.length) {
        await db.modelEvents.where('model').anyOf(p.models).delete();
        await db.batches.where('model').anyOf(p.models).delete();
        await db.modelSummaries.bulkDelete(p.models);
        const gone = new Set(p.models);
        for (const r of await db.rollouts.toArray()) if (gone.has(r.champion) || gone.has(r.challenger)) await db.rollouts.delete(r.name);
      }
      await db.artifacts.bulkDelete([...p.runs, ...p.federatedRuns]);
      await db.federations.bulkDelete(p.federations);
      await db.runs.bulkDelete(p.runs);
      await db.preparations.bulkDelete(p.preparations);
      for (const [hash, user] of p.handover) {
        await db.versions.update(hash, user.preparation
          ? { dataset: user.dataset, preparation: user.preparation, parent: user.parent ?? null, recipe: user.recipe ?? null }
          : { dataset: user.dataset });
      }
      await chunks.remove(p.versions);
      await db.versions.bulkDelete(p.versions);
      await db.recipes.bulkDelete(p.recipes);
      await db.datasets.delete(id);
      return p;
    });
    await chunks.purge(plan.versions);
  } catch (err) {
    throw storageError(err, 'delete the dataset');
  }
  // After the commit: a draft without its data is harmless, data without its draft is not lost.
  removeDrafts(plan.drafts);
  return plan.found;
}

/** Drafts whose source version is gone (e.g. deleted before drafts were cleaned up): removed. Returns how many. */
export async function sweepOrphanDrafts(db: EnclaveDB): Promise<number> {
  const hashes = draftSources();
  const found = await db.versions.bulkGet(hashes);
  const orphans = hashes.filter((_, i) => found[i] === undefined);
  removeDrafts(orphans);
  return orphans.length;
}
