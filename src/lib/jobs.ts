/**
 * The UI thread's typed handle on the workers. Each worker is created lazily, once, into a cached promise; jobs run
 * one after another per worker, so a failed job never poisons the next; errors arrive as EnclaveError with a code.
 */
import * as Comlink from 'comlink';
import type { DataWorkerApi } from '../../workers/data.worker.ts';
import type { ImportRequest, ImportSummary, JobProgress, PreviewRows } from './jobs/import-job.ts';
import type { PrepareRequest, PrepareResult, PrepareJobProgress, StepPreview } from './jobs/prepare-job.ts';
import type { SplitOptions } from './core/split.ts';
import type { InputRecord } from './core/table-from-records.ts';
import type { TrainWorkerApi } from '../../workers/train.worker.ts';
import type { TrainRequest, TuneRequest, TrainJobProgress } from './jobs/train-job.ts';
import type { RunRecord, ModelRecord } from './store/db.ts';
import { EnclaveError, fromErrorShape, type ErrorShape } from './core/errors.ts';

export type { TrainRequest, TuneRequest, TrainJobProgress };
export type { ImportSummary, JobProgress, PreviewRows, PrepareRequest, PrepareResult, PrepareJobProgress, StepPreview };

let dataApi: Comlink.Remote<DataWorkerApi> | null = null;
function dataWorker(): Comlink.Remote<DataWorkerApi> {
  if (!dataApi) {
    const worker = new Worker(new URL('../../workers/data.worker.ts', import.meta.url), { type: 'module', name: 'enclave-data' });
    dataApi = Comlink.wrap<DataWorkerApi>(worker);
  }
  return dataApi;
}

function normalise(err: unknown): EnclaveError {
  if (err instanceof EnclaveError) return err;
  if (err && typeof err === 'object' && 'code' in err && 'message' in err) return fromErrorShape(err as ErrorShape);
  return new EnclaveError('internal', `Unexpected error: ${err instanceof Error ? err.message : String(err)}`);
}

export interface Job<T> {
  readonly id: string;
  readonly result: Promise<T>;
  cancel(): void;
}

// One queue per worker: jobs on a worker run one after another; a training run does not hold up an import.
const queues = new Map<string, Promise<unknown>>();

function enqueue<T>(run: (id: string) => Promise<T>, cancel: (id: string) => void, worker = 'data'): Job<T> {
  const id = crypto.randomUUID();
  let cancelled = false;
  const queue = queues.get(worker) ?? Promise.resolve();
  const result = queue.then(() => {
    if (cancelled) throw new EnclaveError('cancelled', 'Cancelled.');
    return run(id);
  }).catch((err) => { throw normalise(err); });
  queues.set(worker, result.catch(() => undefined));
  return { id, result, cancel: () => { cancelled = true; cancel(id); } };
}

export function importFile(req: ImportRequest, onProgress: (p: JobProgress) => void): Job<ImportSummary> {
  const api = dataWorker();
  return enqueue((id) => api.importFile(id, req, Comlink.proxy(onProgress)), (id) => void api.cancel(id));
}

export async function previewRows(hash: string, start: number, count: number): Promise<PreviewRows> {
  try {
    return await dataWorker().preview(hash, start, count);
  } catch (err) {
    throw normalise(err);
  }
}

export function prepareSplits(req: PrepareRequest, onProgress: (p: PrepareJobProgress) => void): Job<PrepareResult> {
  const api = dataWorker();
  // Comlink.Remote distributes over the result union; the worker returns exactly PrepareResult.
  return enqueue((id) => api.prepare(id, req, Comlink.proxy(onProgress)) as Promise<PrepareResult>, (id) => void api.cancel(id));
}

export async function previewStep(source: string, recipe: unknown, split: SplitOptions, index: number): Promise<StepPreview> {
  try {
    return await dataWorker().previewStep(source, recipe, split, index);
  } catch (err) {
    throw normalise(err);
  }
}

let trainApi: Comlink.Remote<TrainWorkerApi> | null = null;
function trainWorker(): Comlink.Remote<TrainWorkerApi> {
  if (!trainApi) {
    const worker = new Worker(new URL('../../workers/train.worker.ts', import.meta.url), { type: 'module', name: 'enclave-train' });
    trainApi = Comlink.wrap<TrainWorkerApi>(worker);
  }
  return trainApi;
}

export function trainRun(req: TrainRequest, onProgress: (p: TrainJobProgress) => void): Job<RunRecord> {
  const api = trainWorker();
  return enqueue((id) => api.train(id, req, Comlink.proxy(onProgress)), (id) => void api.cancel(id), 'train');
}

export async function promoteRun(runId: string, name: string): Promise<ModelRecord> {
  try { return await trainWorker().promote(runId, name); } catch (err) { throw normalise(err); }
}

export async function predictWith(modelId: string, records: readonly InputRecord[]) {
  try { return await trainWorker().predict(modelId, records); } catch (err) { throw normalise(err); }
}

export async function analyseRun(runId: string, sliceColumn: string | null) {
  try { return await trainWorker().analyse(runId, sliceColumn); } catch (err) { throw normalise(err); }
}

export function tuneRun(req: TuneRequest, onProgress: (p: TrainJobProgress) => void): Job<RunRecord> {
  const api = trainWorker();
  return enqueue((id) => api.tune(id, req, Comlink.proxy(onProgress)), (id) => void api.cancel(id), 'train');
}
