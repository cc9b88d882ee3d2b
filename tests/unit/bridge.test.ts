import { afterEach, describe, expect, it } from 'vitest';
import { connect, type Client } from '../../src/lib/bridge/connect.ts';
import { EnclaveError } from '../../src/lib/core/errors.ts';
import { deferred, fakeWorkers, FakeWorker } from './fake-worker.ts';
import { fails } from './errors.ts';

/** Settles within the current turn (microtasks), or says it is still pending when the next macrotask runs. */
function withinATick<T>(p: Promise<T>): Promise<T | 'pending'> {
  return Promise.race([p, new Promise<'pending'>((resolve) => setImmediate(() => resolve('pending')))]);
}

let clients: { close(): void }[] = [];
function open<A extends Parameters<typeof fakeWorkers>[0]>(api: A) {
  const workers = fakeWorkers(api);
  const client = connect<A>('test', workers.factory) as Client<A>;
  clients.push(client);
  return { client, made: workers.made };
}
afterEach(() => {
  for (const c of clients) c.close();
  clients = [];
});

describe('worker bridge', () => {
  it('starts the worker on the first call, not before, and returns what the worker function returns', async () => {
    const { client, made } = open({ add: async (a: number, b: number) => ({ sum: a + b, at: new Date(0) }) });
    expect(made).toHaveLength(0);
    const job = client.add(2, 3);
    expect(typeof job.id).toBe('string');
    expect(await job.result).toEqual({ sum: 5, at: new Date(0) });
    expect(made).toHaveLength(1);
  });

  it('an EnclaveError thrown in the worker arrives with its code, message and detail', async () => {
    const { client } = open({
      read: async () => { throw new EnclaveError('ragged-rows', 'Line 3 has 4 fields; the header has 3.', { line: 3, fields: 4, expected: 3 }); }
    });
    const err = await fails(client.read().result);
    expect(err.code).toBe('ragged-rows');
    expect(err.message).toBe('Line 3 has 4 fields; the header has 3.');
    expect(err.detail).toEqual({ line: 3, fields: 4, expected: 3 });
  });

  it('any other error thrown in the worker arrives as internal, naming what was thrown', async () => {
    const { client } = open({ broken: async () => { throw new TypeError('x is not a function'); } });
    const err = await fails(client.broken().result);
    expect(err.code).toBe('internal');
    expect(err.message).toBe('Unexpected error: x is not a function');
  });

  it('runs only the functions of the API, whatever name is asked for', async () => {
    const { client } = open({ ok: async () => 1 });
    const err = await fails((client as unknown as { toString(): { result: Promise<unknown> } }).toString().result);
    expect(err.code).toBe('internal');
    expect(err.message).toContain('toString');
  });

  it('a MessagePort argument moves to the worker: what the worker posts on it arrives at the other end', async () => {
    const { client } = open({ greet: async (port: MessagePort) => (port.postMessage('hello from the worker'), port.close(), 'sent') });
    const { port1, port2 } = new MessageChannel();
    const heard = new Promise((resolve) => (port1.onmessage = (e) => resolve(e.data)));
    expect(await client.greet(port2).result).toBe('sent');
    expect(await heard).toBe('hello from the worker');
    port1.close();
  });

  it('restart: the calls made before run on the old worker, those made after on a fresh one, in order', async () => {
    const go = deferred();
    const order: string[] = [];
    const { client, made } = open({
      step: async (name: string) => {
        if (name === 'first') await go.promise;
        order.push(name);
        return name;
      }
    });
    const first = client.step('first');
    client.restart();
    const second = client.step('second');
    const third = client.step('third'); // as a page would ask meanwhile: after the hand-over, not between
    expect(made).toHaveLength(1);
    go.resolve();
    expect(await first.result).toBe('first');
    expect(await second.result).toBe('second');
    expect(await third.result).toBe('third');
    expect(order).toEqual(['first', 'second', 'third']);
    expect(made).toHaveLength(2);
    expect(made[0].terminated).toBe(true);
    expect(made[1].terminated).toBe(false);
  });

  it('a callback argument brings progress to the UI side while the job runs', async () => {
    const go = deferred();
    const { client } = open({
      count: async (n: number, onProgress: (p: { done: number; total: number }) => void) => {
        for (let i = 1; i <= n; i++) onProgress({ done: i, total: n });
        await go.promise;
        return 'counted';
      }
    });
    const seen: { done: number; total: number }[] = [];
    const all = deferred();
    const job = client.count(3, (p) => {
      seen.push(p);
      if (p.done === 3) all.resolve();
    });
    await all.promise; // every progress report arrived before the job ended
    expect(seen).toEqual([{ done: 1, total: 3 }, { done: 2, total: 3 }, { done: 3, total: 3 }]);
    go.resolve();
    expect(await job.result).toBe('counted');
  });

  it('cancelling the running job rejects it with cancelled within a tick and terminates its worker', async () => {
    const started = deferred();
    const { client, made } = open({ forever: async () => { started.resolve(); return new Promise<never>(() => undefined); } });
    const job = client.forever();
    await started.promise;
    job.cancel();
    const outcome = await withinATick(job.result.then(() => 'resolved', (e: EnclaveError) => e));
    expect(outcome).toBeInstanceOf(EnclaveError);
    expect((outcome as EnclaveError).code).toBe('cancelled');
    expect(made).toHaveLength(1);
    expect(made[0].terminated).toBe(true);
  });

  it('the call after a cancel starts a fresh worker, which answers', async () => {
    const started = deferred();
    const { client, made } = open({
      forever: async () => { started.resolve(); return new Promise<never>(() => undefined); },
      echo: async (s: string) => s
    });
    const job = client.forever();
    await started.promise;
    job.cancel();
    await job.result.catch(() => undefined);
    expect(await client.echo('again').result).toBe('again');
    expect(made).toHaveLength(2);
    expect(made[0].terminated).toBe(true);
    expect(made[1].terminated).toBe(false);
  });

  it('runs a worker’s jobs one after another, in the order they were asked for', async () => {
    const order: string[] = [];
    const first = deferred();
    const { client } = open({
      step: async (name: string, wait: boolean) => {
        order.push(`start ${name}`);
        if (wait) await first.promise;
        order.push(`end ${name}`);
        return name;
      }
    });
    const a = client.step('a', true);
    const b = client.step('b', false);
    await new Promise((r) => setTimeout(r, 20));
    expect(order).toEqual(['start a']); // b waits for a
    first.resolve();
    expect(await Promise.all([a.result, b.result])).toEqual(['a', 'b']);
    expect(order).toEqual(['start a', 'end a', 'start b', 'end b']);
  });

  it('cancelling a queued job drops it and leaves the running job and its worker alone', async () => {
    const go = deferred();
    const calls: string[] = [];
    const { client, made } = open({
      work: async (name: string) => {
        calls.push(name);
        if (name === 'long') await go.promise;
        return name;
      }
    });
    const running = client.work('long');
    const queued = client.work('queued');
    queued.cancel();
    expect((await fails(queued.result)).code).toBe('cancelled');
    expect(made[0].terminated).toBe(false);
    go.resolve();
    expect(await running.result).toBe('long');
    expect(await client.work('next').result).toBe('next');
    expect(calls).toEqual(['long', 'next']); // the cancelled one never ran
    expect(made).toHaveLength(1);
  });

  it('a job queued behind a cancelled running job runs on a fresh worker', async () => {
    const started = deferred();
    const { client, made } = open({
      forever: async () => { started.resolve(); return new Promise<never>(() => undefined); },
      echo: async (s: string) => s
    });
    const stuck = client.forever();
    const next = client.echo('after');
    await started.promise;
    stuck.cancel();
    expect((await fails(stuck.result)).code).toBe('cancelled');
    expect(await next.result).toBe('after');
    expect(made).toHaveLength(2);
  });

  it('a worker that fails to load fails its job, naming why, and the next call starts a fresh worker', async () => {
    const served = fakeWorkers({ echo: async (s: string) => s });
    const made: FakeWorker[] = [];
    // The first worker never gets to expose its API (its module failed to load); the next one is fine.
    const client = connect<{ echo: (s: string) => Promise<string> }>('test', () => {
      const worker = made.length ? served.factory() : new FakeWorker(new MessageChannel().port1);
      made.push(worker);
      return worker;
    });
    clients.push(client);
    const job = client.echo('lost');
    made[0].dispatchEvent(Object.assign(new Event('error', { cancelable: true }), { message: 'Uncaught SyntaxError: Unexpected token' }));
    const err = await fails(job.result);
    expect(err.code).toBe('internal');
    expect(err.message).toBe('The test worker could not start: Uncaught SyntaxError: Unexpected token.');
    expect(made[0].terminated).toBe(true);
    expect(await client.echo('fresh').result).toBe('fresh');
    expect(made).toHaveLength(2);
  });

  it('an uncaught error in a worker that serves leaves its running job to finish', async () => {
    const started = deferred();
    const go = deferred();
    const { client, made } = open({ up: async () => true, work: async () => { started.resolve(); await go.promise; return 'finished'; } });
    await client.up().result; // its reply comes after the worker's ready message, on the same port
    const job = client.work();
    await started.promise;
    made[0].dispatchEvent(Object.assign(new Event('error', { cancelable: true }), { message: 'Uncaught TypeError in a timer' }));
    go.resolve();
    expect(await job.result).toBe('finished');
    expect(made[0].terminated).toBe(false);
  });

  it('a worker that cannot be created fails the call, naming why', async () => {
    const client = connect<{ echo: (s: string) => Promise<string> }>('test', () => { throw new DOMException('Script at x.js cannot be accessed', 'SecurityError'); });
    const err = await fails(client.echo('x').result);
    expect(err.code).toBe('internal');
    expect(err.message).toBe('The test worker could not start: Unexpected error: Script at x.js cannot be accessed');
  });

  it('release terminates an idle worker (the next call starts a fresh one) and leaves a busy one alone', async () => {
    const started = deferred();
    const finish = deferred();
    const { client, made } = open({ echo: async (s: string) => s, slow: async () => { started.resolve(); await finish.promise; return 'done'; } });
    expect(await client.echo('a').result).toBe('a');
    client.release();
    expect(made[0].terminated).toBe(true);
    const job = client.slow();
    await started.promise;
    client.release(); // a job is running: nothing happens
    expect(made[1].terminated).toBe(false);
    finish.resolve();
    expect(await job.result).toBe('done');
    expect(await client.echo('b').result).toBe('b');
    expect(made).toHaveLength(2);
  });

  it('close rejects the running and queued jobs as cancelled and terminates the worker', async () => {
    const started = deferred();
    const { client, made } = open({ forever: async () => { started.resolve(); return new Promise<never>(() => undefined); } });
    const a = client.forever();
    const b = client.forever();
    await started.promise;
    client.close();
    expect((await fails(a.result)).code).toBe('cancelled');
    expect((await fails(b.result)).code).toBe('cancelled');
    expect(made[0].terminated).toBe(true);
  });
});
