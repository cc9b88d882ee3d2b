import { afterEach, describe, expect, it } from 'vitest';
import { importRefusal, storageLeftBytes } from '../../src/lib/limits.ts';

const MB = 1024 * 1024;
const storage = (quota: number | undefined, usage: number | undefined) => ({ estimate: async () => ({ quota, usage }) as StorageEstimate });

describe('importRefusal', () => {
  afterEach(() => {
    (globalThis as { localStorage?: unknown }).localStorage = undefined;
  });

  it('refuses a file larger than the storage left, naming the file, its size and what is free', async () => {
    const msg = await importRefusal('claims.csv', 600 * MB, storage(1000 * MB, 500 * MB));
    expect(msg).toMatch(/claims\.csv is larger than the storage/);
    expect(msg).toContain('600.0 MB');
    expect(msg).toContain('500.0 MB is free');
  });

  it('accepts a file that fits in the storage left', async () => {
    expect(await importRefusal('claims.csv', 400 * MB, storage(1000 * MB, 500 * MB))).toBeNull();
  });

  it('accepts when the browser gives no estimate (or the estimate fails)', async () => {
    expect(await importRefusal('a.csv', 10 * MB, storage(undefined, undefined))).toBeNull();
    expect(await importRefusal('a.csv', 10 * MB, { estimate: () => Promise.reject(new Error('denied')) })).toBeNull();
  });

  it('refuses a file over the memory limit before asking about storage', async () => {
    (globalThis as { localStorage?: unknown }).localStorage = { getItem: (k: string) => (k === 'enclave:maxImportBytes' ? '1000' : null) };
    let asked = false;
    const msg = await importRefusal('big.csv', 2000, { estimate: async () => ((asked = true), { quota: 1e12, usage: 0 }) });
    expect(msg).toMatch(/big\.csv is too large for this device/);
    expect(asked).toBe(false);
  });
});

describe('storageLeftBytes', () => {
  it('is quota minus usage, never negative', async () => {
    expect(await storageLeftBytes(storage(100, 30))).toEqual({ left: 70, quota: 100, usage: 30 });
    expect(await storageLeftBytes(storage(100, 130))).toEqual({ left: 0, quota: 100, usage: 130 });
  });
});
