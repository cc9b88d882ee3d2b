/**
 * What a federation trains, as the operator's studio writes it into the federation's `model` setting (opaque to the
 * aggregator): the fitted recipe, the input columns, the features and classes, the algorithm and its settings. Every
 * client applies the same fitted recipe, so column j of every client's matrix is the same feature and the weight
 * vectors line up; a recipe fitted on each client's own rows would one-hot other categories and scale by other means.
 * The weights themselves travel as raw float32 in the network's flat order (kernel 1, bias 1, kernel 2, …).
 */
import * as v from 'valibot';
import { EnclaveError } from '../core/errors.ts';
import type { FittedRecipe } from '../core/recipe/types.ts';
import type { DataShape } from '../ml/matrix.ts';
import { seeded } from '../core/random.ts';
import { architecture, blockSizes, flatten, initialWeights, NetworkModel, unflattenValues, type NetworkSpec } from '../ml/models/network.ts';
import { parseSpec } from '../ml/models/spec.ts';
import type { InputField } from '../services/check-batch.ts';
import { parseFittedRecipe } from '../standalone/fitted-recipe.ts';

export const FEDERATED_MODEL_FORMAT = 'enclave-federated-model';

export interface FederatedModel {
  format: typeof FEDERATED_MODEL_FORMAT;
  version: 1;
  /** The name the global model is registered under at the end. */
  name: string;
  target: string;
  task: 'classification';
  classNames: string[];
  features: string[];
  inputSchema: InputField[];
  fitted: FittedRecipe;
  spec: NetworkSpec;
  /** Seeds each client's shuffles (mixed with its client id, so clients do not shuffle alike). */
  seed: number;
}

const COLUMN_TYPES = ['integer', 'float', 'boolean', 'datetime', 'identifier', 'categorical', 'text'] as const;
const name = v.pipe(v.string(), v.minLength(1), v.maxLength(500));

const Schema = v.strictObject({
  format: v.literal(FEDERATED_MODEL_FORMAT),
  version: v.literal(1),
  name,
  target: name,
  task: v.literal('classification'),
  classNames: v.pipe(v.array(name), v.minLength(2), v.maxLength(1000)),
  features: v.pipe(v.array(name), v.minLength(1), v.maxLength(100_000)),
  inputSchema: v.pipe(v.array(v.strictObject({ name, type: v.picklist(COLUMN_TYPES), kind: v.picklist(['numeric', 'string']) })), v.maxLength(100_000)),
  fitted: v.unknown(),
  spec: v.unknown(),
  seed: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(2 ** 32 - 1))
});

/** The federation's model setting, validated (its recipe by each step's own parse, its spec by the model parser). */
export function parseFederatedModel(json: unknown): FederatedModel {
  const r = v.safeParse(Schema, json);
  if (!r.success) {
    const issue = r.issues[0];
    throw new EnclaveError('invalid-argument', `The federation's model is not one this studio can train (${v.getDotPath(issue) ?? 'top level'}: ${issue.message}).`);
  }
  const m = r.output;
  const spec = parseSpec(m.spec as never);
  if (spec.algorithm !== 'logistic' && spec.algorithm !== 'mlp')
    throw new EnclaveError('invalid-argument', `A federation trains a logistic regression or an MLP (they average weight by weight); this one names ${spec.algorithm}.`, { algorithm: spec.algorithm });
  return { ...m, fitted: parseFittedRecipe(m.fitted), spec };
}

export function shapeOf(m: Pick<FederatedModel, 'features' | 'classNames'>): DataShape {
  return { task: 'classification', features: [...m.features], classNames: [...m.classNames] };
}

/** How many float32 values the weights of this model are. */
export function parameterCount(m: Pick<FederatedModel, 'features' | 'classNames' | 'spec'>): number {
  return blockSizes(architecture(m.spec, shapeOf(m))).reduce((a, b) => a + b, 0);
}

/** A model that predicts with the given flat weights (dispose it after use: it holds tensors). */
export function networkOf(m: FederatedModel, weights: Float32Array): NetworkModel {
  const arch = architecture(m.spec, shapeOf(m));
  if (weights.length !== parameterCount(m)) throw new EnclaveError('invalid-argument', `The global weights have ${weights.length} values; this model needs ${parameterCount(m)}.`);
  return new NetworkModel(m.spec, shapeOf(m), m.seed, unflattenValues(weights, arch));
}

/** A trained network's weights in the flat order the federation exchanges. */
export function flatWeights(model: NetworkModel): Float32Array {
  return flatten(model.values);
}

/** What a registered model version (or a bundle's manifest) says about its inputs and outputs. */
export interface ModelCardLike {
  name: string;
  target: string;
  task: 'classification' | 'regression';
  features: string[];
  classNames?: string[];
  inputSchema: readonly InputField[];
  fitted: FittedRecipe;
}

/**
 * The operator's side: a federation's model from a model version — its fitted recipe, columns and classes, its
 * algorithm and settings. The global weights start from that version's weights (`startFrom`), or from the seeded init
 * when the operator starts from scratch.
 */
export function federatedModelOf(card: ModelCardLike, spec: NetworkSpec, seed: number): FederatedModel {
  if (card.task !== 'classification' || !card.classNames)
    throw new EnclaveError('invalid-argument', `Federations train classifiers for now; ${card.name} predicts numbers (a regression), whose target scale each client would set differently.`);
  return parseFederatedModel({
    format: FEDERATED_MODEL_FORMAT,
    version: 1,
    name: card.name,
    target: card.target,
    task: 'classification',
    classNames: [...card.classNames],
    features: [...card.features],
    inputSchema: card.inputSchema.map(({ name, type, kind }) => ({ name, type, kind })),
    fitted: JSON.parse(JSON.stringify(card.fitted)),
    spec: JSON.parse(JSON.stringify(spec)),
    seed
  });
}

/** The seeded starting weights (Glorot-uniform kernels, zero biases), as a cold training run would draw them. */
export function seededWeights(m: FederatedModel): Float32Array {
  return flatten(initialWeights(architecture(m.spec, shapeOf(m)), seeded(m.seed)));
}
