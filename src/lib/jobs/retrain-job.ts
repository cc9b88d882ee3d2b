/**
 * Retraining a registered model (train worker): its recipe, split settings, algorithm, hyperparameters and seed run
 * again on a chosen dataset version — by default the one it was trained on, typically a newer version with freshly
 * labelled rows — optionally starting from the model's own weights (warm start). The result is registered under the
 * same name as a challenger (the champion stays champion until a person promotes it), with the sealed test split of
 * the new data scored once, and the history records which version it was retrained from.
 */
import { assertAccepted } from '../core/validate/anomalies.ts';
import { EnclaveError } from '../core/errors.ts';
import type { ModelRecord } from '../store/db.ts';
import { db as defaultDb } from '../store/db.ts';
import { recordModelEvent } from '../store/model-history.ts';
import { getModel } from '../store/models.ts';
import { getPreparation } from '../store/preparations.ts';
import { getRecipe } from '../store/recipes.ts';
import { getRun } from '../store/runs.ts';
import { prepare, type PrepareJobProgress } from './prepare-job.ts';
import { promote, train, type JobOptions as TrainJobOptions, type TrainJobProgress } from './train-job.ts';

export interface RetrainRequest {
  model: string;
  /** The dataset version to train on (its content hash); default: the version the model was prepared from. */
  source?: string;
  /** Start from the model's weights (logistic regression and MLPs only). */
  warmStart?: boolean;
}

export type RetrainProgress =
  | ({ phase: 'prepare' } & PrepareJobProgress)
  | ({ phase: 'train' } & TrainJobProgress)
  | { phase: 'register'; done: number; total: number };

export interface RetrainOptions extends Omit<TrainJobOptions, 'onProgress'> {
  onProgress?: (p: RetrainProgress) => void;
}

export async function retrain(req: RetrainRequest, opts: RetrainOptions = {}): Promise<ModelRecord> {
  const { signal, onProgress } = opts;
  const database = opts.database ?? defaultDb();
  const from = await getModel(database, req.model);
  const run = await getRun(database, from.run).catch(() => {
    throw new EnclaveError('not-found', `${from.name} ${from.version} was imported or its run is gone: there is no recipe and training set-up to run again.`);
  });
  const prep = await getPreparation(database, run.preparation);
  const recipe = await getRecipe(database, prep.recipe);
  if (!recipe) throw new EnclaveError('not-found', `The recipe of ${from.name} ${from.version} is no longer stored.`);
  const { method, fractions, seed, target, group, time } = prep.split;
  const prepared = await prepare(
    { source: req.source ?? prep.source, recipe: { ...recipe, target: from.target }, split: { method, fractions, seed, target, group, time }, accepted: prep.accepted },
    { database, signal, onProgress: (p) => onProgress?.({ phase: 'prepare', ...p }) }
  );
  // Anomalies the person accepted for the model's data stay accepted; a new one stops the retraining, saying which.
  if (prepared.status === 'blocked') assertAccepted(prepared.report.blocking, prep.accepted);
  if (prepared.status !== 'saved') throw new EnclaveError('internal', 'The new data could not be prepared.');
  if (req.warmStart && run.algorithm !== 'logistic' && run.algorithm !== 'mlp')
    throw new EnclaveError('invalid-argument', `Only logistic regression and MLPs can start from their weights; ${from.name} ${from.version} is ${run.algorithm}. Retrain it without a warm start.`);
  const next = await train(
    {
      preparation: prepared.preparation.id,
      // An auto model (an ensemble of the best candidates) is retrained by running auto again.
      algorithm: run.algorithm === 'ensemble' ? 'auto' : (run.algorithm as 'logistic' | 'linear' | 'mlp' | 'knn'),
      ...(run.algorithm === 'ensemble' ? {} : { hyperparameters: run.hyperparameters }),
      seed: run.seed,
      backend: 'auto',
      ...(req.warmStart ? { warmStart: { model: from.id } } : {})
    },
    { database, signal, onProgress: (p) => onProgress?.({ phase: 'train', ...p }) }
  );
  onProgress?.({ phase: 'register', done: 0, total: 1 });
  const registered = await promote(next.id, from.name, database, signal);
  await recordModelEvent(database, { action: 'retrain', model: registered, previous: from.id });
  onProgress?.({ phase: 'register', done: 1, total: 1 });
  return registered;
}
