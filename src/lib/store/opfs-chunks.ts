/**
 * A ChunkStore on the Origin Private File System (see chunk-store.ts for the protocol and opfs-chunk-file.ts for the
 * file format). `stage` writes each version's file under a temporary name and moves it into place, so a reader never
 * sees half a file; the version record committed by the caller is the commit point; `purge` deletes the files of
 * removed versions after the commit; files no version names are swept when the store opens.
 *
 * Versions saved by older builds keep their chunks in IndexedDB's `chunks` table: `read` falls back to it when no file
 * exists, and `remove` deletes from it inside the caller's transaction (hence `tables`). Nothing is migrated.
 */
import { EnclaveError } from '../core/errors.ts';
import { indexedDbChunks, type ChunkStore, type ChunkView } from './chunk-store.ts';
import type { EnclaveDB } from './db.ts';
import {
  chunkFileName, layoutChunkFile, readChunkFile, readHeader, TORN, writeStream, writeSync, type ChunkFileHeader, type SyncHandle, type WritableHandle
} from './opfs-chunk-file.ts';

/** What of FileSystemFileHandle this store uses (the DOM typings lack the sync handle; tests pass a fake). */
export interface FileEntry {
  getFile(): Promise<Blob & { lastModified: number }>;
  createSyncAccessHandle?(): Promise<SyncHandle>;
  createWritable?(): Promise<WritableHandle>;
  move?(directory: DirectoryEntry, name: string): Promise<void>;
}

/** What of FileSystemDirectoryHandle this store uses. */
export interface DirectoryEntry {
  getFileHandle(name: string, options?: { create?: boolean }): Promise<FileEntry>;
  removeEntry(name: string): Promise<void>;
  keys(): AsyncIterable<string>;
  getDirectoryHandle(name: string, options?: { create?: boolean }): Promise<DirectoryEntry>;
}

export interface OpfsChunkOptions {
  /** Clock (ms since the epoch), for tests. */
  now?: () => number;
  /** Files older than this that no version names are orphans (a stage in another worker is younger). Default 1 hour. */
  graceMs?: number;
  /**
   * purge leaves a file written this recently before it began: a save of the same content may be about to commit it
   * (the sweep takes it later if not). Default 3 s.
   */
  recentMs?: number;
}

export interface OpfsChunkStore extends ChunkStore {
  /** Deletes orphaned files (and abandoned temporary ones); returns how many. */
  sweep(): Promise<number>;
  /** Whether this context can write a file here (a browser may list the folder yet refuse writes, or lack the API). */
  canWrite(): Promise<boolean>;
}

/** Parsed headers kept, of the versions read most recently (~100 bytes a chunk: under 1 MB for 6,000 chunks). */
const HEADERS_KEPT = 8;

const isMissing = (err: unknown) => {
  const name = (err as { name?: string } | null)?.name;
  return name === 'NotFoundError' || name === 'NotReadableError';
};

/** Runs `fn` holding a lock on one version's file, where Web Locks exist (browsers); directly elsewhere. */
function withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as (Navigator & { locks?: LockManager }) | undefined)?.locks;
  return locks ? (locks.request(name, fn) as Promise<T>) : fn();
}

export function opfsChunks(db: EnclaveDB, dir: DirectoryEntry, options: OpfsChunkOptions = {}): OpfsChunkStore {
  const idb = indexedDbChunks(db);
  const now = options.now ?? Date.now;
  const graceMs = options.graceMs ?? 3_600_000;
  const recentMs = options.recentMs ?? 3_000;
  const lockName = (hash: string) => `enclave-chunks:${db.name}:${hash}`;
  // loadColumn reads a version one column at a time: without this, each read fetched and parsed the whole header
  // again (6,000 entries at 3M rows × 137 columns). Kept per file size and lastModified, so a file written again (by
  // any context) is read afresh.
  const headers = new Map<string, { size: number; lastModified: number; header: ChunkFileHeader }>();

  async function headerOf(file: Blob & { lastModified: number }, hash: string): Promise<ChunkFileHeader | typeof TORN> {
    const kept = headers.get(hash);
    headers.delete(hash);
    if (kept && kept.size === file.size && kept.lastModified === file.lastModified) {
      headers.set(hash, kept); // most recent last
      return kept.header;
    }
    const header = await readHeader(file, hash);
    if (header === TORN) return TORN;
    headers.set(hash, { size: file.size, lastModified: file.lastModified, header });
    for (const old of headers.keys()) {
      if (headers.size <= HEADERS_KEPT) break;
      headers.delete(old);
    }
    return header;
  }

  async function fileOf(hash: string): Promise<(Blob & { lastModified: number }) | undefined> {
    try {
      return await (await dir.getFileHandle(chunkFileName(hash))).getFile();
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async function removeQuietly(name: string): Promise<void> {
    await dir.removeEntry(name).catch((err: unknown) => {
      if (!isMissing(err)) throw err;
    });
  }

  async function writeVersion(hash: string, chunks: ChunkView[]): Promise<void> {
    headers.delete(hash);
    const layout = layoutChunkFile(hash, chunks);
    const final = chunkFileName(hash);
    let name = `${hash}.${crypto.randomUUID()}.tmp`;
    let handle = await dir.getFileHandle(name, { create: true });
    // Where files cannot be moved, write in place: a file cut short is then recognised as torn when read.
    const canMove = typeof handle.move === 'function';
    if (!canMove) {
      await removeQuietly(name);
      handle = await dir.getFileHandle((name = final), { create: true });
    }
    try {
      if (handle.createSyncAccessHandle) {
        const sync = await handle.createSyncAccessHandle();
        try {
          writeSync(sync, name, layout);
        } finally {
          sync.close();
        }
      } else if (handle.createWritable) {
        await writeStream(await handle.createWritable(), layout);
      } else {
        throw new EnclaveError('storage', 'This browser cannot write files to its private storage.');
      }
      if (canMove) {
        await withLock(lockName(hash), async () => {
          // move replaces an existing file in Chromium; where it refuses, the old copy (same bytes) goes first.
          await handle.move!(dir, final).catch(async () => {
            await removeQuietly(final);
            await handle.move!(dir, final);
          });
        });
      }
    } catch (err) {
      await removeQuietly(name).catch(() => undefined);
      throw err;
    }
  }

  return {
    tables: idb.tables,
    stage: async (chunks) => {
      const byHash = new Map<string, ChunkView[]>();
      for (const c of chunks) {
        const list = byHash.get(c.hash);
        if (list) list.push(c);
        else byHash.set(c.hash, [c]);
      }
      // Always written, even when a file exists: a purge racing this save judges by the file's age (see purge).
      for (const [hash, list] of byHash) await writeVersion(hash, list);
      return true;
    },
    put: async () => {},
    read: async (hash, keys, opts) => {
      const file = await fileOf(hash);
      if (file) {
        try {
          const header = await headerOf(file, hash);
          const chunks = header === TORN ? TORN : await readChunkFile(file, hash, keys, header, opts?.bits);
          if (chunks !== TORN) return chunks;
        } catch (err) {
          // Deleted while being read: as if it were never there (loadTable then re-checks the version).
          if (!isMissing(err)) throw err;
        }
      }
      return idb.read(hash, keys);
    },
    remove: (hashes) => idb.remove(hashes),
    purge: async (hashes) => {
      const started = now();
      for (const hash of hashes) {
        await withLock(lockName(hash), async () => {
          if (await db.versions.get(hash)) return; // saved again meanwhile
          const file = await fileOf(hash);
          if (!file || file.lastModified >= started - recentMs) return;
          headers.delete(hash);
          // The delete has committed: a file that cannot go now (open in another context) is the sweep's to remove.
          await removeQuietly(chunkFileName(hash)).catch(() => undefined);
        });
      }
    },
    canWrite: async () => {
      const name = `probe-${crypto.randomUUID()}.tmp`;
      const byte = new Uint8Array(1);
      try {
        const handle = await dir.getFileHandle(name, { create: true });
        if (handle.createSyncAccessHandle) {
          const sync = await handle.createSyncAccessHandle();
          try {
            return sync.write(byte, { at: 0 }) === 1;
          } finally {
            sync.close();
          }
        }
        if (!handle.createWritable) return false;
        await writeStream(await handle.createWritable(), { size: 1, parts: [{ at: 0, bytes: byte }] });
        return true;
      } catch {
        return false;
      } finally {
        await removeQuietly(name).catch(() => undefined);
      }
    },
    sweep: async () => {
      const names: string[] = [];
      for await (const name of dir.keys()) names.push(name);
      let removed = 0;
      for (const name of names) {
        const hash = name.slice(0, name.indexOf('.'));
        if (!hash || !(name.endsWith('.chunks') || name.endsWith('.tmp'))) continue;
        await withLock(lockName(hash), async () => {
          let modified: number;
          try {
            modified = (await (await dir.getFileHandle(name)).getFile()).lastModified;
          } catch (err) {
            if (isMissing(err)) return;
            throw err;
          }
          if (now() - modified < graceMs) return;
          if (name.endsWith('.chunks') && (await db.versions.get(hash))) return;
          // A file another context holds open cannot be removed now; the next sweep tries again.
          if (await removeQuietly(name).then(() => true, () => false)) removed++;
        });
      }
      return removed;
    }
  };
}
