import { describe, expect, it } from 'vitest';
import { JobState } from '../../src/lib/bridge/job-state.svelte.ts';
import { cancelledError, type Job } from '../../src/lib/bridge/job.ts';
import { EnclaveError } from '../../src/lib/core/errors.ts';
import { deferred } from './fake-worker.ts';

/** A job settled by hand; cancel() rejects it with `cancelled` a turn later (a worker's reply is never synchronous). */
function manual<T>() {
  const d = deferred<T>();
  let cancelled = 0;
  const job: Job<T> = { id: crypto.randomUUID(), result: d.promise, cancel: () => { cancelled++; setTimeout(() => d.reject(cancelledError()), 0); } };
  return { job, resolve: d.resolve, reject: d.reject, cancels: () => cancelled };
}

describe('JobState', () => {
  it('runs, reports progress in words, and ends done with the value', async () => {
    const state = new JobState<number>();
    const m = manual<number>();
    const ended = state.start(m.job, { stage: 'Reading', done: 0, total: 10 });
    expect(state.status).toBe('running');
    expect(state.busy).toBe(true);
    state.report({ done: 4 });
    expect(state.progress).toEqual({ stage: 'Reading', done: 4, total: 10 });
    m.resolve(42);
    expect(await ended).toBe(42);
    expect(state.status).toBe('done');
    expect(state.value).toBe(42);
    expect(state.busy).toBe(false);
  });

  it('a failure keeps the error with its code and detail', async () => {
    const state = new JobState<number>();
    const m = manual<number>();
    const ended = state.start(m.job);
    m.reject(new EnclaveError('invalid-recipe', 'Step 2 reads the target.', { step: 2 }));
    expect(await ended).toBeUndefined();
    expect(state.status).toBe('failed');
    expect(state.error?.code).toBe('invalid-recipe');
    expect(state.error?.detail).toEqual({ step: 2 });
  });

  it('cancel says cancelling until the job has stopped, then cancelled', async () => {
    const state = new JobState<number>();
    const m = manual<number>();
    const ended = state.start(m.job);
    state.cancel();
    expect(state.status).toBe('cancelling');
    expect(state.busy).toBe(true);
    expect(m.cancels()).toBe(1);
    state.cancel(); // a second click does nothing more
    expect(m.cancels()).toBe(1);
    expect(await ended).toBeUndefined();
    expect(state.status).toBe('cancelled');
    expect(state.error?.code).toBe('cancelled');
  });

  it('a second start cancels the first job, whose late outcome changes nothing', async () => {
    const state = new JobState<string>();
    const first = manual<string>();
    const second = manual<string>();
    const a = state.start(first.job);
    const b = state.start(second.job);
    expect(first.cancels()).toBe(1);
    second.resolve('second');
    expect(await b).toBe('second');
    expect(await a).toBeUndefined();
    expect(state.status).toBe('done');
    expect(state.value).toBe('second');
  });

  it('reset cancels the job it follows and forgets its outcome', async () => {
    const state = new JobState<string>();
    const m = manual<string>();
    const ended = state.start(m.job);
    state.reset();
    expect(m.cancels()).toBe(1);
    expect(state.status).toBe('idle');
    expect(await ended).toBeUndefined();
    expect(state.status).toBe('idle');
    expect(state.error).toBeNull();
  });
});
