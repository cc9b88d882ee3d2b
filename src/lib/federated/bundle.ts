/**
 * Model bundles and federations, both ways. An operator starts a federation from a bundle: its fitted recipe, input
 * columns, classes and algorithm become the federation's model setting, and its weights (or the seeded init) the
 * initial global weights. A client writes the federation's final global model as a bundle, like any trained model.
 */
import { EnclaveError } from '../core/errors.ts';
import type { Table } from '../core/table.ts';
import { summariseTable } from '../core/validate/drift/summary.ts';
import { architecture, flatten, type NetworkSpec } from '../ml/models/network.ts';
import { parseSaved, weightOf } from '../ml/models/saved.ts';
import type { Scores } from '../ml/models/score.ts';
import type { Bundle } from '../services/bundle/index.ts';
import { exportBundle } from '../services/bundle/index.ts';
import { predictionSummaryOf } from '../services/monitor-batch.ts';
import type { ModelCard } from '../services/predict.ts';
import { federatedModelOf, networkOf, parameterCount, seededWeights, type FederatedModel } from './model-spec.ts';

const ALGORITHM_NAMES: Record<string, string> = { knn: 'a k-nearest-neighbours model', linear: 'a linear regression', ensemble: 'an ensemble' };

export interface FederationStart {
  model: FederatedModel;
  /** The initial global weights, in the network's flat order (kernel 1, bias 1, kernel 2, …). */
  weights: Float32Array;
}

/**
 * The federation's model and initial weights from a bundle (read and checked by readBundle). Only a logistic
 * regression or an MLP can federate: their weights average coordinate by coordinate. `fromScratch` starts from the
 * seeded init instead of the bundle's trained weights; `seed` replaces the bundle model's seed.
 */
export function federationStartOf(bundle: Bundle, opts: { fromScratch?: boolean; seed?: number } = {}): FederationStart {
  const loaded = parseSaved(bundle.model);
  const algorithm = loaded.spec.algorithm;
  if (algorithm !== 'logistic' && algorithm !== 'mlp')
    throw new EnclaveError('invalid-argument', `This bundle's model is ${ALGORITHM_NAMES[algorithm] ?? `"${algorithm}"`}; a federation trains a logistic regression or an MLP (their weights average coordinate by coordinate). Train one of those on your data and export its bundle.`, { algorithm });
  const m = bundle.manifest;
  const card = { name: m.name, target: m.target, task: m.task, features: m.features, ...(m.classNames ? { classNames: m.classNames } : {}), inputSchema: m.inputSchema, fitted: bundle.recipe };
  const model = federatedModelOf(card, loaded.spec as NetworkSpec, opts.seed ?? loaded.seed >>> 0);
  if (opts.fromScratch) return { model, weights: seededWeights(model) };
  // NetworkModel.fromLoaded's reading of the weights, without making tensors: the operator's side needs no backend.
  const arch = architecture(model.spec, loaded.shape);
  const values = arch.sizes.slice(1).map((fanOut, l) => ({
    kernel: weightOf(loaded, `dense_${l + 1}/kernel`, [arch.sizes[l], fanOut]),
    bias: weightOf(loaded, `dense_${l + 1}/bias`, [fanOut])
  }));
  const weights = flatten(values);
  if (weights.length !== parameterCount(model))
    throw new EnclaveError('invalid-argument', `The bundle's model has ${weights.length} weights; its features and classes need ${parameterCount(model)}.`);
  return { model, weights };
}

export interface GlobalModelBundleInput {
  model: FederatedModel;
  weights: Float32Array;
  /** The federation's id: the bundle's lineage names it. */
  federation: string;
  /** The client's scores of these weights on its own validation and test splits. */
  metrics: { validation: Scores; test: Scores };
  /**
   * The client's own rows (with the federation's input columns): the bundle's training summaries for drift
   * monitoring describe them, since the other clients' rows never reach this one.
   */
  rows: Table;
}

/** The final global model as a model bundle (the same writer as `train --bundle` and the studio's export). */
export async function bundleOfGlobalModel(input: GlobalModelBundleInput): Promise<Uint8Array> {
  const { model: m } = input;
  const net = networkOf(m, input.weights);
  try {
    const card: ModelCard = { target: m.target, features: m.features, task: m.task, classNames: m.classNames, fitted: m.fitted };
    const summary = { training: summariseTable(input.rows), predictions: await predictionSummaryOf(net, card, input.rows) };
    return await exportBundle({
      record: {
        name: m.name,
        version: '1.0.0',
        run: `federation:${input.federation}`,
        source: '',
        fitted: m.fitted,
        inputSchema: m.inputSchema.map((f) => ({ ...f })),
        features: [...m.features],
        target: m.target,
        task: m.task,
        classNames: [...m.classNames],
        metrics: { validation: input.metrics.validation, test: input.metrics.test },
        created: 0
      },
      model: net.toJSON(),
      summary
    });
  } finally {
    net.dispose();
  }
}
