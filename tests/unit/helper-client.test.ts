import { afterEach, describe, expect, it, vi } from 'vitest';

/** A stand-in for the browser's Worker: counts how many are started and terminated. */
class FakeWorker extends EventTarget {
  static started = 0;
  static terminated = 0;
  constructor(public url: URL | string, public options?: WorkerOptions) {
    super();
    FakeWorker.started++;
  }
  postMessage(): void {}
  terminate(): void {
    FakeWorker.terminated++;
  }
}

describe('the import helper started ahead of a job', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  async function fresh() {
    FakeWorker.started = FakeWorker.terminated = 0;
    vi.stubGlobal('Worker', FakeWorker);
    vi.resetModules();
    return import('../../src/lib/jobs/helper-client.ts');
  }

  it('is the one the next job gets: no second worker is started for it, and the job after starts its own', async () => {
    const { prestartHelper, startHelperClient } = await fresh();
    prestartHelper();
    prestartHelper(); // once is enough
    expect(FakeWorker.started).toBe(1);
    const first = startHelperClient();
    expect(first).not.toBeNull();
    expect(FakeWorker.started).toBe(1);
    first!.close();
    expect(FakeWorker.terminated).toBe(1);
    const second = startHelperClient();
    expect(second).not.toBeNull();
    expect(FakeWorker.started).toBe(2);
    second!.close();
  });

  it('is none where there are no workers or a single core', async () => {
    const { prestartHelper, startHelperClient } = await fresh();
    vi.stubGlobal('navigator', { hardwareConcurrency: 1 });
    prestartHelper();
    expect(startHelperClient()).toBeNull();
    expect(FakeWorker.started).toBe(0);
  });
});
