/**
 * What every worker does for a job: register an AbortController under the job's id (so `cancel(jobId)` reaches it),
 * and send errors back as plain { code, message, detail } (comlink would drop an Error's own fields).
 */
import { toErrorShape } from '../src/lib/core/errors.ts';

const controllers = new Map<string, AbortController>();

export async function asJob<T>(jobId: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  controllers.set(jobId, controller);
  try {
    return await fn(controller.signal);
  } catch (err) {
    throw toErrorShape(err);
  } finally {
    controllers.delete(jobId);
  }
}

export function cancelJob(jobId: string): void {
  controllers.get(jobId)?.abort();
}
