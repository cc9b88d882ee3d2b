/**
 * Reading a stored version back as a Table: all of it (loadTable), or a window of its rows (loadRows, for previews:
 * only the chunks the window touches, plus each text column's first chunk, which holds its dictionary). Every chunk is
 * checked against the version's row count and schema.
 */
import * as v from 'valibot';
import { EnclaveError } from '../core/errors.ts';
import type { Column, Table } from '../core/table.ts';
import { expandBits, indicatorColumn } from '../core/indicator-column.ts';
import { chunkStore, type ChunkAt } from './chunk-store.ts';
import { allPresent as allPresentBytes, presentMask } from './opfs-chunk-encoding.ts';
import type { ChunkRecord, EnclaveDB } from './db.ts';
import { CHUNK_ROWS, ChunkSchema, chunkCount, corrupt, parseVersion } from './tables.ts';

type Version = ReturnType<typeof parseVersion>;

const noVersion = (hash: string) => new EnclaveError('not-found', `No stored version ${hash.slice(0, 12)}.`, { hash });

/** Reassembles a stored version into a Table. */
export async function loadTable(db: EnclaveDB, hash: string): Promise<Table> {
  const version = await versionOf(db, hash);
  // Read apart from the version record (a chunk store need not be IndexedDB): chunks missing because the version was
  // deleted meanwhile mean "not found", not "damaged".
  const chunks = await chunkStore(db).read(hash);
  return orNotFound(db, hash, () => assemble(hash, version, chunks, 0, version.rowCount));
}

/** Rows [start, start + count) of a stored version (fewer at its end), and its whole row count. */
export async function loadRows(db: EnclaveDB, hash: string, start: number, count: number): Promise<{ table: Table; rowCount: number }> {
  const version = await versionOf(db, hash);
  const end = Math.min(version.rowCount, start + count);
  const from = Math.min(start, end);
  const first = Math.floor(from / CHUNK_ROWS);
  const last = Math.max(first, Math.ceil(end / CHUNK_ROWS) - 1);
  const keys: ChunkAt[] = [];
  version.schema.forEach((field, column) => {
    if (field.kind === 'string' && first > 0) keys.push([column, 0]);
    for (let i = first; i <= last; i++) keys.push([column, i]);
  });
  const chunks = await chunkStore(db).read(hash, keys);
  const table = await orNotFound(db, hash, () => assemble(hash, version, chunks, from, end));
  return { table, rowCount: version.rowCount };
}

async function versionOf(db: EnclaveDB, hash: string): Promise<Version> {
  const raw = await db.versions.get(hash);
  if (raw === undefined) throw noVersion(hash);
  return parseVersion(hash, raw);
}

async function orNotFound<T>(db: EnclaveDB, hash: string, read: () => T): Promise<T> {
  try {
    return read();
  } catch (err) {
    if (err instanceof EnclaveError && err.code === 'storage' && (await db.versions.get(hash)) === undefined) throw noVersion(hash);
    throw err;
  }
}

/** Rows [from, to) of the version from its chunks: every chunk those rows touch must be there and well formed. */
function assemble(hash: string, version: Version, rawChunks: unknown[], from: number, to: number): Table {
  const rows = to - from;
  const slots = slotChunks(hash, version, rawChunks);
  const columns: Column[] = version.schema.map((_, col) => assembleColumn(hash, version, slots[col], col, from, to));
  return { rowCount: rows, columns };
}

/** Every chunk slotted by (column, index); anything out of place means the record set is damaged. */
function slotChunks(hash: string, version: Version, rawChunks: unknown[]): (ChunkRecord | undefined)[][] {
  const n = chunkCount(version.rowCount);
  const slots: (ChunkRecord | undefined)[][] = version.schema.map(() => new Array<ChunkRecord | undefined>(n));
  for (const rc of rawChunks) {
    const res = v.safeParse(ChunkSchema, rc);
    if (!res.success) throw corrupt(hash, `chunk record: ${v.summarize(res.issues)}`);
    const c = res.output;
    if (c.column >= version.schema.length || c.index >= n || slots[c.column][c.index])
      throw corrupt(hash, `unexpected chunk ${c.column}/${c.index}`);
    slots[c.column][c.index] = c;
  }
  return slots;
}

/**
 * Column `name` of a stored version, read alone (only its chunks), or null when the version has no such column. For
 * readers that go one column at a time (load-dataset.ts), so a whole table is never in memory at once.
 */
export async function loadColumn(db: EnclaveDB, hash: string, name: string): Promise<Column | null> {
  return (await loadColumns(db, hash, [name]))[0];
}

/**
 * Columns `names` of a stored version, read together (only their chunks, one version record and one read for them
 * all), each null when the version has no such column.
 */
export async function loadColumns(db: EnclaveDB, hash: string, names: readonly string[]): Promise<(Column | null)[]> {
  const version = await versionOf(db, hash);
  const at = names.map((name) => version.schema.findIndex((f) => f.name === name));
  const n = chunkCount(version.rowCount);
  const keys: ChunkAt[] = [];
  for (const col of new Set(at)) if (col >= 0) for (let i = 0; i < n; i++) keys.push([col, i]);
  if (!keys.length) return at.map(() => null);
  // 0/1 chunks as bits where the store keeps them so: such a column is read as an indicator column, never unpacked.
  const chunks = await chunkStore(db).read(hash, keys, { bits: true });
  return orNotFound(db, hash, () => {
    const slots = slotChunks(hash, version, chunks);
    // Indicator columns with every row present share one validity mask (at 3M rows × 120 one-hot columns, 0.36 GB
    // of 1s made and copied otherwise).
    let present: Uint8Array | undefined;
    const allPresent = () => (present ??= new Uint8Array(version.rowCount).fill(1));
    return at.map((col) => (col < 0 ? null : assembleColumn(hash, version, slots[col], col, 0, version.rowCount, allPresent)));
  });
}

/** The column names and row count of a stored version. */
export async function versionShape(db: EnclaveDB, hash: string): Promise<{ rowCount: number; columns: { name: string; kind: 'numeric' | 'string' }[] }> {
  const version = await versionOf(db, hash);
  return { rowCount: version.rowCount, columns: version.schema.map((f) => ({ name: f.name, kind: f.kind })) };
}

/**
 * Column `col`'s rows [from, to) from its chunks (slotted by chunk index); every chunk those rows touch must be there.
 * `allPresent`: a validity mask of every row present that an indicator column read whole may share with others.
 */
function assembleColumn(hash: string, version: Version, chunks: (ChunkRecord | undefined)[], col: number, from: number, to: number, allPresent?: () => Uint8Array): Column {
  const { rowCount } = version;
  const field = version.schema[col];
  const first = Math.floor(from / CHUNK_ROWS);
  const last = to > from ? Math.ceil(to / CHUNK_ROWS) - 1 : first;
  const rows = to - from;
  const per = field.kind === 'numeric' ? 8 : 4;
  // A whole integer or float column stored as bits, every row present, is read as an indicator column.
  const whole = from === 0 && to === rowCount && (field.type === 'integer' || field.type === 'float');
  const bitsOnly = whole && chunks.slice(first, last + 1).every((c) => c?.bits);
  const values = bitsOnly ? null : field.kind === 'numeric' ? new Float64Array(rows) : new Int32Array(rows);
  const bits = bitsOnly ? new Uint8Array((rows + 7) >> 3) : null;
  const shared = bitsOnly && allPresent && chunks.slice(first, last + 1).every((c, k) => chunkPresent(c!.valid, Math.min(CHUNK_ROWS, rowCount - (first + k) * CHUNK_ROWS)));
  const valid = shared ? allPresent() : new Uint8Array(rows);
  for (let i = first; i <= last; i++) {
    const c = chunks[i];
    if (!c) throw corrupt(hash, `column "${field.name}" is missing chunk ${i}`);
    const start = i * CHUNK_ROWS;
    const size = Math.min(CHUNK_ROWS, rowCount - start);
    const packed = c.bits && field.kind === 'numeric' ? new Uint8Array(c.bits) : null;
    if ((packed ? packed.byteLength !== (size + 7) >> 3 || c.values.byteLength !== 0 : c.values.byteLength !== size * per) || c.valid.byteLength !== size)
      throw corrupt(hash, `column "${field.name}" chunk ${i} has the wrong byte length`);
    // The part of this chunk inside [from, to), placed at its offset in the window.
    const lo = Math.max(from, start) - start, hi = Math.min(to, start + size) - start;
    const at = start + lo - from;
    if (bits) bits.set(packed!, start >> 3); // CHUNK_ROWS is a multiple of 8: each chunk starts on a byte
    else if (packed) values!.set(expandBits(packed, hi, lo), at);
    else if (field.kind === 'numeric') values!.set(new Float64Array(c.values, lo * 8, hi - lo), at);
    else values!.set(new Int32Array(c.values, lo * 4, hi - lo), at);
    if (!shared) valid.set(new Uint8Array(c.valid, lo, hi - lo), at);
  }
  if (field.kind === 'numeric') {
    if (bits && (shared || allOnes(valid))) return indicatorColumn(field.name, bits, valid, rows, field.type);
    return { kind: 'numeric', name: field.name, type: field.type, values: bits ? expandBits(bits, rows) : (values as Float64Array), valid };
  }
  // Only chunk 0 of a text column carries the dictionary.
  const dictionary = chunks[0]?.dictionary;
  if (!dictionary) throw corrupt(hash, `column "${field.name}" has no dictionary`);
  // Codes index the dictionary; an out-of-range code would surface later as a silent undefined.
  const size = dictionary.length;
  const codes = values as Int32Array;
  for (let r = 0; r < rows; r++) {
    if (valid[r] && (codes[r] < 0 || codes[r] >= size)) throw corrupt(hash, `column "${field.name}" row ${from + r} has an unknown code`);
  }
  return { kind: 'string', name: field.name, type: field.type, codes, dictionary, valid };

}

/** Whether a chunk's validity mask (of `rows` rows) is all 1s: the store's shared all-present mask at once, any other by its bytes. */
function chunkPresent(valid: ArrayBuffer, rows: number): boolean {
  return valid.byteLength === rows && (valid === presentMask(rows) || allPresentBytes(new Uint8Array(valid)));
}

function allOnes(valid: Uint8Array): boolean {
  for (let i = 0; i < valid.length; i++) if (valid[i] !== 1) return false;
  return true;
}
