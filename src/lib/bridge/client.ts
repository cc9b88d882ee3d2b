/**
 * The studio's workers, as the UI thread calls them. One worker per kind of job, so that a long job never queues an
 * unrelated short one: 'data' (import, prepare), 'preview' (rows of a version, a recipe step's before/after), 'train'
 * (train, tune, retrain), 'model' (promote, predict, analyse, score a batch) and 'federated' (a federation client's
 * rounds, creating a federation). Every call is a cancellable Job (./connect.ts); only types
 * cross from the worker files.
 */
import { connect } from './connect.ts';
import { LARGE_TABLE_CELLS } from '../limits.ts';
import type { DataWorkerApi } from '../../../workers/data.worker.ts';
import type { PreviewWorkerApi } from '../../../workers/preview.worker.ts';
import type { TrainWorkerApi } from '../../../workers/train.worker.ts';
import type { ModelWorkerApi } from '../../../workers/model.worker.ts';
import type { FederatedWorkerApi } from '../../../workers/federated.worker.ts';

export type { Job } from './job.ts';
export type { ImportSummary, JobProgress, PreviewRows } from '../jobs/import-job.ts';
export type { ImportPreview, ImportSuggestion } from '../core/io/preview.ts';
export type { ImportOptions, TextEncoding } from '../core/io/import-options.ts';
export type { PrepareRequest, PrepareResult, PrepareJobProgress, StepPreview } from '../jobs/prepare-job.ts';
export type { RecipeCheck, StepCheck, ColumnShape } from '../core/recipe/check-steps.ts';
export type { TrainRequest, TuneRequest, TrainJobProgress } from '../jobs/train-job.ts';
export type { RetrainRequest, RetrainProgress } from '../jobs/retrain-job.ts';
export type { ScoreBatchRequest, ScoreBatchProgress, ScoreBatchResult } from '../jobs/score-batch-job.ts';
export type Analysis = Awaited<ReturnType<ModelWorkerApi['analyse']>>;
export type Prediction = Awaited<ReturnType<ModelWorkerApi['predict']>>;
export type Comparison = Awaited<ReturnType<ModelWorkerApi['compare']>>;
export type { CompareRequest, CompareProgress } from '../jobs/compare-job.ts';
export type { MonitorRequest, MonitorProgress } from '../jobs/monitor-job.ts';
export type { CreateFederationRequest, CreatedFederation, FederateProgress, FederateRequest, JoinRequest } from '../jobs/federated-job.ts';

const data = connect<DataWorkerApi>('data', () => new Worker(new URL('../../../workers/data.worker.ts', import.meta.url), { type: 'module', name: 'enclave-data' }));
const preview = connect<PreviewWorkerApi>('preview', () => new Worker(new URL('../../../workers/preview.worker.ts', import.meta.url), { type: 'module', name: 'enclave-preview' }));
const train = connect<TrainWorkerApi>('train', () => new Worker(new URL('../../../workers/train.worker.ts', import.meta.url), { type: 'module', name: 'enclave-train' }));
const federated = connect<FederatedWorkerApi>('federated', () => new Worker(new URL('../../../workers/federated.worker.ts', import.meta.url), { type: 'module', name: 'enclave-federated' }));
const model = connect<ModelWorkerApi>('model', () => new Worker(new URL('../../../workers/model.worker.ts', import.meta.url), { type: 'module', name: 'enclave-model' }));

export const importFile = data.importFile;
/** Starts the data worker (and the import helper it starts) before a file is chosen. */
export const warmDataWorker = () => data.warm();
export const previewImportFile = data.previewFile;
export const prepareSplits = data.prepare;

export { LARGE_TABLE_CELLS };

/**
 * After a prepare of a large table: the data worker's garbage (gigabytes at millions of rows) would otherwise stay in
 * the tab while training loads its own data. After a smaller one the worker, and the source table it keeps, stay.
 */
export function releaseDataWorker(cells: number): void {
  if (cells >= LARGE_TABLE_CELLS) data.release();
}

/**
 * After importing a large table: a fresh data worker replaces this one (the import's garbage goes with it), and the
 * table just stored moves to it, for the prepare that usually comes next (it then reads nothing back from storage).
 * Should the move fail, the prepare reads the table back as before.
 */
export function renewDataWorker(cells: number): void {
  if (cells < LARGE_TABLE_CELLS) return;
  const { port1, port2 } = new MessageChannel();
  // Queued together, so that a job asked for meanwhile (Prepare, clicked at once) runs after them, on the new worker.
  const sent = data.sendSource(port1);
  data.restart();
  const received = data.receiveSource(port2);
  sent.result.catch(() => received.cancel()); // nothing will come
  received.result.catch(() => undefined);
}

/**
 * After training on a large table: the train worker's matrices and their garbage (3.5 GB after 5M rows) would stay in
 * the tab while promote loads the test split in the model worker. The next training starts a fresh worker (its backend
 * choice is remembered in the settings, so it is not measured again).
 */
export function releaseTrainWorker(cells: number): void {
  if (cells >= LARGE_TABLE_CELLS) train.release();
}
/**
 * While a training runs: the model worker started, with tfjs and the run's backend, so that promoting the run (the
 * model worker's next job, usually) starts at once. Queued behind any job the model worker has; a failure is ignored
 * (promote starts the backend itself, and says why if it cannot).
 */
export function warmModelWorker(backend: string): void {
  model.startBackend(backend).result.catch(() => undefined);
}
/** Starts the train worker (its modules load) before a training is asked for. */
export const warmTrainWorker = () => train.warm();
export const previewRows = preview.previewRows;
export const previewStep = preview.previewStep;
export const checkRecipe = preview.checkRecipe;
export const trainRun = train.train;
export const tuneRun = train.tune;
export const retrainModel = train.retrain;
export const promoteRun = model.promote;
export const predictWith = model.predict;
export const analyseRun = model.analyse;
export const compareModelVersions = model.compare;
export const monitorBatchFile = model.monitor;
export const exportModelBundle = model.exportBundle;
export const exportModelOnnx = model.exportOnnx;
export const importModelBundle = model.importBundle;
export const scoreBatch = model.scoreBatch;
export const federateJob = federated.federate;
export const createFederationJob = federated.createFederation;
