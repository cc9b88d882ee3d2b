/**
 * One page's view of the job it follows (an import, a prepare, a training, …): whether it runs, its progress in
 * words, its result or its error. A page calls the client with a progress callback that `report`s into this, hands
 * the job to `start`, and reads `status`, `progress`, `value` and `error` in its markup.
 */
import type { EnclaveError } from '../core/errors.ts';
import { asEnclaveError, type Job } from './job.ts';

export type JobStatus = 'idle' | 'running' | 'cancelling' | 'done' | 'failed' | 'cancelled';

export interface ProgressView {
  /** The stage in words ("Reading", "Fitting on training rows"). */
  stage: string;
  done: number;
  total: number;
  /** A line under the bar ("12,345 rows"). */
  detail?: string;
}

const STARTING: ProgressView = { stage: 'Starting', done: 0, total: 1 };

export class JobState<T> {
  status = $state<JobStatus>('idle');
  progress = $state<ProgressView>(STARTING);
  /** The last job's result (raw: a profile or a run is replaced whole, never changed in place). */
  value = $state.raw<T | null>(null);
  error = $state.raw<EnclaveError | null>(null);
  #job: Job<T> | null = null;

  /** Running, or cancelled and not yet stopped. */
  get busy(): boolean {
    return this.status === 'running' || this.status === 'cancelling';
  }

  /**
   * Follows `job` (cancelling the one followed before, whose outcome no longer applies) until it ends. Resolves with
   * its result, or with undefined when it failed or was cancelled (`status` and `error` say which).
   */
  async start(job: Job<T>, progress: ProgressView = STARTING): Promise<T | undefined> {
    this.#job?.cancel();
    this.#job = job;
    this.status = 'running';
    this.progress = progress;
    this.value = null;
    this.error = null;
    try {
      const value = await job.result;
      if (this.#job !== job) return undefined;
      this.value = value;
      this.status = 'done';
      return value;
    } catch (err) {
      if (this.#job !== job) return undefined;
      this.error = asEnclaveError(err);
      this.status = this.error.code === 'cancelled' ? 'cancelled' : 'failed';
      return undefined;
    } finally {
      if (this.#job === job) this.#job = null;
    }
  }

  /** Progress from the job's callback (a stage or count left out keeps its last value). */
  report(p: Partial<ProgressView>): void {
    if (this.busy) this.progress = { ...this.progress, ...p };
  }

  /** Stops the job; `status` is 'cancelling' until its result says it has stopped. */
  cancel(): void {
    if (this.status !== 'running' || !this.#job) return;
    this.status = 'cancelling';
    this.#job.cancel();
  }

  /** Back to idle: the job followed (if any) is cancelled, its result and error forgotten. */
  reset(): void {
    const job = this.#job;
    this.#job = null;
    job?.cancel();
    this.status = 'idle';
    this.progress = STARTING;
    this.value = null;
    this.error = null;
  }
}
