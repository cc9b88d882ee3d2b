/**
 * An ensemble: the mean of its members' predictions (class probabilities, or values). 'auto' keeps the few best
 * candidates on validation as one, which is steadier than a single pick from a small validation split. Saved as a
 * model whose `members` are whole saved models; `loadModel` rebuilds any saved model, ensembles included.
 */
import { EnclaveError } from '../../core/errors.ts';
import type { DataShape } from '../matrix.ts';
import { KnnModel } from './knn.ts';
import { NetworkModel } from './network.ts';
import { savedHeader, type LoadedModel, type SavedModel, type TrainedModel } from './saved.ts';
import type { EnsembleSpec } from './spec.ts';

export class EnsembleModel implements TrainedModel {
  readonly spec: EnsembleSpec;
  readonly shape: DataShape;
  readonly seed: number;

  constructor(readonly members: TrainedModel[]) {
    if (members.length === 0) throw new EnclaveError('invalid-argument', 'An ensemble needs at least one member.');
    const specs = members.map((m) => {
      if (m.spec.algorithm === 'ensemble') throw new EnclaveError('invalid-argument', 'An ensemble member cannot be an ensemble.');
      return m.spec;
    });
    this.spec = { algorithm: 'ensemble', hyperparameters: { members: specs } };
    this.shape = members[0].shape;
    this.seed = members[0].seed;
    const key = JSON.stringify(this.shape);
    if (members.some((m) => JSON.stringify(m.shape) !== key)) throw new EnclaveError('invalid-argument', 'Ensemble members must share their features, task and classes.');
  }

  async predict(X: Float32Array, n?: number): Promise<Float32Array> {
    let sum: Float32Array | null = null;
    for (const m of this.members) {
      const p = await m.predict(X, n);
      if (!sum) sum = p;
      else for (let i = 0; i < p.length; i++) sum[i] += p[i];
    }
    const k = this.members.length;
    for (let i = 0; i < sum!.length; i++) sum![i] /= k;
    return sum!;
  }

  toJSON(options: { encoding?: 'base64' | 'array' } = {}): SavedModel {
    return {
      ...savedHeader(this),
      weights: [],
      members: this.members.map((m) => m.toJSON(options)),
    };
  }

  dispose(): void {
    for (const m of this.members) m.dispose();
  }
}

/** Rebuild a checked saved model (see parseSaved) as a model that predicts as the original did. */
export function loadModel(m: LoadedModel): TrainedModel {
  if (m.spec.algorithm === 'ensemble') {
    const members: TrainedModel[] = [];
    try {
      for (const sub of m.members ?? []) members.push(loadModel(sub));
    } catch (e) {
      members.forEach((x) => x.dispose());
      throw e;
    }
    return new EnsembleModel(members);
  }
  return m.spec.algorithm === 'knn' ? KnnModel.fromLoaded(m) : NetworkModel.fromLoaded(m);
}
