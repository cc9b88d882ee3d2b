/**
 * Non-finite training: a loss, weight or prediction that became NaN or ±Infinity. It stops the attempt with an
 * EnclaveError of code 'non-finite' (never a model: a network restored to an earlier epoch after a NaN, or one that
 * predicts NaN, would look trained and be wrong). withBackendFallback (fallback.ts) restarts such an attempt on the
 * next backend — a GPU backend's arithmetic can go non-finite where another's does not — and the last backend's
 * failure is the job's, with advice.
 */
import { EnclaveError } from '../core/errors.ts';
import { backendLabel } from './backend-label.ts';
import type { Dataset } from './matrix.ts';

/**
 * Matrices finite by construction: built by featureMatrix or loadDataset from columns already checked for missing
 * cells and values beyond float32. checkFiniteDataset skips scanning them again (544M values for 5M rows × 136).
 */
export const finiteMatrices = new WeakSet<Float32Array>();

/** Index of the first NaN or ±Infinity in `values`, or −1. */
export function firstNonFinite(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}

export function isNonFinite(e: unknown): e is EnclaveError {
  return e instanceof EnclaveError && e.code === 'non-finite';
}

/** What to try: a diverging gradient loop wants a smaller step, and features on very different scales make it diverge. */
function advice(learningRate?: number): string {
  const scale = 'scale the features (a standardise or min-max step in the recipe)';
  return learningRate === undefined ? `Try to ${scale}.` : `Lower the learning rate (now ${learningRate}) or ${scale}, and train again.`;
}

export interface NonFiniteTraining {
  algorithm: string;
  /** 1-based epoch whose readback (or the weights after it) held the non-finite value; 0: the starting weights' score. */
  epoch: number;
  /** The tfjs backend it ran on. */
  backend: string;
  engine?: 'native' | 'tfjs';
  /** What went non-finite: 'training loss', 'validation loss', 'weights' … */
  quantity: string;
  value: number;
  learningRate?: number;
}

/** "Training on WebGL produced non-finite values at epoch 2 (the training loss became NaN): the mlp diverged. …" */
export function nonFiniteTraining(f: NonFiniteTraining): EnclaveError {
  const on = f.engine === 'native' ? 'WASM (Enclave kernels)' : backendLabel(f.backend);
  return new EnclaveError(
    'non-finite',
    `Training on ${on} produced non-finite values at epoch ${f.epoch} (the ${f.quantity} became ${f.value}): the ${f.algorithm} diverged. ${advice(f.learningRate)}`,
    // The value as text: NaN and Infinity do not survive JSON (the worker boundary, the store).
    { ...f, value: String(f.value), advice: advice(f.learningRate) },
  );
}

/** A trained model whose predictions hold a NaN or ±Infinity (row is 0-based). */
export function nonFinitePredictions(algorithm: string, row: number, rows: number, learningRate?: number): EnclaveError {
  return new EnclaveError(
    'non-finite',
    `The trained ${algorithm} predicts non-finite values (row ${row + 1} of ${rows} is the first). ${advice(learningRate)}`,
    { algorithm, row, advice: advice(learningRate) },
  );
}

/** The job's error once every backend tried went non-finite: each backend with its epoch, then the advice. */
export function nonFiniteEverywhere(attempts: { backend: string; error: EnclaveError }[]): EnclaveError {
  const last = attempts[attempts.length - 1].error;
  if (attempts.length === 1) return last;
  const where = attempts.map((a) => `${backendLabel(a.backend)}${typeof a.error.detail?.epoch === 'number' ? ` (epoch ${a.error.detail.epoch})` : ''}`);
  const list = `${where.slice(0, -1).join(', ')} and ${where[where.length - 1]}`;
  const tip = typeof last.detail?.advice === 'string' ? ` ${last.detail.advice}` : '';
  return new EnclaveError('non-finite', `Training produced non-finite values on every backend tried: ${list}.${tip}`, {
    ...last.detail,
    attempts: attempts.map((a) => ({ backend: a.backend, ...(a.error.detail ?? {}), message: a.error.message })),
  });
}

/**
 * A split's features and target must be finite as the models see them (float32): a value past ±3.4e38 is finite in
 * the table but Infinity here, and would turn distances, sums and normal equations into NaN. That is the data's
 * problem on every backend, so it is 'invalid-argument' (no restart), naming the column and row.
 */
export function checkFiniteDataset(data: Dataset, split: string): void {
  const { n, d, y, shape } = data;
  // Compact rows made from checked columns are finite: X (made on first read) is not read for this.
  const checked = (data.compact && finiteMatrices.has(data.compact.dense)) || finiteMatrices.has(data.X);
  const bad = checked ? -1 : firstNonFinite(data.X.subarray(0, n * d));
  const badY = shape.task === 'regression' ? firstNonFinite(y.subarray(0, n)) : -1;
  if (bad < 0 && badY < 0) return;
  const column = bad >= 0 ? shape.features[bad % d] : 'the target';
  const row = bad >= 0 ? Math.floor(bad / d) : badY;
  const what = bad >= 0 ? `Feature "${column}"` : 'The target';
  throw new EnclaveError('invalid-argument', `${what} holds a value beyond 32-bit floats (±3.4e38) in the ${split} rows (row ${row + 1}): scale it (a standardise or min-max step in the recipe) or drop it.`, { column, row, split });
}
