import { describe, expect, it, vi } from 'vitest';
import { EnclaveError } from '../../src/lib/core/errors.ts';
import { BACKEND_ORDER, fallbackFrom, initBackend, type BackendName, type DeviceLoss, type FallbackEvent } from '../../src/lib/ml/backend.ts';
import { fallbackNote, withBackendFallback, type Attempt, type BackendControl } from '../../src/lib/ml/fallback.ts';

/** Backends as the fallback sees them: webgpu first, whose device the test loses when it likes. */
function fakeBackends(first: BackendName = 'webgpu') {
  let active = first;
  let lose!: (l: DeviceLoss) => void;
  const lost = new Promise<DeviceLoss>((resolve) => (lose = resolve));
  const next = vi.fn(async (from: BackendName) => (active = BACKEND_ORDER[BACKEND_ORDER.indexOf(from) + 1]));
  const control: BackendControl = { loss: () => (active === 'webgpu' ? lost : null), next };
  return { control, next, lose: (reason = 'Device was destroyed') => lose({ backend: 'webgpu', reason }) };
}

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

/** A job shaped like the training loop: epochs that check the signal, then a result naming its backend. */
function epochs(n: number, onEpoch?: (a: Attempt, epoch: number) => void) {
  return vi.fn(async (a: Attempt) => {
    for (let epoch = 1; epoch <= n; epoch++) {
      await tick();
      if (a.signal.aborted) throw new EnclaveError('cancelled', 'Cancelled.');
      onEpoch?.(a, epoch);
    }
    return `model from ${a.backend}`;
  });
}

describe('withBackendFallback', () => {
  it('restarts a job whose device is lost part-way on the next backend, from the start, and says so', async () => {
    const b = fakeBackends();
    const seen: string[] = [];
    const events: FallbackEvent[] = [];
    const fn = epochs(4, (a, epoch) => {
      seen.push(`${a.backend} ${epoch}`);
      if (a.backend === 'webgpu' && epoch === 2) b.lose();
    });
    const r = await withBackendFallback(fn, { backend: 'webgpu', control: b.control, onFallback: (e) => events.push(e) });
    expect(r).toEqual({ result: 'model from webgl', backend: 'webgl' });
    expect(seen).toEqual(['webgpu 1', 'webgpu 2', 'webgl 1', 'webgl 2', 'webgl 3', 'webgl 4']);
    expect(fn.mock.calls.map(([a]) => a.backend)).toEqual(['webgpu', 'webgl']);
    expect(events).toEqual([{ from: 'webgpu', to: 'webgl', reason: 'Device was destroyed' }]);
    expect(fallbackNote(events[0])).toBe('The GPU device was lost (Device was destroyed); training restarted on WebGL.');
    expect(fallbackNote(events[0], 'tuning')).toBe('The GPU device was lost (Device was destroyed); tuning restarted on WebGL.');
  });

  it('retries when an error is the loss\'s first sign (the lost promise resolves a moment later)', async () => {
    const b = fakeBackends();
    const fn = vi.fn(async (a: Attempt) => {
      if (a.backend !== 'webgpu') return 'ok';
      setTimeout(() => b.lose('GPU hung'), 20);
      throw new Error("Failed to execute 'mapAsync' on 'GPUBuffer'");
    });
    const events: FallbackEvent[] = [];
    expect(await withBackendFallback(fn, { backend: 'webgpu', control: b.control, onFallback: (e) => events.push(e), graceMs: 2000 })).toEqual({ result: 'ok', backend: 'webgl' });
    expect(events).toEqual([{ from: 'webgpu', to: 'webgl', reason: 'GPU hung' }]);
  });

  it('discards a result the attempt returned while its device was being lost, and runs again', async () => {
    const b = fakeBackends();
    const discard = vi.fn();
    const fn = vi.fn(async (a: Attempt) => {
      if (a.backend === 'webgpu') {
        b.lose();
        await tick(); // does not look at the signal
      }
      return { from: a.backend };
    });
    const r = await withBackendFallback(fn, { backend: 'webgpu', control: b.control, discard });
    expect(r).toEqual({ result: { from: 'webgl' }, backend: 'webgl' });
    expect(discard).toHaveBeenCalledExactlyOnceWith({ from: 'webgpu' });
  });

  it('does not wait for ever for a stopped attempt that never ends', async () => {
    const b = fakeBackends();
    const fn = vi.fn((a: Attempt) => (a.backend === 'webgpu' ? (setTimeout(() => b.lose(), 5), new Promise<string>(() => undefined)) : Promise.resolve('ok')));
    expect(await withBackendFallback(fn, { backend: 'webgpu', control: b.control, settleMs: 50 })).toEqual({ result: 'ok', backend: 'webgl' });
  });

  it('passes an error that is not a device loss through unchanged, without retrying', async () => {
    const b = fakeBackends();
    const error = new EnclaveError('invalid-argument', 'mlp: training diverged (the loss became NaN): lower learningRate (now 10).');
    const fn = vi.fn(async () => {
      throw error;
    });
    await expect(withBackendFallback(fn, { backend: 'webgpu', control: b.control, graceMs: 20 })).rejects.toBe(error);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(b.next).not.toHaveBeenCalled();
  });

  it('after a fallback, a second failure that is not a device loss is not retried', async () => {
    const b = fakeBackends();
    const error = new Error('out of memory');
    const fn = vi.fn(async (a: Attempt) => {
      if (a.backend === 'webgpu') {
        b.lose();
        await tick();
        throw new EnclaveError('cancelled', 'Cancelled.');
      }
      throw error;
    });
    const onFallback = vi.fn();
    await expect(withBackendFallback(fn, { backend: 'webgpu', control: b.control, onFallback, graceMs: 20 })).rejects.toBe(error);
    expect(fn.mock.calls.map(([a]) => a.backend)).toEqual(['webgpu', 'webgl']);
    expect(onFallback).toHaveBeenCalledTimes(1);
    expect(b.next).toHaveBeenCalledTimes(1);
  });

  it('cancellation propagates as cancellation, also when it comes with a device loss', async () => {
    for (const withLoss of [false, true]) {
      const b = fakeBackends();
      const cancel = new AbortController();
      const fn = epochs(10, (_a, epoch) => {
        if (epoch !== 2) return;
        cancel.abort();
        if (withLoss) b.lose();
      });
      const onFallback = vi.fn();
      const err = await withBackendFallback(fn, { backend: 'webgpu', control: b.control, signal: cancel.signal, onFallback }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EnclaveError);
      expect((err as EnclaveError).code).toBe('cancelled');
      expect(fn).toHaveBeenCalledTimes(1);
      expect(onFallback).not.toHaveBeenCalled();
      expect(b.next).not.toHaveBeenCalled();
    }
  });

  it('says so when no other backend can start after the loss', async () => {
    const b = fakeBackends();
    b.next.mockRejectedValueOnce(new Error('the webgl backend did not start'));
    const fn = epochs(3, (a, epoch) => epoch === 1 && b.lose());
    await expect(withBackendFallback(fn, { backend: 'webgpu', control: b.control })).rejects.toThrow(
      'The webgpu backend was lost (Device was destroyed) and no other backend could start: the webgl backend did not start'
    );
  });

  // What the training loop throws when an epoch's loss (or the weights) went NaN or ±Infinity (network-fit.ts).
  const nonFinite = (backend: string, epoch: number) =>
    new EnclaveError('non-finite' as never, `Training on ${backend} produced non-finite values at epoch ${epoch} (the training loss became NaN): the mlp diverged. Lower the learning rate (now 0.5) or scale the features.`, {
      algorithm: 'mlp', epoch, backend, quantity: 'training loss', value: 'NaN', advice: 'Lower the learning rate (now 0.5) or scale the features.'
    });

  it('restarts a job whose training goes non-finite on the next backend, from the start, and says so', async () => {
    const b = fakeBackends('webgl');
    const seen: string[] = [];
    const events: FallbackEvent[] = [];
    const fn = epochs(3, (a, epoch) => {
      seen.push(`${a.backend} ${epoch}`);
      if (a.backend === 'webgl' && epoch === 2) throw nonFinite('webgl', 2);
    });
    const r = await withBackendFallback(fn, { backend: 'webgl', control: b.control, onFallback: (e) => events.push(e), graceMs: 20 });
    expect(r).toEqual({ result: 'model from wasm', backend: 'wasm' });
    expect(seen).toEqual(['webgl 1', 'webgl 2', 'wasm 1', 'wasm 2', 'wasm 3']);
    expect(b.next).toHaveBeenCalledExactlyOnceWith('webgl');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ from: 'webgl', to: 'wasm', cause: 'non-finite', epoch: 2 });
    expect(fallbackNote(events[0])).toBe('Training on WebGL produced non-finite values at epoch 2; training restarted on WASM.');
    expect(fallbackNote(events[0], 'tuning')).toBe('Tuning on WebGL produced non-finite values at epoch 2; tuning restarted on WASM.');
  });

  it('fails with a clear message, naming every backend and epoch, when the last backend goes non-finite too', async () => {
    const b = fakeBackends('wasm');
    const onFallback = vi.fn();
    const fn = epochs(5, (a, epoch) => {
      if (epoch === (a.backend === 'wasm' ? 2 : 1)) throw nonFinite(a.backend, epoch);
    });
    const err = await withBackendFallback(fn, { backend: 'wasm', control: b.control, onFallback, graceMs: 20 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnclaveError);
    expect((err as EnclaveError).code).toBe('non-finite');
    expect((err as EnclaveError).message).toBe('Training produced non-finite values on every backend tried: WASM (epoch 2) and CPU (epoch 1). Lower the learning rate (now 0.5) or scale the features.');
    expect(fn.mock.calls.map(([a]) => a.backend)).toEqual(['wasm', 'cpu']);
    expect(onFallback).toHaveBeenCalledTimes(1);
    expect(b.next).toHaveBeenCalledTimes(1); // nothing comes after cpu: no further start is tried
  });

  it('on the last backend, a non-finite failure is the job\'s, unchanged and without a retry', async () => {
    const b = fakeBackends('cpu');
    const error = nonFinite('cpu', 3);
    const fn = vi.fn(async () => {
      throw error;
    });
    await expect(withBackendFallback(fn, { backend: 'cpu', control: b.control })).rejects.toBe(error);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(b.next).not.toHaveBeenCalled();
  });

  it('a cancel during a non-finite attempt is a cancel', async () => {
    const b = fakeBackends('webgl');
    const cancel = new AbortController();
    const fn = vi.fn(async () => {
      cancel.abort();
      throw nonFinite('webgl', 1);
    });
    await expect(withBackendFallback(fn, { backend: 'webgl', control: b.control, signal: cancel.signal })).rejects.toMatchObject({ code: 'cancelled' });
    expect(b.next).not.toHaveBeenCalled();
  });

  it('with the real backends in Node (no device to lose): runs once, and errors pass straight through', async () => {
    await initBackend('cpu');
    const fn = vi.fn(async (a: Attempt) => a.backend);
    expect(await withBackendFallback(fn, { backend: 'cpu' })).toEqual({ result: 'cpu', backend: 'cpu' });
    const error = new Error('boom');
    const t0 = performance.now();
    await expect(withBackendFallback(async () => Promise.reject(error), { backend: 'cpu' })).rejects.toBe(error);
    expect(performance.now() - t0).toBeLessThan(500); // no grace wait: a CPU has no device to lose
    await expect(fallbackFrom('cpu')).rejects.toThrow('No backend comes after cpu.');
  });
});
