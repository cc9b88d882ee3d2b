/**
 * Hyperparameter search, every trial scored on the validation split (accuracy, or −RMSE): a grid, a seeded random
 * search, and successive halving (all candidates on a small epoch budget, the best 1/eta go on with eta times more,
 * until one budget reaches the most epochs). Progress after every trial; cancel between batches. The best model (or
 * the `keep` best) is kept; the others are disposed as soon as they are beaten.
 */
import { EnclaveError, throwIfAborted } from '../core/errors.ts';
import { seeded } from '../core/random.ts';
import { checkSeed } from '../core/seed.ts';
import type { Dataset } from './matrix.ts';
import type { TrainedModel } from './models/saved.ts';
import { primaryScore, scoreModel, type Scores } from './models/score.ts';
import { parseSpec, type ModelSpec, type ModelSpecInput } from './models/spec.ts';
import { trainModel, type EpochLog, type TrainOutcome } from './train.ts';
import { isNonFinite } from './non-finite.ts';

export interface TrialResult {
  /** 0-based, in the order trials ran. */
  trial: number;
  spec: ModelSpec;
  /** Accuracy, or −RMSE, on the validation split (−Infinity for a trial that failed). */
  score: number;
  validation?: Scores;
  epochs: number;
  trainMs: number;
  /** Successive halving: the rung (0 = smallest budget). */
  rung?: number;
  error?: string;
  /** The candidate's epochs (train and validation loss and metric), for the leaderboard's curves. */
  history?: EpochLog[];
}

export interface TuneProgress {
  done: number;
  total: number;
  result: TrialResult;
  best: TrialResult;
}

export interface TuneOptions {
  seed?: number;
  signal?: AbortSignal;
  onTrial?: (p: TuneProgress) => void;
  onEpoch?: (trial: number, log: EpochLog) => void;
  /** How many of the best trained models to keep (default 1); the rest are disposed as soon as they are beaten. */
  keep?: number;
}

export interface Kept {
  result: TrialResult;
  outcome: TrainOutcome;
}

export interface TuneResult {
  best: TrialResult;
  model: TrainedModel;
  outcome: TrainOutcome;
  trials: TrialResult[];
  /** The `keep` best trials with their models, best first (the first is `model`). */
  kept: Kept[];
}

/** Train and score one candidate; failures other than a cancel become a failed trial (`error` keeps the thrown error). */
async function runTrial(spec: ModelSpec, trial: number, train: Dataset, val: Dataset, opts: TuneOptions): Promise<{ result: TrialResult; outcome?: TrainOutcome; error?: unknown }> {
  throwIfAborted(opts.signal);
  let outcome: TrainOutcome | undefined;
  try {
    outcome = await trainModel(spec, train, { validation: val, seed: opts.seed, signal: opts.signal, onEpoch: opts.onEpoch && ((l) => opts.onEpoch!(trial, l)) });
    const validation = await scoreModel(outcome.model, val);
    const score = primaryScore(validation);
    // A NaN score would sort anywhere (every comparison with it is false): such a trial is failed, never the best.
    if (!Number.isFinite(score)) throw new EnclaveError('non-finite', `The ${spec.algorithm}'s validation score is ${score}.`, { algorithm: spec.algorithm });
    return { result: { trial, spec, score, validation, epochs: outcome.epochs, trainMs: outcome.ms, history: outcome.history }, outcome };
  } catch (e) {
    outcome?.model.dispose();
    if (e instanceof EnclaveError && e.code === 'cancelled') throw e;
    return { result: { trial, spec, score: -Infinity, epochs: 0, trainMs: 0, error: e instanceof Error ? e.message : String(e) }, error: e };
  }
}

/** The `n` best so far, best first (earlier trials win ties); a model that drops out is disposed. */
function keepTop(top: Kept[], n: number, result: TrialResult, outcome?: TrainOutcome): Kept[] {
  if (!outcome) return top;
  const next = [...top, { result, outcome }].sort((a, b) => b.result.score - a.result.score || a.result.trial - b.result.trial);
  for (const x of next.slice(n)) x.outcome.model.dispose();
  return next.slice(0, n);
}

const disposeAll = (kept: Kept[]) => kept.forEach((k) => k.outcome.model.dispose());

/** The result; when every trial failed, an error — 'non-finite' when each failed so (the backend may be to blame). */
function finish(kept: Kept[], trials: TrialResult[], errors: unknown[]): TuneResult {
  if (!kept.length) {
    const message = `Every candidate failed: ${trials.map((t) => `${t.spec.algorithm}: ${t.error}`).join('; ')}`;
    const first = errors[0];
    if (errors.length && errors.every(isNonFinite) && isNonFinite(first)) throw new EnclaveError('non-finite', message, first.detail);
    throw new EnclaveError('invalid-argument', message);
  }
  return { best: kept[0].result, model: kept[0].outcome.model, outcome: kept[0].outcome, trials, kept };
}

/** Train every candidate on `train`, score it on `val`, return the best (and the table of trials). */
export async function evaluateCandidates(candidates: (ModelSpec | ModelSpecInput)[], train: Dataset, val: Dataset, opts: TuneOptions = {}): Promise<TuneResult> {
  const specs = candidates.map((c) => parseSpec(c));
  if (specs.length === 0) throw new EnclaveError('invalid-argument', 'There are no candidates to try.');
  if (opts.seed !== undefined) checkSeed(opts.seed);
  const trials: TrialResult[] = [];
  const errors: unknown[] = [];
  let kept: Kept[] = [];
  try {
    for (const spec of specs) {
      const { result, outcome, error } = await runTrial(spec, trials.length, train, val, opts);
      trials.push(result);
      if (error !== undefined) errors.push(error);
      kept = keepTop(kept, opts.keep ?? 1, result, outcome);
      opts.onTrial?.({ done: trials.length, total: specs.length, result, best: kept[0]?.result ?? result });
    }
  } catch (e) {
    disposeAll(kept);
    throw e;
  }
  return finish(kept, trials, errors);
}

/** Every combination of the listed values (the last hyperparameter varies fastest). */
export function gridSpecs(base: ModelSpecInput | ModelSpec, space: Record<string, unknown[]>): ModelSpec[] {
  let combos: Record<string, unknown>[] = [{}];
  for (const [name, values] of Object.entries(space)) {
    if (!Array.isArray(values) || values.length === 0) throw new EnclaveError('invalid-argument', `Search space: "${name}" needs a non-empty list of values.`, { hyperparameter: name });
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
  }
  return combos.map((c) => parseSpec({ algorithm: base.algorithm, hyperparameters: { ...(base.hyperparameters ?? {}), ...c } }));
}

/** A list to pick from, or a numeric range (log-uniform with `log`, rounded with `integer`). */
export type Distribution = unknown[] | { min: number; max: number; log?: boolean; integer?: boolean };

/** `count` seeded draws from the space. */
export function randomSpecs(base: ModelSpecInput | ModelSpec, space: Record<string, Distribution>, count: number, seed = 42): ModelSpec[] {
  const rng = seeded(checkSeed(seed));
  const draw = (name: string, d: Distribution): unknown => {
    if (Array.isArray(d)) {
      if (d.length === 0) throw new EnclaveError('invalid-argument', `Search space: "${name}" needs a non-empty list of values.`, { hyperparameter: name });
      return d[rng.int(d.length)];
    }
    if (!(d.min <= d.max) || (d.log && !(d.min > 0)))
      throw new EnclaveError('invalid-argument', `Search space: "${name}" needs min ≤ max${d.log ? ' and min > 0 on a log scale' : ''}.`, { hyperparameter: name });
    const u = rng.next();
    const x = d.log ? Math.exp(Math.log(d.min) + u * (Math.log(d.max) - Math.log(d.min))) : d.min + u * (d.max - d.min);
    return d.integer ? Math.min(d.max, Math.max(d.min, Math.round(x))) : x;
  };
  return Array.from({ length: count }, () => {
    const changes = Object.fromEntries(Object.entries(space).map(([name, d]) => [name, draw(name, d)]));
    return parseSpec({ algorithm: base.algorithm, hyperparameters: { ...(base.hyperparameters ?? {}), ...changes } });
  });
}

export function gridSearch(base: ModelSpecInput | ModelSpec, space: Record<string, unknown[]>, train: Dataset, val: Dataset, opts: TuneOptions = {}): Promise<TuneResult> {
  return evaluateCandidates(gridSpecs(base, space), train, val, opts);
}

export function randomSearch(base: ModelSpecInput | ModelSpec, space: Record<string, Distribution>, count: number, train: Dataset, val: Dataset, opts: TuneOptions = {}): Promise<TuneResult> {
  return evaluateCandidates(randomSpecs(base, space, count, opts.seed), train, val, opts);
}

export interface HalvingOptions extends TuneOptions {
  /** Epochs of the first rung (default 10). */
  minEpochs?: number;
  /** Epochs of the last rung (default: the candidates' own epochs, at most). */
  maxEpochs?: number;
  /** Keep 1/eta of the candidates per rung, and give them eta times more epochs (default 3). */
  eta?: number;
}

/**
 * Successive halving over candidates trained by epochs (logistic, mlp); others (linear, knn) have no budget to grow
 * and are scored once, in the first rung, and then compete on that score.
 */
export async function successiveHalving(candidates: (ModelSpec | ModelSpecInput)[], train: Dataset, val: Dataset, opts: HalvingOptions = {}): Promise<TuneResult> {
  const eta = opts.eta ?? 3;
  if (!(eta >= 2)) throw new EnclaveError('invalid-argument', `Successive halving: eta must be at least 2 (got ${eta}).`);
  const specs = candidates.map((c) => parseSpec(c));
  if (specs.length === 0) throw new EnclaveError('invalid-argument', 'There are no candidates to try.');
  if (opts.seed !== undefined) checkSeed(opts.seed);
  const epochsOf = (s: ModelSpec) => ('epochs' in s.hyperparameters ? s.hyperparameters.epochs : 0);
  const maxEpochs = opts.maxEpochs ?? Math.max(1, ...specs.map(epochsOf));
  let budget = Math.min(opts.minEpochs ?? 10, maxEpochs);
  const rungs = Math.max(1, Math.ceil(Math.log(maxEpochs / budget) / Math.log(eta) + 1e-9) + 1);
  // Rung sizes shrink by eta: the total number of trials is known up front, for progress.
  let total = 0;
  for (let r = 0, m = specs.length; r < rungs && m > 0; r++, m = r === rungs - 1 ? Math.min(1, m) : Math.ceil(m / eta)) total += m;
  const trials: TrialResult[] = [];
  const errors: unknown[] = [];
  let kept: Kept[] = [];
  let alive = specs.map((spec, i) => ({ spec, i, score: -Infinity }));
  try {
    for (let rung = 0; rung < rungs && alive.length > 0; rung++) {
      const last = rung === rungs - 1 || alive.length === 1;
      for (const c of alive) {
        const fixed = epochsOf(c.spec) === 0;
        if (fixed && rung > 0) continue;
        const spec = fixed ? c.spec : parseSpec({ algorithm: c.spec.algorithm, hyperparameters: { ...c.spec.hyperparameters, epochs: Math.min(budget, epochsOf(c.spec)) } });
        const { result, outcome, error } = await runTrial(spec, trials.length, train, val, opts);
        if (error !== undefined) errors.push(error);
        result.rung = rung;
        trials.push(result);
        c.score = result.score;
        // Only fully trained models (the last rung, or models without epochs) can be returned.
        if (last || fixed) kept = keepTop(kept, opts.keep ?? 1, result, outcome);
        else outcome?.model.dispose();
        opts.onTrial?.({ done: trials.length, total: Math.max(total, trials.length), result, best: kept[0]?.result ?? result });
      }
      if (last) break;
      alive = [...alive].sort((a, b) => b.score - a.score || a.i - b.i).slice(0, Math.max(1, Math.ceil(alive.length / eta)));
      budget = rung + 1 === rungs - 1 ? maxEpochs : Math.min(maxEpochs, budget * eta);
    }
  } catch (e) {
    disposeAll(kept);
    throw e;
  }
  return finish(kept, trials, errors);
}
