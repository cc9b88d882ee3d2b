import { afterEach, describe, expect, it, vi } from 'vitest';
import { nextTask } from '../../src/lib/core/next-task.ts';
import { nextTask as pageNextTask } from '../../src/lib/schedule.ts';

describe('nextTask', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('resumes in a later task, after the tasks queued before it (a cancel message gets in)', async () => {
    const order: string[] = [];
    setImmediate(() => order.push('queued task'));
    void Promise.resolve().then(() => order.push('microtask'));
    await nextTask();
    order.push('resumed');
    expect(order).toEqual(['microtask', 'queued task', 'resumed']);
  });

  it('needs no timer where there is no setImmediate (browsers, workers): a 4 ms clamp per yield would slow the reader', async () => {
    vi.stubGlobal('setImmediate', undefined);
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval'] }); // timers never fire
    let resumed = false;
    const p = nextTask().then(() => (resumed = true));
    await new Promise<void>((resolve) => {
      const { port1, port2 } = new MessageChannel();
      port1.onmessage = () => (port1.close(), resolve());
      port2.postMessage(null);
    });
    await p;
    expect(resumed).toBe(true);
  });

  it('is the one the pages schedule with', () => {
    expect(pageNextTask).toBe(nextTask);
  });
});
