/**
 * The train worker: training, tuning and retraining, the long jobs (tfjs and its backends load here, lazily, once). Promote,
 * predict and analyse run in the model worker, so a long training does not hold them up.
 */
import { expose } from '../src/lib/bridge/expose.ts';
import { train, tune, type TrainRequest, type TuneRequest, type TrainJobProgress } from '../src/lib/jobs/train-job.ts';
import { retrain, type RetrainProgress, type RetrainRequest } from '../src/lib/jobs/retrain-job.ts';

const api = {
  train: (req: TrainRequest, onProgress: (p: TrainJobProgress) => void) => train(req, { onProgress }),
  tune: (req: TuneRequest, onProgress: (p: TrainJobProgress) => void) => tune(req, { onProgress }),
  retrain: (req: RetrainRequest, onProgress: (p: RetrainProgress) => void) => retrain(req, { onProgress })
};

export type TrainWorkerApi = typeof api;
expose(api);
