/**
 * One round on a client: train from the global weights (warm start) for the federation's local epochs on the
 * person's own training split, then Δ = local − global, clipped to norm C, plus Gaussian noise of standard deviation
 * zC per coordinate (crypto random). Only the returned `update` may leave the worker; Δ before the noise never does
 * (it is not returned). No validation split is passed to training, so there is no early stopping: every client runs
 * exactly the configured epochs.
 */
import type { Dataset } from '../ml/matrix.ts';
import { trainModel } from '../ml/train.ts';
import { logisticDefaultL2 } from '../ml/models/spec.ts';
import type { NetworkModel } from '../ml/models/network.ts';
import type { FederationSettings } from './protocol.ts';
import { clipUpdate, l2Norm } from './clip.ts';
import { flatWeights, networkOf, type FederatedModel } from './model-spec.ts';
import { addGaussianNoise, type RandomFill } from './noise.ts';

export interface LocalUpdate {
  /** clip(Δ, C) + N(0, (zC)²): what is uploaded. */
  update: Float32Array;
  /** ‖Δ‖ before clipping (shown to the person: how hard the clip bit this round). */
  deltaNorm: number;
  clipped: boolean;
  /** Mean training loss of the last local epoch. */
  loss: number;
}

export interface LocalUpdateOptions {
  seed: number;
  signal?: AbortSignal;
  /** Tests only: a deterministic source of random bits for the noise. */
  random?: RandomFill;
}

type Settings = Pick<FederationSettings, 'clipNorm' | 'noiseMultiplier' | 'localEpochs' | 'learningRate' | 'batchSize'>;

export async function localUpdate(m: FederatedModel, global: Float32Array, train: Dataset, settings: Settings, opts: LocalUpdateOptions): Promise<LocalUpdate> {
  // A round is local mini-batch training at the federation's learning rate and batch size (the accountant's q is
  // batch / rows), so a logistic model solved by L-BFGS trains here by Adam, with Adam's l2 (on the mean loss).
  const minibatch = m.spec.algorithm === 'logistic' && m.spec.hyperparameters.optimizer === 'lbfgs' ? { optimizer: 'adam', l2: logisticDefaultL2('adam') } : {};
  const spec = { ...m.spec, hyperparameters: { ...m.spec.hyperparameters, ...minibatch, epochs: settings.localEpochs, learningRate: settings.learningRate, batchSize: settings.batchSize } } as FederatedModel['spec'];
  const start = networkOf(m, global);
  let trained: NetworkModel | undefined;
  try {
    const outcome = await trainModel(spec, train, { seed: opts.seed, initial: start, ...(opts.signal ? { signal: opts.signal } : {}) });
    trained = outcome.model as NetworkModel;
    const local = flatWeights(trained);
    const delta = new Float32Array(local.length);
    for (let i = 0; i < local.length; i++) delta[i] = local[i] - global[i];
    const deltaNorm = l2Norm(delta);
    const clippedDelta = clipUpdate(delta, settings.clipNorm);
    delta.fill(0); // the un-noised Δ is not kept around
    const std = settings.noiseMultiplier * settings.clipNorm;
    const update = std > 0 ? addGaussianNoise(clippedDelta, std, opts.random) : clippedDelta;
    if (update !== clippedDelta) clippedDelta.fill(0);
    return { update, deltaNorm, clipped: deltaNorm > settings.clipNorm, loss: outcome.history.at(-1)?.loss ?? NaN };
  } finally {
    start.dispose();
    trained?.dispose();
  }
}
