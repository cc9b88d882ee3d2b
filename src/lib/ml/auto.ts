/**
 * The "auto" algorithm: a short list of sensible candidates, each trained on the training split and scored on the
 * validation split (accuracy for classification, RMSE for regression); the best is kept and every trial is reported.
 * Simpler models come first, so on a tie the simpler one wins.
 */
import type { Dataset, Task } from './matrix.ts';
import type { ModelSpecInput } from './models/spec.ts';
import { evaluateCandidates, type TuneOptions, type TuneResult } from './tune.ts';

/** The candidates for a task, given the training split's size (kNN's k stays well below the rows there are). */
export function autoCandidates(task: Task, trainRows: number): ModelSpecInput[] {
  const out: ModelSpecInput[] = [];
  if (task === 'classification') out.push({ algorithm: 'logistic', hyperparameters: { l2: 1e-3 } });
  else out.push({ algorithm: 'linear', hyperparameters: {} });
  // Small tabular sets: a couple of widths, a little L2; batches of 32 and early stopping on validation loss.
  out.push(
    { algorithm: 'mlp', hyperparameters: { units: [64, 32], l2: 1e-4, learningRate: 3e-3 } },
    { algorithm: 'mlp', hyperparameters: { units: [128, 64], l2: 1e-3, dropout: 0.1, learningRate: 3e-3 } },
  );
  for (const k of [5, 15]) if (k * 3 <= trainRows) out.push({ algorithm: 'knn', hyperparameters: { k } });
  return out;
}

/** Try the auto candidates; the best model and the table of trials. */
export function autoTrain(train: Dataset, validation: Dataset, opts: TuneOptions = {}): Promise<TuneResult> {
  return evaluateCandidates(autoCandidates(train.shape.task, train.n), train, validation, opts);
}
