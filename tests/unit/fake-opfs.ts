/**
 * An in-memory Origin Private File System for Node tests (not a test file): directories, files with a clock-driven
 * lastModified, synchronous access handles (as in a dedicated worker), writable streams (as on the page) and move.
 * Errors are DOMExceptions named as the browsers name them. Knobs: `sync` / `writable` / `movable` remove those
 * abilities; `failWritesAfter` makes the next writes stop after n calls (a crash in the middle of a file).
 */
import type { DirectoryEntry, FileEntry } from '../../src/lib/store/opfs-chunks.ts';
import type { SyncHandle, WritableHandle } from '../../src/lib/store/opfs-chunk-file.ts';

export interface FakeFile { bytes: Uint8Array; lastModified: number }

export interface FakeOptions {
  now?: () => number;
  sync?: boolean;
  writable?: boolean;
  movable?: boolean;
}

const notFound = (name: string) => new DOMException(`${name} not found`, 'NotFoundError');

function grow(file: FakeFile, at: number, data: Uint8Array): void {
  if (at + data.byteLength > file.bytes.byteLength) {
    const bigger = new Uint8Array(at + data.byteLength);
    bigger.set(file.bytes);
    file.bytes = bigger;
  }
  file.bytes.set(data, at);
}

export class FakeDirectory implements DirectoryEntry {
  readonly files = new Map<string, FakeFile>();
  readonly dirs = new Map<string, FakeDirectory>();
  /** Writes left before the fake "crashes" (throws); undefined: never. */
  failWritesAfter: number | undefined;
  /** What a synchronous write answers once the quota is full (Chromium: a count that is not the length). */
  quotaBytes: number | undefined;

  constructor(readonly options: FakeOptions = {}) {}

  now(): number {
    return this.options.now?.() ?? Date.now();
  }

  async getDirectoryHandle(name: string, options?: { create?: boolean }): Promise<FakeDirectory> {
    let d = this.dirs.get(name);
    if (!d) {
      if (!options?.create) throw notFound(name);
      this.dirs.set(name, (d = new FakeDirectory(this.options)));
    }
    return d;
  }

  async getFileHandle(name: string, options?: { create?: boolean }): Promise<FileEntry> {
    if (!this.files.has(name)) {
      if (!options?.create) throw notFound(name);
      this.files.set(name, { bytes: new Uint8Array(0), lastModified: this.now() });
    }
    return this.handle(name);
  }

  /** Every Blob read of a file here, as [name, start, end] (what a test counts). */
  readonly reads: [string, number, number][] = [];

  /** Names another context holds open: removing them fails as in the browsers. */
  readonly locked = new Set<string>();

  async removeEntry(name: string): Promise<void> {
    if (this.locked.has(name)) throw new DOMException(`${name} is open elsewhere`, 'NoModificationAllowedError');
    if (!this.files.delete(name) && !this.dirs.delete(name)) throw notFound(name);
  }

  async *keys(): AsyncIterable<string> {
    for (const k of [...this.files.keys(), ...this.dirs.keys()]) yield k;
  }

  private tick(): void {
    if (this.failWritesAfter === undefined) return;
    if (this.failWritesAfter-- <= 0) throw new DOMException('the disk went away', 'InvalidStateError');
  }

  private handle(name: string): FileEntry {
    const dir = this;
    let current = name;
    const file = () => {
      const f = dir.files.get(current);
      if (!f) throw notFound(current);
      return f;
    };
    const entry: FileEntry = {
      getFile: async () => {
        const f = file();
        const blob = new File([f.bytes.slice()], current, { lastModified: f.lastModified });
        const slice = blob.slice.bind(blob);
        blob.slice = (start?: number, end?: number, type?: string) => {
          dir.reads.push([current, start ?? 0, end ?? blob.size]);
          return slice(start, end, type);
        };
        return blob;
      }
    };
    if (this.options.sync !== false) {
      entry.createSyncAccessHandle = async (): Promise<SyncHandle> => ({
        write: (buffer, { at }) => {
          dir.tick();
          const f = file();
          if (dir.quotaBytes !== undefined && at + buffer.byteLength > dir.quotaBytes) return 4294967288;
          grow(f, at, buffer);
          f.lastModified = dir.now();
          return buffer.byteLength;
        },
        truncate: (size) => {
          const f = file();
          f.bytes = f.bytes.slice(0, size);
        },
        flush: () => {},
        close: () => {}
      });
    }
    if (this.options.writable !== false) {
      // As in the browsers: writes go to a swap copy that replaces the file only on close.
      entry.createWritable = async (): Promise<WritableHandle> => {
        const swap: FakeFile = { bytes: new Uint8Array(0), lastModified: 0 };
        return {
          write: async ({ position, data }) => {
            dir.tick();
            grow(swap, position, data);
          },
          close: async () => {
            const f = file();
            f.bytes = swap.bytes;
            f.lastModified = dir.now();
          },
          abort: async () => {}
        };
      };
    }
    if (this.options.movable !== false) {
      entry.move = async (target, newName) => {
        const f = file();
        if (target !== dir) throw new Error('the fake moves within one directory only');
        dir.files.delete(current);
        dir.files.set(newName, f); // replaces an existing file, as Chromium does
        current = newName;
      };
    }
    return entry;
  }
}
