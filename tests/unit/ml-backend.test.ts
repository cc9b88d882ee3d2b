import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { availableBackends, initBackend } from '../../src/lib/ml/backend.ts';

describe('initBackend (Node)', () => {
  it('offers wasm then cpu in Node, and starts the one asked for', async () => {
    expect(availableBackends()).toEqual(['wasm', 'cpu']);
    expect((await initBackend('cpu')).name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    const def = await initBackend();
    expect(def.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('falls back in order when the one asked for is not available, saying why', async () => {
    const r = await initBackend('webgpu');
    expect(r.name).toBe('wasm');
    expect(r.trials[0]).toEqual({ backend: 'webgpu', ms: null, ok: false, error: 'not available here' });
    await expect(initBackend('metal' as never)).rejects.toThrow(/Unknown backend "metal"/);
  });

  it("'auto' measures each available backend, checks it against the CPU, and keeps the fastest correct one", async () => {
    const r = await initBackend('auto');
    expect(r.trials.map((t) => t.backend)).toEqual(['wasm', 'cpu']);
    for (const t of r.trials) {
      expect(t.ok).toBe(true);
      expect(t.ms).toBeGreaterThan(0);
    }
    const fastest = [...r.trials].sort((a, b) => a.ms! - b.ms!)[0].backend;
    expect(r.name).toBe(fastest);
    expect(tf.getBackend()).toBe(fastest);
    await initBackend('cpu');
  });
});
