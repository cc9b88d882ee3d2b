import { afterEach, describe, expect, it } from 'vitest';
import { importRefusal, memoryBudgetBytes, preparedWidthGuess, prepareNeedBytes, prepareRefusal, storageLeftBytes, trainNeedBytes, trainRefusal } from '../../src/lib/limits.ts';

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

describe('memory refusals before a prepare or a training starts', () => {
  afterEach(() => {
    (globalThis as { localStorage?: unknown }).localStorage = undefined;
    (globalThis as { navigator?: unknown }).navigator = undefined;
  });
  const budget = (bytes: number) => ((globalThis as { localStorage?: unknown }).localStorage = { getItem: (k: string) => (k === 'enclave:memoryBudgetBytes' ? String(bytes) : null) });

  it('estimates what bench/scale measured: 5,000,000 rows × 136 prepared columns ≈ 1 GiB + 4.4 GB', () => {
    expect(prepareNeedBytes(5_000_000, 136)).toBe(2 ** 30 + 5_000_000 * 136 * 6.5);
    expect(trainNeedBytes(4_000_000, 137)).toBe(2 ** 30 + 4_000_000 * 137 * 10);
  });

  it('refuses a prepare whose estimate exceeds the budget, naming rows, columns, both sizes and what to do', () => {
    budget(4 * 2 ** 30);
    const msg = prepareRefusal(5_000_000, 136)!;
    expect(msg).toMatch(/^Preparing 5,000,000 rows into 136 columns needs about 5\.1 GB/);
    expect(msg).toContain('about 4.0 GB on this device');
    expect(msg).toMatch(/sample of the rows/);
    expect(prepareRefusal(500_000, 136)).toBeNull();
  });

  it('refuses a training whose estimate exceeds the budget', () => {
    budget(6 * 2 ** 30);
    expect(trainRefusal(4_000_000, 137)).toMatch(/^Training on 4,000,000 rows \(training and validation\) of 137 columns needs about/);
    expect(trainRefusal(400_000, 137)).toBeNull();
  });

  it('without an override, the budget is three quarters of navigator.deviceMemory (4 GiB when the browser does not say)', () => {
    expect(memoryBudgetBytes()).toBe(3 * 2 ** 30);
    (globalThis as { navigator?: unknown }).navigator = { deviceMemory: 8 };
    expect(memoryBudgetBytes()).toBe(6 * 2 ** 30);
  });
});

describe('preparedWidthGuess', () => {
  const profile = { columns: [{ type: 'float', distinct: 900 }, { type: 'categorical', distinct: 40 }, { type: 'categorical', distinct: 3 }, { type: 'text', distinct: 500 }] };
  it('is the source width without a one-hot step', () => {
    expect(preparedWidthGuess(profile, [{ kind: 'impute', columns: '*numeric' }])).toBe(4);
  });
  it('counts each categorical column as its categories under a one-hot step, capped by maxCategories', () => {
    expect(preparedWidthGuess(profile, [{ kind: 'onehot', columns: '*categorical' }])).toBe(4 + 39 + 2);
    expect(preparedWidthGuess(profile, [{ kind: 'onehot', columns: '*categorical', maxCategories: 30 }])).toBe(4 + 29 + 2);
  });
});
