import { afterAll, describe, expect, it } from 'vitest';
import { availableBackends, initBackend, type BackendOptions } from '../../src/lib/ml/backend.ts';

afterAll(async () => {
  await initBackend('cpu');
});

describe("initBackend('auto') says how far its measurement is", () => {
  it('reports each backend as it starts it, the CPU reference first, counting up to the total', async () => {
    const events: Parameters<NonNullable<BackendOptions['onMeasure']>>[0][] = [];
    const choice = await initBackend('auto', { remeasure: true, deviceKey: 'progress test', onMeasure: (p) => events.push(p) });
    expect(choice.source).toBe('measured');
    // Node: wasm and cpu are available; the measurement starts cpu (the reference), then wasm, then cpu.
    expect(availableBackends()).toEqual(['wasm', 'cpu']);
    expect(events).toEqual([
      { backend: 'cpu', done: 0, total: 3 },
      { backend: 'wasm', done: 1, total: 3 },
      { backend: 'cpu', done: 2, total: 3 }
    ]);
  }, 60_000);
});
