/**
 * What happens to a model name after its versions are registered: the history of its aliases (each version
 * registered or retrained, each rollout stage, each promotion to champion and each rollback), its staged rollout, and
 * the two transactions that swap aliases — promote a challenger, roll back to the champion before. Every swap and its
 * history entry are one transaction.
 */
import * as v from 'valibot';
import { EnclaveError } from '../core/errors.ts';
import type { EnclaveDB, ModelEventRecord, ModelRecord, RolloutRecord } from './db.ts';
import { getModel } from './models.ts';
import { storageError } from './tables.ts';
import { parseRecord } from './validate.ts';

const EventSchema: v.GenericSchema<unknown, ModelEventRecord> = v.object({
  id: v.string(),
  name: v.string(),
  at: v.number(),
  action: v.picklist(['register', 'retrain', 'rollout', 'promote', 'rollback']),
  model: v.string(),
  previous: v.optional(v.string()),
  share: v.optional(v.number())
});

const RolloutSchema: v.GenericSchema<unknown, RolloutRecord> = v.object({
  name: v.string(),
  champion: v.string(),
  challenger: v.string(),
  share: v.pipe(v.number(), v.minValue(0), v.maxValue(1)),
  seed: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(2 ** 32 - 1)),
  updated: v.number()
});

// Events made within one millisecond (a retrain registers and records in one go) must still sort in the order they
// happened, and ids are random: so the clock never repeats or goes back within this context.
let lastAt = 0;
const tick = () => (lastAt = Math.max(Date.now(), lastAt + 1));
const event = (e: Omit<ModelEventRecord, 'id' | 'at'>): ModelEventRecord => ({ id: crypto.randomUUID(), at: tick(), ...e });

/** A model name's history, oldest first. */
export async function modelHistory(db: EnclaveDB, name: string): Promise<ModelEventRecord[]> {
  const rows = await db.modelEvents.where('name').equals(name).toArray();
  return rows.map((r) => parseRecord(EventSchema, r, { what: 'model history entry', table: 'modelEvents', id: String(r.id) })).sort((a, b) => a.at - b.at);
}

/** Appends a registration or a retraining to the history of the version's name. */
export async function recordModelEvent(db: EnclaveDB, e: { action: 'register' | 'retrain'; model: ModelRecord; previous?: string }): Promise<void> {
  try {
    await db.modelEvents.add(event({ name: e.model.name, action: e.action, model: e.model.id, ...(e.previous ? { previous: e.previous } : {}) }));
  } catch (err) {
    throw storageError(err, 'record the model history');
  }
}

/** The version of `name` that carries the champion alias (undefined when none does). */
export async function championOf(db: EnclaveDB, name: string): Promise<ModelRecord | undefined> {
  const versions = await db.models.where('name').equals(name).toArray();
  const raw = versions.find((m) => Array.isArray(m.aliases) && m.aliases.includes('champion'));
  return raw ? getModel(db, String(raw.id)) : undefined;
}

/** The staged rollout of `name`, if one is running. */
export async function getRollout(db: EnclaveDB, name: string): Promise<RolloutRecord | undefined> {
  const raw = await db.rollouts.get(name);
  return raw === undefined ? undefined : parseRecord(RolloutSchema, raw, { what: 'rollout', table: 'rollouts', id: name });
}

/** Routes `share` of the scored rows (assigned by a seeded hash of each row) to the challenger; recorded in the history. */
export async function setRollout(db: EnclaveDB, challengerId: string, share: number, seed = 42): Promise<RolloutRecord> {
  if (!(share > 0 && share <= 1)) throw new EnclaveError('invalid-argument', `A rollout share is more than 0 and at most 1 (got ${share}).`);
  return write(db, 'set the rollout', async () => {
    const challenger = await getModel(db, challengerId);
    if (!challenger.aliases.includes('challenger')) throw new EnclaveError('invalid-argument', `${label(challenger)} is not a challenger: only a challenger is rolled out against the champion.`);
    const champion = await championOf(db, challenger.name);
    if (!champion) throw new EnclaveError('invalid-argument', `"${challenger.name}" has no champion to roll the challenger out against.`);
    const rollout: RolloutRecord = { name: challenger.name, champion: champion.id, challenger: challenger.id, share, seed, updated: Date.now() };
    await db.rollouts.put(rollout);
    await db.modelEvents.add(event({ name: challenger.name, action: 'rollout', model: challenger.id, share }));
    return rollout;
  });
}

/** The challenger becomes the champion; the champion it replaces keeps no alias (a rollback restores it). */
export async function promoteChallenger(db: EnclaveDB, challengerId: string): Promise<ModelRecord> {
  return write(db, 'promote the challenger', async () => {
    const challenger = await getModel(db, challengerId);
    if (challenger.aliases.includes('champion')) throw new EnclaveError('invalid-argument', `${label(challenger)} is already the champion.`);
    const previous = await championOf(db, challenger.name);
    if (previous) await db.models.update(previous.id, { aliases: previous.aliases.filter((a) => a !== 'champion') });
    const aliases = ['champion', ...challenger.aliases.filter((a) => a !== 'challenger' && a !== 'champion')];
    await db.models.update(challenger.id, { aliases });
    await db.rollouts.delete(challenger.name);
    await db.modelEvents.add(event({ name: challenger.name, action: 'promote', model: challenger.id, ...(previous ? { previous: previous.id } : {}) }));
    return { ...challenger, aliases };
  });
}

/** The champion before the current one is champion again; the current one goes back to being a challenger. */
export async function rollback(db: EnclaveDB, name: string): Promise<ModelRecord> {
  return write(db, 'roll back', async () => {
    const current = await championOf(db, name);
    if (!current) throw new EnclaveError('invalid-argument', `"${name}" has no champion to roll back.`);
    // The promotion that made the current champion says which one it replaced (a rolled-back champion has none: a
    // rollback is not undone by another).
    const made = (await modelHistory(db, name)).filter((e) => e.action === 'promote' && e.model === current.id).pop();
    if (!made?.previous) throw new EnclaveError('invalid-argument', `${label(current)} did not replace an earlier champion: there is nothing to roll back to.`);
    const restored = await getModel(db, made.previous).catch(() => {
      throw new EnclaveError('not-found', `The champion before ${label(current)} no longer exists; nothing was changed.`);
    });
    await db.models.update(current.id, { aliases: ['challenger', ...current.aliases.filter((a) => a !== 'champion' && a !== 'challenger')] });
    const aliases = ['champion', ...restored.aliases.filter((a) => a !== 'champion' && a !== 'challenger')];
    await db.models.update(restored.id, { aliases });
    await db.rollouts.delete(name);
    await db.modelEvents.add(event({ name, action: 'rollback', model: restored.id, previous: current.id }));
    return { ...restored, aliases };
  });
}

const label = (m: ModelRecord) => `${m.name} ${m.version}`;

async function write<T>(db: EnclaveDB, what: string, body: () => Promise<T>): Promise<T> {
  try {
    return await db.transaction('rw', [db.models, db.modelEvents, db.rollouts], body);
  } catch (err) {
    throw storageError(err, what);
  }
}
