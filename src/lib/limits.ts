/**
 * What the studio will try to import on this device, decided before a byte is read: a tab that runs out of memory dies
 * without a word, and a save that runs out of storage fails after the whole read. Both are refused up front, each with
 * a message that says which limit and by how much.
 */
import { formatBytes } from './format.ts';

/**
 * Cells (rows × columns) from which a table counts as large: its import or prepare gives the data worker's memory back
 * when it ends (bridge/client.ts), and the prepare job neither caches its source nor keeps it past the split.
 */
export const LARGE_TABLE_CELLS = 20_000_000;

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

/**
 * Memory a tab can use for one job here: three quarters of `navigator.deviceMemory` (browsers round it down; 4 GiB
 * when unknown). A browser does not say how much its tab may allocate (bench/scale's Chromium stopped near 16 GB on a
 * 23.5 GiB machine reporting 16). `enclave:memoryBudgetBytes` in localStorage overrides it (tests, big machines).
 */
export function memoryBudgetBytes(): number {
  const override = Number(globalThis.localStorage?.getItem('enclave:memoryBudgetBytes'));
  if (Number.isFinite(override) && override > 0) return override;
  const gib = (globalThis.navigator as (Navigator & { deviceMemory?: number }) | undefined)?.deviceMemory ?? 4;
  return gib * 2 ** 30 * 0.75;
}

/** The tab itself, its workers and the studio's code (bench/scale: 1.0 GB before any data). */
const BASELINE_BYTES = 2 ** 30;

/**
 * Peak memory of preparing `rows` rows into `columns` output columns: 6.5 bytes per cell. The splits are prepared one
 * at a time, so the peak is the prepared train split (60% of the rows, an 8-byte number per cell) with the other splits'
 * source rows — bench/scale measured 4.06 GB over the baseline for 5,000,000 × 137 (5.9 B a cell; 10% more here).
 */
export function prepareNeedBytes(rows: number, columns: number): number {
  return BASELINE_BYTES + rows * columns * 6.5;
}

/**
 * Peak memory of training on `rows` rows (training + validation) of `columns` prepared columns: 10 bytes per cell
 * (the float32 matrices, a few columns being read, the model's own working memory) — bench/scale measured 5.6 B a
 * cell for logistic regression and 8.5 for one MLP epoch at 5,000,000 × 137.
 */
export function trainNeedBytes(rows: number, columns: number): number {
  return BASELINE_BYTES + rows * columns * 10;
}

const formatCount = (n: number) => n.toLocaleString('en');

/** Why preparing this table is refused on this device, or null when it may run. */
export function prepareRefusal(rows: number, columns: number): string | null {
  const need = prepareNeedBytes(rows, columns);
  const budget = memoryBudgetBytes();
  if (need <= budget) return null;
  return `Preparing ${formatCount(rows)} rows into ${formatCount(columns)} columns needs about ${formatBytes(need)} of memory, and this browser can give the studio about ${formatBytes(budget)} on this device: it would run out part way. Prepare a sample of the rows, one-hot fewer categories (a limit on the one-hot step) or drop columns, or use a device with more memory.`;
}

/** Why training on this preparation is refused on this device, or null when it may run. */
export function trainRefusal(rows: number, columns: number): string | null {
  const need = trainNeedBytes(rows, columns);
  const budget = memoryBudgetBytes();
  if (need <= budget) return null;
  return `Training on ${formatCount(rows)} rows (training and validation) of ${formatCount(columns)} columns needs about ${formatBytes(need)} of memory, and this browser can give the studio about ${formatBytes(budget)} on this device: it would run out loading the data. Prepare a sample of the rows or fewer columns, or use a device with more memory.`;
}

/**
 * How many columns a recipe will prepare, guessed from the source profile while the recipe's check has not answered:
 * every column, and with a one-hot step each categorical column's categories (at most its `maxCategories`) in place
 * of the column. The check's own answer, when it has come, is exact and preferred.
 */
export function preparedWidthGuess(profile: { columns: { type: string; distinct: number }[] }, steps: readonly unknown[]): number {
  const onehot = steps.find((s): s is { kind: 'onehot'; maxCategories?: number } => !!s && typeof s === 'object' && (s as { kind?: unknown }).kind === 'onehot');
  let width = profile.columns.length;
  if (!onehot) return width;
  const cap = typeof onehot.maxCategories === 'number' && onehot.maxCategories > 0 ? onehot.maxCategories : Infinity;
  for (const c of profile.columns) if (c.type === 'categorical') width += Math.min(c.distinct, cap) - 1;
  return width;
}
