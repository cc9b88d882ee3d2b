/**
 * What the studio will try to import on this device, decided before a byte is read: a tab that runs out of memory dies
 * without a word, and a save that runs out of storage fails after the whole read. Both are refused up front, each with
 * a message that says which limit and by how much.
 */
import { formatBytes } from './format.ts';

/**
 * The largest file the studio will try to import. A columnar table needs roughly 1–3× the file's size in memory, so
 * the limit is a quarter of the device's memory (`navigator.deviceMemory`, which browsers round down and cap at 8 GiB;
 * 4 GiB when unknown), at most 2 GiB. `enclave:maxImportBytes` in localStorage overrides it (for people with big
 * machines, and for tests).
 */
export function importLimitBytes(): number {
  const override = Number(globalThis.localStorage?.getItem('enclave:maxImportBytes'));
  if (Number.isFinite(override) && override > 0) return override;
  const gib = (globalThis.navigator as (Navigator & { deviceMemory?: number }) | undefined)?.deviceMemory ?? 4;
  return Math.min(2 ** 31, (gib * 2 ** 30) / 4);
}

/** Storage this origin may still use, from `navigator.storage.estimate()`; null when the browser doesn't say. */
export async function storageLeftBytes(storage: Pick<StorageManager, 'estimate'> | undefined = globalThis.navigator?.storage): Promise<{ left: number; quota: number; usage: number } | null> {
  try {
    const e = await storage?.estimate();
    if (!e || typeof e.quota !== 'number' || !(e.quota > 0)) return null;
    const usage = typeof e.usage === 'number' && e.usage >= 0 ? e.usage : 0;
    return { left: Math.max(0, e.quota - usage), quota: e.quota, usage };
  } catch {
    return null; // an estimate that fails is no reason to refuse a file
  }
}

/**
 * Why this file can't be imported here, or null when it may be. The stored columns take at least the file's size
 * (numbers as 8-byte floats; 1.6× the file for bench/scale's 5M-row CSV), so a file larger than the storage left is
 * refused: the save would fail after the whole read.
 */
export async function importRefusal(name: string, size: number, storage?: Pick<StorageManager, 'estimate'>): Promise<string | null> {
  const limit = importLimitBytes();
  if (size > limit) return `${name} is too large for this device: it is ${formatBytes(size)}, and at most ${formatBytes(limit)} fits safely in this browser's memory here. Split the file, or use a machine with more memory.`;
  const left = await storageLeftBytes(storage ?? globalThis.navigator?.storage);
  if (left && size > left.left)
    return `${name} is larger than the storage this browser has left for the studio: it is ${formatBytes(size)}, and ${formatBytes(left.left)} is free (${formatBytes(left.usage)} of ${formatBytes(left.quota)} used). Delete datasets or models you no longer need, or free disk space, then try again.`;
  return null;
}
