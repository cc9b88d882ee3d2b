import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BackendName, BackendOptions } from '../../src/lib/ml/backend.ts';
import * as backendModule from '../../src/lib/ml/backend.ts';
import type { RememberedBackend } from '../../src/lib/ml/backend-memory.ts';

/** A store the caller would pass (the settings table in the app): what was written, read back as a copy. */
function memoryStore(initial?: unknown) {
  let value: unknown = initial === undefined ? undefined : structuredClone(initial);
  return {
    writes: 0,
    async read() {
      return value === undefined ? undefined : structuredClone(value);
    },
    async write(v: RememberedBackend) {
      this.writes++;
      value = structuredClone(v);
    },
    get value(): RememberedBackend | undefined {
      return value as RememberedBackend | undefined;
    },
  };
}

/** A measurement that counts its calls and picks `name` (it starts each backend as the real one does). */
function countingMeasure(name: BackendName = 'cpu') {
  const m = {
    calls: 0,
    measure: (async (available, start) => {
      m.calls++;
      for (const b of available) await start(b);
      return { name, trials: available.map((b) => ({ backend: b, ms: b === name ? 1 : 2, ok: true })) };
    }) as NonNullable<BackendOptions['measure']>,
  };
  return m;
}

let initBackend = backendModule.initBackend;
/** A fresh module state, as a new worker has (the tfjs engine itself is shared, as it is one per process anyway). */
async function freshModule() {
  vi.resetModules();
  const m = await import('../../src/lib/ml/backend.ts');
  initBackend = m.initBackend;
  return m;
}

beforeEach(async () => {
  await freshModule();
});
afterAll(async () => {
  await backendModule.initBackend('cpu');
});

describe("initBackend('auto') remembers its measured choice", () => {
  it('does not measure again on the second job in the same worker', async () => {
    const count = countingMeasure('cpu');
    const memory = memoryStore();
    const opts = { memory, measure: count.measure, deviceKey: 'device A' };
    const first = await initBackend('auto', opts);
    expect(first).toMatchObject({ name: 'cpu', source: 'measured' });
    expect(count.calls).toBe(1);
    expect(memory.value).toMatchObject({ version: 1, device: 'device A', name: 'cpu' });
    const second = await initBackend('auto', opts);
    expect(second).toMatchObject({ name: 'cpu', source: 'worker' });
    expect(second.trials).toEqual(first.trials);
    expect(count.calls).toBe(1);
    expect(tf.getBackend()).toBe('cpu');
  });

  it('does not measure in a fresh worker when the store remembers this device', async () => {
    const memory = memoryStore();
    await initBackend('auto', { memory, measure: countingMeasure('wasm').measure, deviceKey: 'device A' });
    await freshModule();
    const count = countingMeasure('cpu');
    const r = await initBackend('auto', { memory, measure: count.measure, deviceKey: 'device A' });
    expect(count.calls).toBe(0);
    expect(r).toMatchObject({ name: 'wasm', source: 'stored' });
    expect(tf.getBackend()).toBe('wasm');
  });

  it('measures again on another device or browser version (another key), and remembers that instead', async () => {
    const memory = memoryStore();
    await initBackend('auto', { memory, measure: countingMeasure('wasm').measure, deviceKey: 'Chrome 126' });
    await freshModule();
    const count = countingMeasure('cpu');
    const r = await initBackend('auto', { memory, measure: count.measure, deviceKey: 'Chrome 127' });
    expect(count.calls).toBe(1);
    expect(r).toMatchObject({ name: 'cpu', source: 'measured' });
    expect(memory.value).toMatchObject({ device: 'Chrome 127', name: 'cpu' });
  });

  it('measures again when asked to (remeasure), in the same worker too', async () => {
    const memory = memoryStore();
    const count = countingMeasure('cpu');
    await initBackend('auto', { memory, measure: count.measure, deviceKey: 'device A' });
    await initBackend('auto', { memory, measure: count.measure, deviceKey: 'device A', remeasure: true });
    expect(count.calls).toBe(2);
    expect(memory.writes).toBe(2);
  });

  it.each([
    ['not an object', 'webgpu'],
    ['an unknown backend', { version: 1, device: 'device A', name: 'metal', trials: [], measuredAt: 1 }],
    ['a choice its own trials do not back', { version: 1, device: 'device A', name: 'wasm', trials: [{ backend: 'wasm', ms: null, ok: false }], measuredAt: 1 }],
    ['another format version', { version: 2, device: 'device A', name: 'wasm', trials: [{ backend: 'wasm', ms: 1, ok: true }], measuredAt: 1 }],
  ])('measures again when the stored value is damaged (%s), saying so', async (_, stored) => {
    const memory = memoryStore(stored);
    const count = countingMeasure('cpu');
    const r = await initBackend('auto', { memory, measure: count.measure, deviceKey: 'device A' });
    expect(count.calls).toBe(1);
    expect(r.source).toBe('measured');
    expect(r.note).toMatch(/remembered backend choice was unreadable/);
    expect(memory.value).toMatchObject({ name: 'cpu', device: 'device A' });
  });

  it('measures again when the remembered backend does not start', async () => {
    const memory = memoryStore({ version: 1, device: 'device A', name: 'webgpu', trials: [{ backend: 'webgpu', ms: 1, ok: true }], measuredAt: 1 });
    const count = countingMeasure('cpu');
    const r = await initBackend('auto', { memory, measure: count.measure, deviceKey: 'device A' });
    expect(count.calls).toBe(1);
    expect(r).toMatchObject({ name: 'cpu', source: 'measured' });
    expect(r.note).toMatch(/WebGPU/);
  });

  it('measures again on the next job after the remembered backend failed mid-job (device lost or non-finite)', async () => {
    const memory = memoryStore();
    const count = countingMeasure('wasm');
    const m = await freshModule();
    await m.initBackend('auto', { memory, measure: count.measure, deviceKey: 'device A' });
    expect(await m.fallbackFrom('wasm')).toBe('cpu');
    expect(memory.value?.failed).toBe(true);
    await m.initBackend('auto', { memory, measure: count.measure, deviceKey: 'device A' });
    expect(count.calls).toBe(2);
    // A new worker reads the failure from the store as well.
    await m.fallbackFrom('wasm');
    const fresh = await freshModule();
    await fresh.initBackend('auto', { memory, measure: count.measure, deviceKey: 'device A' });
    expect(count.calls).toBe(3);
  });

  it('a store that cannot be written does not fail the job: the choice stands, with a note', async () => {
    const memory = { read: async () => undefined, write: async () => Promise.reject(new Error('quota exceeded')) };
    const r = await initBackend('auto', { memory, measure: countingMeasure('cpu').measure, deviceKey: 'device A' });
    expect(r.name).toBe('cpu');
    expect(r.note).toMatch(/could not be saved.*quota exceeded/);
  });

  it('with the real measurement in Node: the second job starts in well under a second', async () => {
    const memory = memoryStore();
    let t0 = performance.now();
    const first = await initBackend('auto', { memory });
    const measuredMs = performance.now() - t0;
    expect(first.source).toBe('measured');
    expect(first.trials.map((t) => t.backend)).toEqual(['wasm', 'cpu']);
    expect(memory.value?.device).toMatch(/^node /);
    t0 = performance.now();
    const second = await initBackend('auto', { memory });
    const workerMs = performance.now() - t0;
    await freshModule();
    t0 = performance.now();
    const third = await initBackend('auto', { memory });
    const storedMs = performance.now() - t0;
    expect([second.source, third.source]).toEqual(['worker', 'stored']);
    expect([second.name, third.name]).toEqual([first.name, first.name]);
    console.log(`initBackend('auto') in Node: measured ${measuredMs.toFixed(0)} ms; remembered in the worker ${workerMs.toFixed(1)} ms; from the store in a fresh module ${storedMs.toFixed(1)} ms`);
    expect(workerMs).toBeLessThan(250);
    expect(storedMs).toBeLessThan(250);
  });
});

describe('the device key', () => {
  const browser = (version: string, gpu: string) => ({
    userAgent: 'Mozilla/5.0 Chrome/127.0.0.0',
    hardwareConcurrency: 8,
    userAgentData: {
      brands: [{ brand: 'Chromium', version: '127' }],
      platform: 'Linux',
      getHighEntropyValues: async () => ({ fullVersionList: [{ brand: 'Chromium', version }], platformVersion: '6.1', architecture: 'x86' }),
    },
    gpu: { requestAdapter: async () => ({ info: { vendor: gpu, architecture: 'ampere', device: '', description: '' } }) },
  });
  const keyIn = async (nav: unknown) => {
    vi.resetModules();
    vi.stubGlobal('navigator', nav);
    try {
      return await (await import('../../src/lib/ml/device-key.ts')).deviceKey(false);
    } finally {
      vi.unstubAllGlobals();
    }
  };

  it('names the browser build, the GPU adapter and the cores: an update or another GPU gives another key', async () => {
    const a = await keyIn(browser('127.0.6533.88', 'nvidia'));
    expect(a).toContain('Chromium/127.0.6533.88');
    expect(a).toContain('gpu=nvidia ampere');
    expect(a).toContain('cores=8');
    expect(a).toMatch(/tfjs=\d/);
    expect(await keyIn(browser('127.0.6533.88', 'nvidia'))).toBe(a);
    expect(await keyIn(browser('127.0.6533.99', 'nvidia'))).not.toBe(a);
    expect(await keyIn(browser('127.0.6533.88', 'intel'))).not.toBe(a);
  });

  it('leaves out what the browser does not answer (no WebGPU adapter, a failing query) rather than fail', async () => {
    const nav = { ...browser('1', 'x'), gpu: { requestAdapter: async () => Promise.reject(new Error('no')) }, userAgentData: undefined };
    expect(await keyIn(nav)).toMatch(/^ua=Mozilla.*cores=8; gpu=none; isolated=false; tfjs=/);
  });
});
