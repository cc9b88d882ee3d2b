/**
 * k-nearest neighbours as KnnModel computes it: squared distances ‖x‖² − 2·q·xᵀ + ‖q‖² (clamped at 0) to every
 * training row, the k nearest by TopK (ties: the lower row, as tf.topk), then the mean of their one-hot classes or
 * values. The training rows are in the model, as in the saved model.
 */
import { EnclaveError } from '../../../core/errors.ts';
import type { KnnHyperparameters } from '../../../ml/models/spec.ts';
import { weightOf, type LoadedModel } from '../../../ml/models/saved.ts';
import type { Graph } from '../graph.ts';

export function knnGraph(g: Graph, m: LoadedModel, q: string): string {
  const n = m.weights.get('train/y')?.shape[0] ?? 0;
  const d = m.shape.features.length;
  const X = weightOf(m, 'train/X', [n, d]);
  const y = weightOf(m, 'train/y', [n]);
  const { k } = (m.spec as { hyperparameters: KnnHyperparameters }).hyperparameters;
  if (n === 0 || k > n) throw new EnclaveError('invalid-argument', `The saved kNN model has ${n} training rows, too few for k = ${k}.`);
  const Xt = new Float32Array(d * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) Xt[j * n + i] = X[i * d + j];
  const train = g.float(Xt, [d, n]);
  let targets: string;
  if (m.shape.task === 'classification') {
    const w = m.shape.classNames!.length;
    const onehot = new Float32Array(n * w);
    for (let i = 0; i < n; i++) {
      if (!Number.isInteger(y[i]) || y[i] < 0 || y[i] >= w) throw new EnclaveError('invalid-argument', 'The saved kNN model has class codes outside its class list.');
      onehot[i * w + y[i]] = 1;
    }
    targets = g.float(onehot, [n, w]);
  } else targets = g.float(y, [n, 1]);
  const axis1 = g.int64([1], [1]);
  const trainNorms = g.op('ReduceSum', [g.op('Mul', [train, train]), g.int64([0], [1])], { keepdims: 1 });
  const qNorms = g.op('ReduceSum', [g.op('Mul', [q, q]), axis1], { keepdims: 1 });
  const cross = g.op('Mul', [g.op('MatMul', [q, train]), g.float(2)]);
  const dist = g.op('Relu', [g.op('Add', [g.op('Sub', [trainNorms, cross]), qNorms])]);
  const [, indices] = g.opN('TopK', [g.op('Neg', [dist]), g.int64([k], [1])], 2, { axis: 1, largest: 1, sorted: 1 });
  const picked = g.op('Gather', [targets, indices], { axis: 0 });
  return g.op('ReduceMean', [picked, axis1], { keepdims: 0 });
}
