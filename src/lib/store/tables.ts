/**
 * Repository for projects, datasets and versions, and the chunk layout of a stored Table (the chunks themselves go
 * through chunk-store.ts). Every write is one Dexie transaction over all the tables it touches, so a half-written
 * version is never visible; every read validates what it got back, since storage outlives code.
 */
import * as v from 'valibot';
import { EnclaveError } from '../core/errors.ts';
import type { Profile } from '../core/profile/types.ts';
import type { Column, Table } from '../core/table.ts';
import { chunkStore, type ChunkView } from './chunk-store.ts';
import { expandBits, indicatorBits } from '../core/indicator-column.ts';
import type { DatasetRecord, EnclaveDB, SchemaField, SourceInfo, VersionRecord } from './db.ts';
import { count, SchemaFieldSchema, SplitNameSchema } from './validate.ts';

/** Rows per stored chunk: 512 KiB of Float64 per numeric chunk, small enough to stream, big enough to be few. */
export const CHUNK_ROWS = 65536;
export const DEFAULT_PROJECT_NAME = 'My project';

export interface SaveImportInput {
  projectId?: string;
  datasetName: string;
  source: SourceInfo;
  table: Table;
  hash: string;
  profile: Profile;
  warnings: string[];
}

export interface SaveImportResult {
  datasetId: string;
  hash: string;
  /** false when a version with this hash already existed and nothing was written */
  created: boolean;
}

export interface DatasetSummary extends DatasetRecord {
  rowCount: number;
  columnCount: number;
  /** when the latest version was created */
  latestCreated: number;
}

export interface StorageInfo {
  usage: number | null;
  quota: number | null;
  persisted: boolean | null;
}

// The profile is the profiler's JSON, written in the same transaction as the chunks; only its being an object is
// checked here (its statistics are drawn as they are).
const ProfileSchema = v.custom<Profile>((x) => typeof x === 'object' && x !== null && !Array.isArray(x), 'not a profile');

const VersionSchema = v.object({
  hash: v.string(),
  dataset: v.string(),
  parent: v.nullable(v.string()),
  recipe: v.nullable(v.string()),
  rowCount: count,
  schema: v.array(SchemaFieldSchema),
  profile: ProfileSchema,
  created: v.number(),
  warnings: v.array(v.string()),
  split: v.optional(SplitNameSchema),
  preparation: v.optional(v.string())
});

// Tag check rather than instanceof: buffers cloned by IndexedDB may come from another realm (tests, workers).
const arrayBuffer = v.custom<ArrayBuffer>((x) => Object.prototype.toString.call(x) === '[object ArrayBuffer]', 'not an ArrayBuffer');

export const ChunkSchema = v.object({
  hash: v.string(),
  column: count,
  index: count,
  values: arrayBuffer,
  valid: arrayBuffer,
  dictionary: v.optional(v.array(v.string())),
  bits: v.optional(arrayBuffer)
});

export function corrupt(hash: string, what: string): EnclaveError {
  return new EnclaveError('storage', `Stored data for version ${hash.slice(0, 12)} is damaged (${what}). Re-import the file.`, {
    hash,
    problem: what
  });
}

/** The bytes of rows [start, end) of a typed array, as a view (no copy: a store that keeps records copies them). */
function bytesOf(arr: Float64Array | Int32Array | Uint8Array, start: number, end: number): Uint8Array {
  const per = arr.BYTES_PER_ELEMENT;
  return new Uint8Array(arr.buffer, arr.byteOffset + start * per, (end - start) * per);
}

export function chunkCount(rowCount: number): number {
  // At least one chunk per column, so a string column's dictionary has a home even with zero rows.
  return Math.max(1, Math.ceil(rowCount / CHUNK_ROWS));
}

export function checkTable(table: Table): void {
  for (const c of table.columns) {
    const bits = indicatorBits(c);
    const length = bits ? (bits.length === (table.rowCount + 7) >> 3 ? table.rowCount : -1) : (c.kind === 'numeric' ? c.values : c.codes).length;
    if (length !== table.rowCount || c.valid.length !== table.rowCount)
      throw new EnclaveError('invalid-argument', `Column "${c.name}" has a length that does not match the table's ${table.rowCount} rows.`);
  }
}

export function toChunks(hash: string, table: Table): ChunkView[] {
  const out: ChunkView[] = [];
  const n = chunkCount(table.rowCount);
  table.columns.forEach((c: Column, column) => {
    for (let index = 0; index < n; index++) {
      const start = index * CHUNK_ROWS;
      const end = Math.min(table.rowCount, start + CHUNK_ROWS);
      const bits = indicatorBits(c);
      const rec = { hash, column, index, valid: bytesOf(c.valid, start, end) } as ChunkView;
      if (bits) {
        // An indicator column's chunk goes as its bits (CHUNK_ROWS is a multiple of 8: a chunk starts on a byte);
        // its doubles are made only for a store that reads `values` (IndexedDB).
        rec.bits = bits.subarray(start >> 3, (end + 7) >> 3);
        Object.defineProperty(rec, 'values', { enumerable: true, get: () => new Uint8Array(expandBits(bits, end, start).buffer) });
      } else rec.values = bytesOf(c.kind === 'numeric' ? c.values : c.codes, start, end);
      if (c.kind === 'string' && index === 0) rec.dictionary = c.dictionary;
      if (c.kind === 'numeric') rec.numeric = true;
      out.push(rec);
    }
  });
  return out;
}

/** Dexie wraps failures in its own error classes; name the cause once here, at the storage boundary. */
export function storageError(err: unknown, action: string): EnclaveError {
  if (err instanceof EnclaveError) return err;
  const e = err as { name?: string; message?: string; inner?: { name?: string } } | null;
  if (e?.name === 'QuotaExceededError' || e?.inner?.name === 'QuotaExceededError')
    return new EnclaveError('too-large', 'The browser has no room left to store this data (storage quota exceeded).');
  const message = e?.message ?? String(err);
  return new EnclaveError('storage', `Could not ${action}: ${message}`, { name: e?.name ?? 'Error' });
}

/**
 * Stores an imported table as a new dataset with one version. Content-addressed: when `hash` is already stored,
 * writes nothing and returns the dataset that owns it.
 */
export async function saveImport(db: EnclaveDB, input: SaveImportInput): Promise<SaveImportResult> {
  const { table, hash } = input;
  checkTable(table);
  // Build every record before the transaction opens: IndexedDB commits a transaction that sits idle.
  const chunks = toChunks(hash, table);
  const schema: SchemaField[] = table.columns.map((c) => ({ name: c.name, type: c.type, kind: c.kind }));
  const now = Date.now();
  const store = chunkStore(db);
  try {
    await store.stage(chunks);
    return await db.transaction('rw', [db.projects, db.datasets, db.versions, ...store.tables], async () => {
      const existing = await db.versions.get(hash);
      if (existing) return { datasetId: existing.dataset, hash, created: false };

      let projectId = input.projectId;
      if (projectId) {
        if (!(await db.projects.get(projectId))) throw new EnclaveError('not-found', 'That project no longer exists.', { projectId });
      } else {
        const first = (await db.projects.toArray()).sort((a, b) => a.created - b.created)[0];
        projectId = first?.id ?? crypto.randomUUID();
        if (!first) await db.projects.add({ id: projectId, name: DEFAULT_PROJECT_NAME, created: now });
      }

      const datasetId = crypto.randomUUID();
      await db.datasets.add({ id: datasetId, project: projectId, name: input.datasetName, source: input.source, created: now, latest: hash });
      await db.versions.add({
        hash,
        dataset: datasetId,
        parent: null,
        recipe: null,
        rowCount: table.rowCount,
        schema,
        profile: input.profile,
        created: now,
        warnings: input.warnings
      });
      await store.put(chunks);
      return { datasetId, hash, created: true };
    });
  } catch (err) {
    throw storageError(err, 'save the dataset');
  }
}

// The parsed schema keeps kind and type paired, which is what lets loadTable build Columns without casts.
export function parseVersion(hash: string, raw: unknown): v.InferOutput<typeof VersionSchema> {
  const res = v.safeParse(VersionSchema, raw);
  if (!res.success) throw corrupt(hash, `version record: ${v.summarize(res.issues)}`);
  return res.output;
}

/** The version record, validated; undefined when no version has this hash. */
export async function getVersion(db: EnclaveDB, hash: string): Promise<VersionRecord | undefined> {
  const raw = await db.versions.get(hash);
  return raw === undefined ? undefined : parseVersion(hash, raw);
}

/** Every dataset with its latest version's size, newest first. */
export async function listDatasets(db: EnclaveDB): Promise<DatasetSummary[]> {
  const [datasets, versions] = await db.transaction('r', [db.datasets, db.versions], async () => {
    const ds = await db.datasets.toArray();
    return [ds, await db.versions.bulkGet(ds.map((d) => d.latest))] as const;
  });
  return datasets
    .map((d, i) => {
      const ver = versions[i];
      return { ...d, rowCount: ver?.rowCount ?? 0, columnCount: ver?.schema.length ?? 0, latestCreated: ver?.created ?? d.created };
    })
    .sort((a, b) => b.latestCreated - a.latestCreated || b.created - a.created);
}

function storageManager(): StorageManager | undefined {
  return typeof navigator !== 'undefined' && navigator.storage ? navigator.storage : undefined;
}

/** Usage, quota and persistence of this origin's storage; nulls where the browser (or Node) cannot say. */
export async function storageInfo(): Promise<StorageInfo> {
  const sm = storageManager();
  const est = sm?.estimate ? await sm.estimate().catch(() => undefined) : undefined;
  const persisted = sm?.persisted ? await sm.persisted().catch(() => null) : null;
  return { usage: est?.usage ?? null, quota: est?.quota ?? null, persisted };
}

/** Asks the browser not to evict our data. True if granted, false if refused, null where unsupported. */
export async function requestPersistence(): Promise<boolean | null> {
  const sm = storageManager();
  if (!sm?.persist) return null;
  return sm.persist().catch(() => null);
}
