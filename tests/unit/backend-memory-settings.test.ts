import 'fake-indexeddb/auto';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { BackendName, BackendOptions } from '../../src/lib/ml/backend.ts';
import * as backendModule from '../../src/lib/ml/backend.ts';
import { BACKEND_SETTING, settingsBackendMemory } from '../../src/lib/jobs/backend-memory.ts';
import { createDb } from '../../src/lib/store/db.ts';
import { getSetting, putSetting } from '../../src/lib/store/settings.ts';

/** A measurement that counts its calls and picks `name` (it starts each backend as the real one does). */
function countingMeasure(name: BackendName) {
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

/** A fresh module state, as a new worker has. */
async function freshModule() {
  vi.resetModules();
  return (await import('../../src/lib/ml/backend.ts')).initBackend;
}

afterAll(async () => {
  await backendModule.initBackend('cpu');
});

describe('the backend choice in the settings table (the adapter the train job passes)', () => {
  it("persists in the app's settings table: a fresh worker with the same database does not measure; a damaged setting measures", async () => {
    const db = createDb(`backend-memory-${crypto.randomUUID()}`);
    try {
      const count = countingMeasure('wasm');
      await (await freshModule())('auto', { memory: settingsBackendMemory(db), measure: count.measure, deviceKey: 'device A' });
      expect(await getSetting(db, BACKEND_SETTING)).toMatchObject({ version: 1, device: 'device A', name: 'wasm' });
      const r = await (await freshModule())('auto', { memory: settingsBackendMemory(db), measure: count.measure, deviceKey: 'device A' });
      expect(r).toMatchObject({ name: 'wasm', source: 'stored' });
      expect(count.calls).toBe(1);
      await putSetting(db, BACKEND_SETTING, { version: 1, device: 'device A', name: 'wasm', trials: 'fast' });
      const again = await (await freshModule())('auto', { memory: settingsBackendMemory(db), measure: count.measure, deviceKey: 'device A' });
      expect(again.source).toBe('measured');
      expect(count.calls).toBe(2);
    } finally {
      db.close();
      await db.delete();
    }
  });
});
