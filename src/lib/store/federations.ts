/**
 * This device's federations: one record per federation joined, written as the client goes (joined, each round
 * uploaded, each global model scored, the end) so a reload shows where it stood, and the rounds already joined keep
 * counting against the privacy budget. Read through a schema like every other repository.
 */
import * as v from 'valibot';
import type { EnclaveDB, FederationRecord } from './db.ts';
import { storageError } from './tables.ts';
import { parseRecord, ScoresSchema } from './validate.ts';

const finite = v.pipe(v.number(), v.finite());

const FederationSchema: v.GenericSchema<unknown, FederationRecord> = v.object({
  id: v.string(),
  server: v.string(),
  federation: v.string(),
  token: v.string(),
  clientId: v.optional(v.string()),
  name: v.optional(v.string()),
  source: v.string(),
  maxEpsilon: v.optional(finite),
  pinned: v.optional(v.object({ clipNorm: finite, noiseMultiplier: finite, delta: finite })),
  rounds: v.optional(v.number()),
  roundsJoined: v.pipe(v.number(), v.integer(), v.minValue(0)),
  // Infinity (no noise) is stored as is: IndexedDB keeps it, unlike JSON.
  epsilon: v.number(),
  epsilonImproved: v.number(),
  history: v.array(v.object({ version: v.number(), validation: ScoresSchema })),
  status: v.picklist(['joining', 'running', 'finished', 'stopped', 'failed', 'cancelled']),
  message: v.string(),
  model: v.optional(v.string()),
  created: v.number(),
  updated: v.number()
});

const parse = (r: unknown, id: string) => parseRecord(FederationSchema, r, { what: 'federation', table: 'federations', id });

export async function listFederations(db: EnclaveDB): Promise<FederationRecord[]> {
  const rows = await db.federations.toArray();
  return rows.map((r) => parse(r, String(r.id))).sort((a, b) => b.created - a.created);
}

export async function getFederation(db: EnclaveDB, id: string): Promise<FederationRecord | undefined> {
  const raw = await db.federations.get(id);
  return raw === undefined ? undefined : parse(raw, id);
}

export async function putFederation(db: EnclaveDB, record: FederationRecord): Promise<void> {
  try {
    await db.federations.put(parse(record, record.id));
  } catch (err) {
    throw storageError(err, 'keep the federation’s progress');
  }
}

/** Changes some fields of a stored federation (and its `updated` time); returns the record as stored. */
export async function updateFederation(db: EnclaveDB, id: string, change: Partial<Omit<FederationRecord, 'id' | 'created'>>): Promise<FederationRecord> {
  const before = await getFederation(db, id);
  if (!before) throw storageError(new Error('gone'), 'find the federation');
  const after = { ...before, ...change, updated: Date.now() };
  await putFederation(db, after);
  return after;
}

export async function deleteFederation(db: EnclaveDB, id: string): Promise<void> {
  try {
    await db.federations.delete(id);
  } catch (err) {
    throw storageError(err, 'forget the federation');
  }
}
