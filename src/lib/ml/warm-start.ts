/**
 * Warm start: the weights a dense network's training starts from instead of the seeded init — a champion being
 * retrained, or the global weights a federated client continues from. They must be those of a saved model of the same
 * algorithm, hidden layers, features and classes (every layer's shape then matches); anything else is refused,
 * saying what differs. Only the weights carry over: the optimiser's state (Adam's moments) starts fresh, as the saved
 * form does not hold it.
 */
import { EnclaveError } from '../core/errors.ts';
import type { DataShape } from './matrix.ts';
import { architecture, flatten } from './models/network.ts';
import { parseSaved, weightOf, type LoadedModel, type SavedModel, type TrainedModel } from './models/saved.ts';
import type { ModelSpec } from './models/spec.ts';

/** Starting weights: a trained model, its saved JSON (model.toJSON()), or that JSON as text. */
export type WarmStart = TrainedModel | SavedModel | string;

/** An algorithm's name with its article, for messages. */
const A_NAME = new Map([['logistic', 'a logistic regression'], ['mlp', 'an MLP'], ['linear', 'a linear regression'], ['knn', 'a k-nearest neighbours model'], ['ensemble', 'an ensemble']]);
const aName = (algorithm: string) => A_NAME.get(algorithm) ?? `a ${algorithm}`;

/** Why this spec cannot start from given weights, or null when it can (logistic regression and the MLP). */
export function warmStartRefusal(spec: ModelSpec): string | null {
  switch (spec.algorithm) {
    case 'logistic':
    case 'mlp':
      return null;
    case 'linear':
      return 'Linear regression is solved exactly in closed form: starting weights would not change its result. Train it without a warm start.';
    case 'knn':
      return 'k-nearest neighbours stores its training rows: it has no weights to start from. Train it without a warm start.';
    case 'ensemble':
      return 'A warm start applies to one logistic regression or MLP, not to an ensemble: train its members without a warm start.';
  }
}

/** Refuses a warm start for a spec that has no starting weights (see warmStartRefusal). */
export function checkWarmStartable(spec: ModelSpec): void {
  const why = warmStartRefusal(spec);
  if (why) throw new EnclaveError('invalid-argument', why, { algorithm: spec.algorithm });
}

const list = (xs: readonly (string | number)[]) => `[${xs.join(', ')}]`;

function refuse(message: string, what: string): never {
  throw new EnclaveError('invalid-argument', `The starting weights do not fit this training: ${message}`, { warmStart: what });
}

/** The first way `m` differs from what this run trains, in a person's terms; nothing when it fits. */
function checkFits(m: LoadedModel, spec: ModelSpec, shape: DataShape): void {
  if (m.spec.algorithm !== spec.algorithm) refuse(`they are ${aName(m.spec.algorithm)}'s, and this run trains ${aName(spec.algorithm)}.`, 'algorithm');
  if (m.shape.task !== shape.task) refuse(`they predict a ${m.shape.task} target, and this target is a ${shape.task} task.`, 'task');
  const [had, has] = [m.shape.features, shape.features];
  if (had.length !== has.length) refuse(`they were trained on ${had.length} features, and this data has ${has.length}.`, 'features');
  const at = had.findIndex((f, i) => f !== has[i]);
  // Weights are tied to columns by position: a different column in the same place would be read with the wrong weights.
  if (at >= 0) refuse(`feature ${at + 1} is "${had[at]}" there and "${has[at]}" here.`, 'features');
  const [was, is] = [m.shape.classNames ?? [], shape.classNames ?? []];
  if (was.length !== is.length) refuse(`they predict ${was.length} classes, and this target has ${is.length}.`, 'classes');
  const cls = was.findIndex((c, i) => c !== is[i]);
  if (cls >= 0) refuse(`class ${cls + 1} is "${was[cls]}" there and "${is[cls]}" here.`, 'classes');
  if (spec.algorithm === 'mlp' && m.spec.algorithm === 'mlp') {
    const [u0, u1] = [m.spec.hyperparameters.units, spec.hyperparameters.units];
    if (u0.length !== u1.length || u0.some((u, i) => u !== u1[i])) refuse(`they have hidden layers ${list(u0)}, and this spec has ${list(u1)}.`, 'layers');
  }
}

/**
 * The given weights flat (models/network.ts flatten() layout) for a network of `spec` on data of `shape`, and the
 * target standardisation they were trained with (a regression network's output means nothing without it).
 */
export function startingWeights(spec: ModelSpec, shape: DataShape, given: WarmStart): { weights: Float32Array; target?: { mean: number; std: number } } {
  checkWarmStartable(spec);
  const json = typeof given === 'object' && given !== null && typeof (given as TrainedModel).toJSON === 'function' ? (given as TrainedModel).toJSON() : given;
  const m = parseSaved(json);
  checkFits(m, spec, shape);
  const arch = architecture(spec as Extract<ModelSpec, { algorithm: 'logistic' | 'mlp' }>, shape);
  const values = arch.sizes.slice(1).map((fanOut, l) => ({
    kernel: weightOf(m, `dense_${l + 1}/kernel`, [arch.sizes[l], fanOut]),
    bias: weightOf(m, `dense_${l + 1}/bias`, [fanOut]),
  }));
  const target = shape.task === 'regression' ? (m.target ?? { mean: 0, std: 1 }) : undefined;
  if (target && !(target.std > 0 && Number.isFinite(target.std) && Number.isFinite(target.mean))) refuse(`their target standardisation (mean ${target.mean}, std ${target.std}) is not usable.`, 'target');
  return { weights: flatten(values), ...(target ? { target } : {}) };
}
