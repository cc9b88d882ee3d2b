/**
 * The largest file the studio will try to import. A columnar table needs roughly 1–3× the file's size in memory, and a
 * tab that runs out dies without a word, so we refuse early with a clear message. `enclave:maxImportBytes` in
 * localStorage overrides the default (for people with big machines, and for tests).
 */
export function importLimitBytes(): number {
  const override = Number(globalThis.localStorage?.getItem('enclave:maxImportBytes'));
  if (Number.isFinite(override) && override > 0) return override;
  const gib = (navigator as Navigator & { deviceMemory?: number }).deviceMemory ?? 4;
  return Math.min(2 ** 31, (gib * 2 ** 30) / 4);
}
