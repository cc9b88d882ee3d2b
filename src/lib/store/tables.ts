/**
 * Repository for projects, datasets and versions, and the chunk layout of a stored Table (the chunks themselves go
 * through chunk-store.ts). Every write is one Dexie transaction over all the tables it touches, so a half-written
 * version is never visible; every read validates what it got back, since storage outlives code.
 */
import * as v from 'valibot';
import { EnclaveError } from '../core/errors.ts';
import type { Profile } from '../core/profile/types.ts';
import type { Column, Table } from '../core/table.ts';
import { chunkStore } from './chunk-store.ts';
import type { ChunkRecord, DatasetRecord, EnclaveDB, SchemaField, SourceInfo, VersionRecord } from './db.ts';
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

const ChunkSchema = v.object({
  hash: v.string(),
  column: count,
  index: count,
  values: arrayBuffer,
  valid: arrayBuffer,
  dictionary: v.optional(v.array(v.string()))
});

function corrupt(hash: string, what: string): EnclaveError {
  return new EnclaveError('storage', `Stored data for version ${hash.slice(0, 12)} is damaged (${what}). Re-import the file.`, {
    hash,
    problem: what
  });
}

/** Copies the bytes of rows [start, end) of a typed array into an ArrayBuffer of their own. */
function sliceBytes(arr: Float64Array | Int32Array | Uint8Array, start: number, end: number): ArrayBuffer {
  const per = arr.BYTES_PER_ELEMENT;
  return (arr.buffer as ArrayBuffer).slice(arr.byteOffset + start * per, arr.byteOffset + end * per);
}

function chunkCount(rowCount: number): number {
  // At least one chunk per column, so a string column's dictionary has a home even with zero rows.
  return Math.max(1, Math.ceil(rowCount / CHUNK_ROWS));
}

export function checkTable(table: Table): void {
  for (const c of table.columns) {
    const data = c.kind === 'numeric' ? c.values : c.codes;
    if (data.length !== table.rowCount || c.valid.length !== table.rowCount)
      throw new EnclaveError('invalid-argument', `Column "${c.name}" has a length that does not match the table's ${table.rowCount} rows.`);
  }
}

export function toChunks(hash: string, table: Table): ChunkRecord[] {
  const out: ChunkRecord[] = [];
  const n = chunkCount(table.rowCount);
  table.columns.forEach((c: Column, column) => {
    for (let index = 0; index < n; index++) {
      const start = index * CHUNK_ROWS;
      const end = Math.min(table.rowCount, start + CHUNK_ROWS);
      const data = c.kind === 'numeric' ? c.values : c.codes;
      const rec: ChunkRecord = { hash, column, index, values: sliceBytes(data, start, end), valid: sliceBytes(c.valid, start, end) };
      if (c.kind === 'string' && index === 0) rec.dictionary = c.dictionary;
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
function parseVersion(hash: string, raw: unknown): v.InferOutput<typeof VersionSchema> {
  const res = v.safeParse(VersionSchema, raw);
  if (!res.success) throw corrupt(hash, `version record: ${v.summarize(res.issues)}`);
  return res.output;
}

/** The version record, validated; undefined when no version has this hash. */
export async function getVersion(db: EnclaveDB, hash: string): Promise<VersionRecord | undefined> {
  const raw = await db.versions.get(hash);
  return raw === undefined ? undefined : parseVersion(hash, raw);
}

const noVersion = (hash: string) => new EnclaveError('not-found', `No stored version ${hash.slice(0, 12)}.`, { hash });

/** Reassembles a stored version into a Table, checking every chunk against the version's row count and schema. */
export async function loadTable(db: EnclaveDB, hash: string): Promise<Table> {
  const raw = await db.versions.get(hash);
  if (raw === undefined) throw noVersion(hash);
  const version = parseVersion(hash, raw);
  // Read apart from the version record (a chunk store need not be IndexedDB): chunks missing because the version was
  // deleted meanwhile mean "not found", not "damaged".
  const chunks = await chunkStore(db).read(hash);
  try {
    return assemble(hash, version, chunks);
  } catch (err) {
    if (err instanceof EnclaveError && err.code === 'storage' && (await db.versions.get(hash)) === undefined) throw noVersion(hash);
    throw err;
  }
}

function assemble(hash: string, version: v.InferOutput<typeof VersionSchema>, rawChunks: unknown[]): Table {
  const { rowCount, schema } = version;
  const n = chunkCount(rowCount);

  // Slot every chunk by (column, index); anything out of place means the record set is damaged.
  const slots: (ChunkRecord | undefined)[][] = schema.map(() => new Array<ChunkRecord | undefined>(n));
  for (const rc of rawChunks) {
    const res = v.safeParse(ChunkSchema, rc);
    if (!res.success) throw corrupt(hash, `chunk record: ${v.summarize(res.issues)}`);
    const c = res.output;
    if (c.column >= schema.length || c.index >= n || slots[c.column][c.index])
      throw corrupt(hash, `unexpected chunk ${c.column}/${c.index}`);
    slots[c.column][c.index] = c;
  }

  const columns: Column[] = schema.map((field, col) => {
    const per = field.kind === 'numeric' ? 8 : 4;
    const values = field.kind === 'numeric' ? new Float64Array(rowCount) : new Int32Array(rowCount);
    const valid = new Uint8Array(rowCount);
    let dictionary: string[] | undefined;
    for (let i = 0; i < n; i++) {
      const c = slots[col][i];
      if (!c) throw corrupt(hash, `column "${field.name}" is missing chunk ${i}`);
      const start = i * CHUNK_ROWS;
      const rows = Math.min(CHUNK_ROWS, rowCount - start);
      if (c.values.byteLength !== rows * per || c.valid.byteLength !== rows)
        throw corrupt(hash, `column "${field.name}" chunk ${i} has the wrong byte length`);
      if (field.kind === 'numeric') values.set(new Float64Array(c.values), start);
      else values.set(new Int32Array(c.values), start);
      valid.set(new Uint8Array(c.valid), start);
      if (i === 0) dictionary = c.dictionary;
    }
    if (field.kind === 'numeric') return { kind: 'numeric', name: field.name, type: field.type, values: values as Float64Array, valid };
    if (!dictionary) throw corrupt(hash, `column "${field.name}" has no dictionary`);
    // Codes index the dictionary; an out-of-range code would surface later as a silent undefined.
    const size = dictionary.length;
    for (let r = 0; r < rowCount; r++) {
      if (valid[r] && (values[r] < 0 || values[r] >= size)) throw corrupt(hash, `column "${field.name}" row ${r} has an unknown code`);
    }
    return { kind: 'string', name: field.name, type: field.type, codes: values as Int32Array, dictionary, valid };
  });
  return { rowCount, columns };
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
