/**
 * Model specs: `{ algorithm, hyperparameters }`, plain JSON like a tfjs-layers config. parseSpec validates them
 * (valibot) and fills defaults; a bad value is EnclaveError('invalid-argument') naming the hyperparameter and its
 * allowed range ("mlp: learningRate must be a number > 0 and ≤ 10 (got -0.1)").
 */
import * as v from 'valibot';
import { EnclaveError } from '../../core/errors.ts';
import { parseJsonText } from '../../core/json-text.ts';

export const ALGORITHMS = ['linear', 'logistic', 'mlp', 'knn'] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

interface Range {
  gt?: number;
  min?: number;
  max?: number;
  lt?: number;
  integer?: boolean;
}

function rangeText(r: Range): string {
  const parts: string[] = [];
  if (r.gt !== undefined) parts.push(`> ${r.gt}`);
  if (r.min !== undefined) parts.push(`≥ ${r.min}`);
  if (r.lt !== undefined) parts.push(`< ${r.lt}`);
  if (r.max !== undefined) parts.push(`≤ ${r.max}`);
  return `${r.integer ? 'an integer' : 'a number'}${parts.length ? ' ' + parts.join(' and ') : ''}`;
}

function inRange(x: number, r: Range): boolean {
  return Number.isFinite(x) && (!r.integer || Number.isInteger(x)) && (r.gt === undefined || x > r.gt) && (r.min === undefined || x >= r.min) &&
    (r.lt === undefined || x < r.lt) && (r.max === undefined || x <= r.max);
}

/** A number hyperparameter whose messages name it and its range. */
function num(name: string, r: Range) {
  const text = `${name} must be ${rangeText(r)}`;
  return v.pipe(
    v.number((i) => `${text} (got ${JSON.stringify(i.input) ?? String(i.input)})`),
    v.check((x) => inRange(x, r), (i) => `${text} (got ${String(i.input)})`),
  );
}

function pick<const T extends readonly string[]>(name: string, options: T) {
  return v.picklist(options, (i) => `${name} must be one of ${options.join(', ')} (got ${JSON.stringify(i.input)})`);
}

const classWeight = pick('classWeight', ['none', 'balanced'] as const);
const optimizer = v.picklist(['adam', 'sgd'] as const, (i) =>
  `optimizer must be one of adam, sgd (got ${JSON.stringify(i.input)})${i.input === 'lbfgs' ? ': L-BFGS solves logistic regression only; an MLP trains by mini-batches' : ''}`);
/**
 * Logistic regression is solved by default as scikit-learn's solver='lbfgs' does: full batch, quasi-Newton
 * (models/logistic-lbfgs.ts), so it converges at any row count. With it, l2 = 1/C on the SUM of per-row losses,
 * Σ loss + (l2/2)·‖W‖², so the penalty does not fade or grow against the data as rows are added; its default l2 is 1,
 * sklearn's default C = 1. A binary target keeps two softmax columns: sklearn's multi_class='multinomial' at C, and its
 * default binary (sigmoid) fit at C is l2 = 2/C. epochs is the iteration limit; learningRate, batchSize and patience
 * are unused. 'adam' and 'sgd' train it by mini-batches instead (l2 then on the MEAN loss, default 1e-3).
 */
const logisticOptimizer = pick('optimizer', ['adam', 'sgd', 'lbfgs'] as const);

/** Limits keep a typo (epochs: 1e9) from freezing the tab; they are far above anything useful for tabular data. */
const schemas = {
  linear: v.strictObject({
    l2: v.optional(num('l2', { min: 0, max: 1e6 }), 1e-8),
  }),
  logistic: v.strictObject({
    // Its default depends on the optimizer (the two penalise different sums): filled in by parseSpec.
    l2: v.optional(num('l2', { min: 0, max: 1e3 })),
    optimizer: v.optional(logisticOptimizer, 'lbfgs'),
    learningRate: v.optional(num('learningRate', { gt: 0, max: 10 }), 0.03),
    batchSize: v.optional(num('batchSize', { integer: true, min: 1, max: 1 << 20 }), 64),
    epochs: v.optional(num('epochs', { integer: true, min: 1, max: 100000 }), 300),
    patience: v.optional(num('patience', { integer: true, min: 0, max: 100000 }), 20),
    classWeight: v.optional(classWeight, 'none'),
  }),
  mlp: v.strictObject({
    units: v.optional(
      v.pipe(
        v.array(num('units', { integer: true, min: 1, max: 4096 }), (i) => `units must be a list of layer sizes like [64, 32] (got ${JSON.stringify(i.input)})`),
        v.maxLength(16, 'units: at most 16 hidden layers'),
      ),
      [64, 32],
    ),
    activation: v.optional(pick('activation', ['relu', 'tanh', 'sigmoid'] as const), 'relu'),
    dropout: v.optional(num('dropout', { min: 0, lt: 1 }), 0),
    l2: v.optional(num('l2', { min: 0, max: 1e3 }), 1e-4),
    optimizer: v.optional(optimizer, 'adam'),
    learningRate: v.optional(num('learningRate', { gt: 0, max: 10 }), 1e-3),
    batchSize: v.optional(num('batchSize', { integer: true, min: 1, max: 1 << 20 }), 32),
    epochs: v.optional(num('epochs', { integer: true, min: 1, max: 100000 }), 200),
    patience: v.optional(num('patience', { integer: true, min: 0, max: 100000 }), 20),
    classWeight: v.optional(classWeight, 'none'),
  }),
  knn: v.strictObject({
    k: v.optional(num('k', { integer: true, min: 1, max: 1000 }), 5),
    distance: v.optional(pick('distance', ['euclidean'] as const), 'euclidean'),
  }),
};

export type LinearHyperparameters = v.InferOutput<typeof schemas.linear>;
export type LogisticHyperparameters = Omit<v.InferOutput<typeof schemas.logistic>, 'l2'> & { l2: number };

/** Logistic regression's default l2: sklearn's C = 1 for the full-batch solve, 1e-3 on the mean loss for mini-batches. */
export const logisticDefaultL2 = (optimizer: LogisticHyperparameters['optimizer']) => (optimizer === 'lbfgs' ? 1 : 1e-3);
export type MlpHyperparameters = v.InferOutput<typeof schemas.mlp>;
export type KnnHyperparameters = v.InferOutput<typeof schemas.knn>;

export type SingleSpec =
  | { algorithm: 'linear'; hyperparameters: LinearHyperparameters }
  | { algorithm: 'logistic'; hyperparameters: LogisticHyperparameters }
  | { algorithm: 'mlp'; hyperparameters: MlpHyperparameters }
  | { algorithm: 'knn'; hyperparameters: KnnHyperparameters };

/** Members trained alike (same data and seed); the ensemble predicts the mean of their probabilities or values. */
export type EnsembleSpec = { algorithm: 'ensemble'; hyperparameters: { members: SingleSpec[] } };

export type ModelSpec = SingleSpec | EnsembleSpec;

/** A spec as people write it: any hyperparameter may be left out (its default applies). */
export type ModelSpecInput = { algorithm: Algorithm | 'ensemble' | string; hyperparameters?: Record<string, unknown> };

/** Hyperparameters trained by the gradient loop (logistic and mlp share it). */
export type LoopHyperparameters = LogisticHyperparameters | MlpHyperparameters;

/** Validate a spec (object or JSON text) and fill every default. */
export function parseSpec(input: unknown): ModelSpec {
  input = parseJsonText(input, 'invalid-argument', 'The model spec');
  if (!input || typeof input !== 'object' || Array.isArray(input))
    throw new EnclaveError('invalid-argument', 'A model spec is { "algorithm": "mlp", "hyperparameters": { … } }.');
  const { algorithm, hyperparameters = {}, ...rest } = input as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length) throw new EnclaveError('invalid-argument', `A model spec has only "algorithm" and "hyperparameters"; unknown field "${extra[0]}".`);
  if (algorithm === 'ensemble') return parseEnsemble(hyperparameters);
  if (typeof algorithm !== 'string' || !(ALGORITHMS as readonly string[]).includes(algorithm))
    throw new EnclaveError('invalid-argument', `Unknown algorithm ${JSON.stringify(algorithm)}: use one of ${ALGORITHMS.join(', ')} (or ensemble).`, { algorithm });
  const schema = schemas[algorithm as Algorithm];
  const r = v.safeParse(schema, hyperparameters);
  if (r.success) {
    const out = r.output as Record<string, unknown>;
    if (algorithm === 'logistic' && out.l2 === undefined) out.l2 = logisticDefaultL2(out.optimizer as LogisticHyperparameters['optimizer']);
    return { algorithm, hyperparameters: out } as ModelSpec;
  }
  const known = Object.keys(schema.entries);
  const unknown = r.issues.find((i) => i.type === 'strict_object' && i.expected === 'never');
  if (unknown) {
    const name = v.getDotPath(unknown) ?? '';
    throw new EnclaveError('invalid-argument', `${algorithm}: unknown hyperparameter "${name}" (known: ${known.join(', ')}).`, { algorithm, hyperparameter: name });
  }
  const issue = r.issues[0];
  const path = v.getDotPath(issue) ?? '';
  const name = path.split('.')[0];
  const message = issue.message.startsWith(name) ? issue.message : `${name}: ${issue.message}`;
  throw new EnclaveError('invalid-argument', `${algorithm}: ${message}.`, { algorithm, hyperparameter: name });
}

function parseEnsemble(hp: unknown): EnsembleSpec {
  const { members, ...rest } = (hp ?? {}) as { members?: unknown };
  const extra = Object.keys(rest);
  if (extra.length) throw new EnclaveError('invalid-argument', `ensemble: unknown hyperparameter "${extra[0]}" (known: members).`, { algorithm: 'ensemble', hyperparameter: extra[0] });
  if (!Array.isArray(members) || members.length === 0 || members.length > 32)
    throw new EnclaveError('invalid-argument', 'ensemble: members must be a list of 1 to 32 model specs.', { algorithm: 'ensemble', hyperparameter: 'members' });
  const parsed = members.map((m, i) => {
    const spec = parseSpec(m);
    if (spec.algorithm === 'ensemble') throw new EnclaveError('invalid-argument', `ensemble: member ${i + 1} is itself an ensemble; list its members instead.`, { algorithm: 'ensemble', hyperparameter: 'members' });
    return spec;
  });
  return { algorithm: 'ensemble', hyperparameters: { members: parsed } };
}

/** The defaults of an algorithm (parseSpec of an empty hyperparameter object). */
export function defaultSpec(algorithm: Algorithm): ModelSpec {
  return parseSpec({ algorithm, hyperparameters: {} });
}

/** Can this spec predict this task (every member of an ensemble)? */
export function specSupports(spec: ModelSpec, task: 'classification' | 'regression'): boolean {
  return spec.algorithm === 'ensemble' ? spec.hyperparameters.members.every((m) => supportsTask(m.algorithm, task)) : supportsTask(spec.algorithm, task);
}

/** The same spec with some hyperparameters replaced (validated again). */
export function withHyperparameters(spec: ModelSpec | ModelSpecInput, changes: Record<string, unknown>): ModelSpec {
  return parseSpec({ algorithm: spec.algorithm, hyperparameters: { ...(spec.hyperparameters ?? {}), ...changes } });
}

/** Classification or regression-only algorithms. */
export function supportsTask(algorithm: Algorithm, task: 'classification' | 'regression'): boolean {
  if (algorithm === 'linear') return task === 'regression';
  if (algorithm === 'logistic') return task === 'classification';
  return true;
}
