import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { availableBackends, initBackend } from '../../src/lib/ml/backend.ts';
import { trainModel } from '../../src/lib/ml/train.ts';
import { blobs } from './ml-fixtures.ts';

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

  it('networks train in the native kernels on wasm and in tfjs on cpu; other models name no engine', async () => {
    const data = blobs([[-1, 0], [1, 0.5]], 20, 0.5, 4);
    const spec = { algorithm: 'logistic', hyperparameters: { optimizer: 'adam', epochs: 2 } } as const;
    const engineOn = async (backend: 'wasm' | 'cpu') => {
      await initBackend(backend);
      const out = await trainModel(spec, data);
      out.model.dispose();
      return out.engine;
    };
    expect(await engineOn('wasm')).toBe('native');
    expect(await engineOn('cpu')).toBe('tfjs');
    const knn = await trainModel({ algorithm: 'knn' }, data);
    expect(knn.engine).toBeUndefined();
    knn.model.dispose();
  });
});
