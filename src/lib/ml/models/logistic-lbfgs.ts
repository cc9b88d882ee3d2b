/**
 * Logistic regression solved as scikit-learn's LogisticRegression(solver='lbfgs', multi_class='multinomial') does:
 * full-batch softmax cross-entropy in float64, gradient by hand, minimised by L-BFGS (solvers/lbfgs.ts) from zero
 * weights (or a warm start's). The objective is
 *     Σ_i s_i · CE_i  +  (l2 / 2) · ‖W‖²        (bias not penalised; s_i = 1, or 'balanced' class weights)
 * so l2 = 1/C and the penalty does not shrink as rows are added — a separable rule is learnt at any size. A binary
 * target keeps two softmax columns (the model's output layer); that equals sklearn's binary fit with C doubled.
 * Iterations stop at max |∇| ≤ gtol (sklearn's tol, 1e-4, on the summed objective as in sklearn 1.2), a relative
 * decrease ≤ 2.2e-9 (scipy's default), or `epochs` iterations. The result is the same NetworkModel Adam would give.
 */
import { EnclaveError } from '../../core/errors.ts';
import { nextTask } from '../../core/next-task.ts';
import type { Dataset } from '../matrix.ts';
import { lbfgs } from '../solvers/lbfgs.ts';
import { balancedWeights } from '../network-fit.ts';
import type { EpochLog, TrainOptions, TrainOutcome } from '../train.ts';
import { startingWeights } from '../warm-start.ts';
import { architecture, NetworkModel, unflattenValues } from './network.ts';
import type { LogisticHyperparameters } from './spec.ts';

export interface LbfgsTolerances {
  /** Max |gradient| at which to stop (default 1e-4, sklearn's tol). */
  gtol?: number;
  /** Relative decrease of the objective at which to stop (default scipy's 2.2e-9). */
  ftol?: number;
}

/** Rows between checks of the clock and the signal: a few milliseconds of work at d = 20. */
const BLOCK = 4096;
/** Longest stretch between yields to the event loop (a worker then sees a cancel message). */
const SLICE_MS = 25;

/** Sums over a dataset at weights theta (kernel [d, k] row-major, then bias [k]). */
interface Pass {
  /** Σ s_i · CE_i (class-weighted), or unweighted when no weights. */
  weighted: number;
  /** Σ CE_i, unweighted. */
  loss: number;
  correct: number;
}

type Checkpoint = () => void | Promise<void>;

/** One pass: losses, right answers and (when `grad` is given) ∂(Σ s_i CE_i)/∂theta added into grad. */
async function pass(data: Dataset, k: number, theta: Float64Array, rowWeight: Float32Array | null, grad: Float64Array | null, checkpoint: Checkpoint): Promise<Pass> {
  const { X, n, d } = data;
  const y = data.y as Int32Array;
  const z = new Float64Array(k);
  const out: Pass = { weighted: 0, loss: 0, correct: 0 };
  const biasAt = d * k;
  // Class-major copies (k × d) of the kernel and its gradient: the inner loops then run over one row's features,
  // contiguous in X and here, which is several times faster than a k-wide inner loop for the k = 2 … 10 of tables.
  const wt = new Float64Array(k * d);
  for (let j = 0; j < d; j++) for (let c = 0; c < k; c++) wt[c * d + j] = theta[j * k + c];
  const gt = grad ? new Float64Array(k * d) : null;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    for (let i = start; i < end; i++) {
      const row = i * d;
      for (let c = 0; c < k; c++) {
        let s = theta[biasAt + c];
        const base = c * d;
        for (let j = 0; j < d; j++) s += X[row + j] * wt[base + j];
        z[c] = s;
      }
      let max = z[0];
      let arg = 0;
      for (let c = 1; c < k; c++) if (z[c] > max) (max = z[c]), (arg = c);
      let sum = 0;
      for (let c = 0; c < k; c++) sum += Math.exp(z[c] - max);
      const yi = y[i];
      const ce = max + Math.log(sum) - z[yi];
      const s = rowWeight ? rowWeight[yi] : 1;
      out.loss += ce;
      out.weighted += s * ce;
      if (arg === yi) out.correct++;
      if (!gt) continue;
      // ∂CE/∂z_c = p_c − 1{c = y}
      for (let c = 0; c < k; c++) {
        const r = (s * Math.exp(z[c] - max)) / sum - (c === yi ? s : 0);
        grad![biasAt + c] += r;
        const base = c * d;
        for (let j = 0; j < d; j++) gt[base + j] += r * X[row + j];
      }
    }
    await checkpoint();
  }
  if (gt) for (let j = 0; j < d; j++) for (let c = 0; c < k; c++) grad![j * k + c] += gt[c * d + j];
  return out;
}

export async function fitLogisticLbfgs(
  spec: { algorithm: 'logistic'; hyperparameters: LogisticHyperparameters },
  data: Dataset,
  seed: number,
  opts: TrainOptions,
  tolerances: LbfgsTolerances = {},
): Promise<Omit<TrainOutcome, 'metric' | 'ms'>> {
  const hp = spec.hyperparameters;
  const { shape, n, d } = data;
  if (shape.task !== 'classification') throw new EnclaveError('invalid-argument', 'Logistic regression predicts classes; this target is a regression task.', { algorithm: 'logistic' });
  const arch = architecture(spec, shape);
  const k = arch.sizes[1];
  const validation = opts.validation && opts.validation.n > 0 ? opts.validation : null;
  const rowWeight = hp.classWeight === 'balanced' ? balancedWeights(data.y as Int32Array, k) : null;
  // sklearn starts from zeros; a warm start (sklearn's warm_start) from the given weights.
  const x0 = opts.initial !== undefined ? Float64Array.from(startingWeights(spec, shape, opts.initial).weights) : new Float64Array(d * k + k);

  let lastYield = performance.now();
  const checkpoint = async () => {
    if (opts.signal?.aborted) throw new EnclaveError('cancelled', 'Cancelled.');
    if (performance.now() - lastYield > SLICE_MS) {
      await nextTask();
      lastYield = performance.now();
      if (opts.signal?.aborted) throw new EnclaveError('cancelled', 'Cancelled.');
    }
  };
  // Each evaluation's unweighted loss and accuracy, found again by its objective value when its step is accepted.
  const seen = new Map<number, { loss: number; correct: number }>();
  const objective = async (theta: Float64Array, g: Float64Array): Promise<number> => {
    g.fill(0);
    const p = await pass(data, k, theta, rowWeight, g, checkpoint);
    let penalty = 0;
    for (let i = 0; i < d * k; i++) {
      penalty += theta[i] * theta[i];
      g[i] += hp.l2 * theta[i];
    }
    const f = p.weighted + (hp.l2 / 2) * penalty;
    seen.set(f, { loss: p.loss, correct: p.correct });
    return f;
  };
  const logOf = async (epoch: number, theta: Float64Array, at: { loss: number; correct: number }): Promise<EpochLog> => {
    const log: EpochLog = { epoch, loss: at.loss / n, metric: at.correct / n };
    if (validation) {
      const v = await pass(validation, k, theta, null, null, checkpoint);
      (log.valLoss = v.loss / validation.n), (log.valMetric = v.correct / validation.n);
    }
    return log;
  };

  const history: EpochLog[] = [];
  let start: EpochLog | undefined;
  const result = await lbfgs(
    async (theta, g) => {
      const f = await objective(theta, g);
      if (!start) start = await logOf(0, theta, seen.get(f)!);
      return f;
    },
    x0,
    {
      maxIter: hp.epochs,
      m: 10,
      gtol: tolerances.gtol ?? 1e-4,
      ftol: tolerances.ftol,
      onIteration: async (iteration, f, theta) => {
        const log = await logOf(iteration, theta, seen.get(f) ?? { loss: NaN, correct: NaN });
        seen.clear();
        history.push(log);
        opts.onEpoch?.(log);
        await checkpoint();
      },
    },
  );
  const weights = Float32Array.from(result.x);
  const bad = weights.findIndex((w) => !Number.isFinite(w));
  if (bad >= 0)
    throw new EnclaveError('non-finite', `Logistic regression (L-BFGS) produced a non-finite ${bad < d * k ? `coefficient for "${shape.features[Math.floor(bad / k)]}"` : 'intercept'}: scale the features (a standardise or min-max step in the recipe).`, { algorithm: 'logistic', optimizer: 'lbfgs' });
  const model = new NetworkModel(spec, shape, seed, unflattenValues(weights, arch));
  return { model, history, start, epochs: result.iterations, bestEpoch: result.iterations, stoppedEarly: false };
}
