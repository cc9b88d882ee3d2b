/**
 * Where column chunks live. Saving a big import is mostly the structured clone of its chunks into IndexedDB (16 of 36 s
 * for 5M rows × 20 columns), so the repositories (tables.ts, preparations.ts, delete.ts) reach chunks only through this
 * interface, and a faster backing can replace the IndexedDB one in `chunkStore` without touching them.
 *
 * A write or delete has three moments, and every caller goes through all of them in this order:
 *   stage(chunks)   before the caller's IndexedDB transaction opens (nothing may be awaited inside one but IndexedDB);
 *   put / remove    inside that transaction, which spans `tables`;
 *   purge(hashes)   after it committed.
 * The IndexedDB store does its work in put and remove, on the caller's own transaction, so the chunks commit or roll
 * back with the version records (as before this interface). A store backed by files, such as the Origin Private File
 * System, has its own atomicity instead: `tables` is empty; `stage` writes each version's files (content-addressed:
 * the same hash always has the same bytes, so writing them again is harmless); the version record, committed by the
 * caller's transaction, is the commit point — a version exists only once its files do; put and remove do nothing;
 * `purge` deletes the files of removed versions after the commit, skipping a hash that was saved again meanwhile.
 * Files that no version record names (a crash between stage and commit, or before a purge) are orphans such a store
 * sweeps when it opens. `read` then runs outside any transaction; loadTable re-checks the version when chunks are
 * missing, so a load racing a delete still says "not found".
 */
import type { Table as DexieTable } from 'dexie';
import type { ChunkKey, ChunkRecord, EnclaveDB } from './db.ts';

/**
 * A chunk on its way into a store: views into the table's own columns, so a store that writes bytes (files) copies
 * nothing; the IndexedDB store copies each into a record of its own (structured clone would take the whole buffer).
 */
export interface ChunkView {
  hash: string;
  column: number;
  index: number;
  values: Uint8Array;
  valid: Uint8Array;
  dictionary?: string[];
  /** Values are float64 (a numeric column), not int32 codes: a file store may then pack 0/1 values into bits. */
  numeric?: true;
  /**
   * The values already packed, one bit a row (an indicator column, core/indicator-column.ts): a file store writes them
   * as they are, and `values` is made from them only if read.
   */
  bits?: Uint8Array;
}

/** A chunk view as a record of its own (exactly its bytes). */
export function recordOf(c: ChunkView): ChunkRecord {
  const rec: ChunkRecord = { hash: c.hash, column: c.column, index: c.index, values: c.values.slice().buffer, valid: c.valid.slice().buffer };
  if (c.dictionary) rec.dictionary = c.dictionary;
  return rec;
}

export interface ReadOptions {
  /** Chunks the store holds as bits (0/1 values) may come as `bits` instead of `values` (ChunkRecord.bits). */
  bits?: boolean;
}

/** A chunk's place in its version: [column, chunk index]. */
export type ChunkAt = readonly [column: number, index: number];

export interface ChunkStore {
  /** IndexedDB tables the caller's write transaction must span so that put and remove commit with it. */
  readonly tables: readonly DexieTable[];
  /**
   * Before the caller's transaction: the chunks of versions it may save (it may then find a version already stored).
   * Resolves to true when this call alone stored them (a file store: `put` needs nothing, and the caller may let the
   * table go before its transaction); anything else means `put` needs the chunks.
   */
  stage(chunks: readonly ChunkView[]): Promise<boolean | void>;
  /** Inside the caller's transaction: these chunks belong to versions it saves. */
  put(chunks: readonly ChunkView[]): Promise<void>;
  /**
   * Every stored chunk of a version, in any order (the caller checks the set against the version's schema); with
   * `keys`, at least the chunks at those [column, chunk index] (a store may return more; a missing one is left out).
   */
  read(hash: string, keys?: readonly ChunkAt[], opts?: ReadOptions): Promise<ChunkRecord[]>;
  /** Inside the caller's transaction: the chunks of these versions go with it. */
  remove(hashes: readonly string[]): Promise<void>;
  /** After the caller's transaction committed: what remove left to do outside it. */
  purge(hashes: readonly string[]): Promise<void>;
}

/** Chunks as records of the `chunks` table (key [hash+column+index], indexed by hash), written in the caller's transaction. */
export function indexedDbChunks(db: EnclaveDB): ChunkStore {
  return {
    // Dexie runs these on the caller's transaction when one spanning `chunks` is open (its zone), else on their own.
    tables: [db.chunks],
    stage: async () => false,
    put: async (chunks) => {
      // Copied here, inside the transaction (synchronous work keeps it open), so a file store copies nothing.
      await db.chunks.bulkPut(chunks.map(recordOf));
    },
    read: async (hash, keys) => {
      if (!keys) return db.chunks.where('hash').equals(hash).toArray();
      const found = await db.chunks.bulkGet(keys.map(([column, index]): ChunkKey => [hash, column, index]));
      return found.filter((c): c is ChunkRecord => c !== undefined);
    },
    remove: async (hashes) => {
      if (hashes.length) await db.chunks.where('hash').anyOf(hashes as string[]).delete();
    },
    purge: async () => {}
  };
}

const stores = new WeakMap<EnclaveDB, ChunkStore>();

/** The chunk store of a database (IndexedDB unless another was set). */
export function chunkStore(db: EnclaveDB): ChunkStore {
  let s = stores.get(db);
  if (!s) stores.set(db, (s = indexedDbChunks(db)));
  return s;
}

/** Backs a database's chunks with another store (a faster one, or a test's). Set it before the first read or write. */
export function setChunkStore(db: EnclaveDB, store: ChunkStore): void {
  stores.set(db, store);
}
