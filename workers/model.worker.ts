/**
 * The model worker: what is done with a trained run or a registered version — promote (its sealed test split scored
 * once), predict, analyse a run's errors, score and monitor batches, compare two versions, export and import bundles
 * and ONNX. tfjs loads here too, on the first of these.
 */
import { expose, transferred } from '../src/lib/bridge/expose.ts';
import { promote, predict, type PromoteProgress } from '../src/lib/jobs/train-job.ts';
import { analyse, type AnalyseProgress } from '../src/lib/jobs/analyse.ts';
import { compareVersions, type CompareProgress, type CompareRequest } from '../src/lib/jobs/compare-job.ts';
import type { InputRecord } from '../src/lib/core/table-from-records.ts';
import { scoreBatch, type ScoreBatchProgress, type ScoreBatchRequest } from '../src/lib/jobs/score-batch-job.ts';
import { monitorFile, type MonitorProgress, type MonitorRequest } from '../src/lib/jobs/monitor-job.ts';
import { exportModelBundle, exportModelOnnx, importModelBundle, type ExportProgress, type ImportBundleProgress } from '../src/lib/jobs/bundle-job.ts';
import { warmBackend } from '../src/lib/jobs/warm-backend.ts';

const api = {
  // While a training runs (bridge/client.ts warmModelWorker): tfjs and the run's backend loaded before promote asks.
  startBackend: (backend: string) => warmBackend(backend),
  promote: (runId: string, name: string, onProgress?: (p: PromoteProgress) => void) => promote(runId, name, undefined, undefined, onProgress),
  predict: (modelId: string, records: readonly InputRecord[]) => predict(modelId, records),
  analyse: (runId: string, sliceColumn: string | null, onProgress: (p: AnalyseProgress) => void) => analyse(runId, sliceColumn, undefined, undefined, onProgress),
  compare: (req: CompareRequest, onProgress: (p: CompareProgress) => void) => compareVersions(req, { onProgress }),
  // The CSV's buffer is moved to the page, not copied (a million rows' CSV is tens of MB).
  scoreBatch: async (req: ScoreBatchRequest, onProgress: (p: ScoreBatchProgress) => void) => {
    const r = await scoreBatch(req, { onProgress });
    return transferred(r, [r.csv.buffer as ArrayBuffer]);
  },
  monitor: (req: MonitorRequest, onProgress: (p: MonitorProgress) => void) => monitorFile(req, { onProgress }),
  exportBundle: async (req: { model: string; includeTrainingRows?: boolean }, onProgress?: (p: ExportProgress) => void) => {
    const r = await exportModelBundle(req, { onProgress });
    return transferred(r, [r.bytes.buffer as ArrayBuffer]);
  },
  exportOnnx: async (req: { model: string }) => {
    const r = await exportModelOnnx(req);
    return transferred(r, [r.bytes.buffer as ArrayBuffer]);
  },
  importBundle: (req: { bytes: Uint8Array; fileName?: string }, onProgress?: (p: ImportBundleProgress) => void) => importModelBundle(req, { onProgress })
};

export type ModelWorkerApi = typeof api;
expose(api);
