/**
 * Shared by the seeded data generators (bench/<name>/generate.ts): a large file written once, through a temporary name,
 * with a sidecar <name>.meta.json that says what it holds, and reused while that sidecar is current.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A generator's files, beside the module at `moduleUrl` (its import.meta.url): data/`name` and data/<stem>.meta.json. */
export function dataFiles(moduleUrl: string, name: string): { dir: string; path: string; meta: string } {
  const dir = join(dirname(fileURLToPath(moduleUrl)), 'data');
  return { dir, path: join(dir, name), meta: join(dir, name.replace(/\.[^.]+$/, '.meta.json')) };
}

/** What a sidecar records, and how this call got the file: found on disk, or generated now in `seconds`. */
export interface DataFile {
  path: string;
  bytes: number;
  rows: number;
  columns: number;
  seed: number;
  version: number;
  generated: boolean;
  seconds: number;
}

/** The file as its sidecar describes it, when `current` accepts the sidecar and the file has its size; else null. */
export function existingFile<M extends { bytes: number }>(path: string, metaPath: string, current: (meta: M) => boolean): (M & { path: string; generated: false; seconds: 0 }) | null {
  let meta: M | null;
  try {
    meta = JSON.parse(readFileSync(metaPath, 'utf8'));
  } catch {
    return null;
  }
  if (!meta || !current(meta) || !existsSync(path)) return null;
  if (statSync(path).size !== meta.bytes) return null;
  return { ...meta, path, generated: false, seconds: 0 };
}

/**
 * Writes `path` through `path.partial`, renamed when complete: `write` emits lines (one byte a character: ASCII),
 * flushed 4 MiB at a time, and `written()` counts the bytes so far. Returns the bytes written, checked on disk.
 */
export function writeLines(path: string, write: (emit: (line: string) => void, written: () => number) => void): number {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.partial`;
  const fd = openSync(tmp, 'w');
  const FLUSH_CHARS = 4 << 20;
  let buf: string[] = [];
  let pending = 0;
  let bytes = 0;
  const flush = () => {
    if (!pending) return;
    writeSync(fd, Buffer.from(buf.join(''), 'latin1'));
    buf = [];
    pending = 0;
  };
  const emit = (line: string) => {
    buf.push(line);
    pending += line.length;
    bytes += line.length;
    if (pending >= FLUSH_CHARS) flush();
  };
  try {
    write(emit, () => bytes);
    flush();
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  if (statSync(path).size !== bytes) throw new Error(`generate: wrote ${statSync(path).size} bytes, expected ${bytes}`);
  return bytes;
}

/** The file `existing()` finds, else a new one from `generate()`; says which in `data: …` lines. */
export function ensureFile<T extends DataFile>(path: string, seed: number, existing: () => T | null, generate: () => T, log: (s: string) => void, found = 'exists'): T {
  const have = existing();
  if (have) {
    log(`data: ${have.path} ${found} (${have.bytes.toLocaleString('en')} bytes, ${have.rows.toLocaleString('en')} rows): not regenerated`);
    return have;
  }
  log(`data: generating ${path} (seed ${seed}) ...`);
  const made = generate();
  log(`data: wrote ${made.bytes.toLocaleString('en')} bytes, ${made.rows.toLocaleString('en')} rows × ${made.columns} columns in ${made.seconds.toFixed(1)} s`);
  return made;
}
