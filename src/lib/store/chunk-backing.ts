/**
 * Which store backs a database's chunks: files in the Origin Private File System wherever it works (probed once per
 * context), IndexedDB otherwise (Node, old browsers, Firefox's private windows). The page and every worker open the
 * database through db(), which sets this up, so all of them make the same choice.
 *
 * The setting 'chunkStore' (settings table) set to 'indexeddb' sends new versions to IndexedDB even where files work:
 * for measuring one against the other, and as a way out should files misbehave in some browser. Reads and deletes
 * look in both places whatever it says, so versions saved either way stay readable.
 */
import * as v from 'valibot';
import { indexedDbChunks, type ChunkStore } from './chunk-store.ts';
import type { EnclaveDB } from './db.ts';
import { opfsChunks, type DirectoryEntry, type OpfsChunkStore } from './opfs-chunks.ts';
import { getSetting } from './settings.ts';

/** The OPFS folder that holds one folder of chunk files per database. */
const FOLDER = 'enclave-chunks';
export const CHUNK_STORE_SETTING = 'chunkStore';

let probed: Promise<DirectoryEntry | undefined> | undefined;

/** The app's folder in the Origin Private File System, or undefined where there is none that works (probed once). */
export function opfsFolder(): Promise<DirectoryEntry | undefined> {
  return (probed ??= folderIn((globalThis.navigator as Navigator | undefined)?.storage));
}

/** The app's folder under a StorageManager's OPFS root; undefined where it has none or refuses it. */
export async function folderIn(storage: unknown): Promise<DirectoryEntry | undefined> {
  // Optional at run time, whatever the DOM typings say (Node, older browsers).
  const getDirectory = (storage as { getDirectory?: () => Promise<unknown> } | undefined)?.getDirectory;
  if (typeof getDirectory !== 'function') return undefined;
  try {
    // The DOM typings lack keys() and the sync handle; DirectoryEntry names what this store uses of the real thing.
    const top = (await getDirectory.call(storage)) as DirectoryEntry;
    return await top.getDirectoryHandle(FOLDER, { create: true });
  } catch {
    return undefined; // e.g. Firefox's private windows refuse getDirectory
  }
}

interface Choice {
  /**
   * The file store, where OPFS can be listed (reads and purges go through it even when new versions go to IndexedDB:
   * the setting says so, or this context cannot write files, as a page without createWritable).
   */
  files?: OpfsChunkStore;
  writeFiles: boolean;
}

/** The chunk store db() uses: OPFS files where they work, IndexedDB otherwise, with the setting's override. */
export function autoChunks(db: EnclaveDB, folder: () => Promise<DirectoryEntry | undefined> = opfsFolder): ChunkStore {
  const idb = indexedDbChunks(db);
  let chosen: Choice | undefined;
  let choosing: Promise<Choice> | undefined;
  const choice = () =>
    (choosing ??= (async (): Promise<Choice> => {
      const top = await folder();
      const dir = top && (await top.getDirectoryHandle(encodeURIComponent(db.name), { create: true }).catch(() => undefined));
      if (!dir) return (chosen = { writeFiles: false });
      const files = opfsChunks(db, dir);
      const override = await getSetting(db, CHUNK_STORE_SETTING, v.picklist(['indexeddb', 'opfs'])).catch(() => undefined);
      // On open: files a crash or an unfinished purge left behind. In the background: nothing waits on it.
      void files.sweep().catch(() => undefined);
      return (chosen = { files, writeFiles: override !== 'indexeddb' && (await files.canWrite()) });
    })());

  return {
    // IndexedDB's table always: remove deletes the chunks of versions older builds saved there.
    tables: idb.tables,
    stage: async (chunks) => {
      const c = await choice();
      if (!c.writeFiles) return false;
      await c.files!.stage(chunks);
      return true;
    },
    // Inside the caller's transaction nothing but IndexedDB may be awaited: stage has settled the choice by now (a
    // caller that skipped stage gets IndexedDB, which reads find as well).
    put: (chunks) => (chosen?.writeFiles ? Promise.resolve() : idb.put(chunks)),
    read: async (hash, keys, opts) => {
      const c = await choice();
      return c.files ? c.files.read(hash, keys, opts) : idb.read(hash, keys);
    },
    remove: (hashes) => idb.remove(hashes),
    purge: async (hashes) => {
      const c = await choice();
      await c.files?.purge(hashes);
    }
  };
}
