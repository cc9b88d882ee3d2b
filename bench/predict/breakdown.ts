/**
 * Where predictTable's time goes: the same work as services/predict.ts, piece by piece, with the same functions —
 * the matrix as the app makes it for this recipe (fusedFeatureMatrix), the model's predict (upload, forward pass, read
 * back, in the app's 8,192-row batches), and shaping the output (argmax, class names, one array of probabilities per
 * row, the app's loop). Beside it, the general path that recipes with other steps take (each step's apply in predict
 * mode, then featureMatrix), checked to give the same matrix, and the predict loop at other batch sizes (the network's
 * own exported forward(), on the active backend).
 */
import * as tf from '@tensorflow/tfjs';
import { kindOf } from '../../src/lib/core/recipe/registry.ts';
import type { RunContext } from '../../src/lib/core/recipe/steps/shared.ts';
import type { Table } from '../../src/lib/core/table.ts';
import { featureMatrix } from '../../src/lib/ml/matrix.ts';
import { predictInBatches } from '../../src/lib/ml/models/batches.ts';
import { forward, makeLayers, NetworkModel } from '../../src/lib/ml/models/network.ts';
import { argmaxRows, type TrainedModel } from '../../src/lib/ml/models/saved.ts';
import type { ModelCard } from '../../src/lib/services/predict.ts';
import { fusedFeatureMatrix } from '../../src/lib/ml/fused-matrix.ts';

export interface Breakdown {
  /** The app's road for this recipe: the fitted recipe computed straight into the matrix. */
  fusedMs: number;
  /** The general road (other recipes): each recipe step, in order (kind, what it touched, milliseconds), then featureMatrix. */
  steps: { kind: string; columns: string; ms: number }[];
  recipeMs: number;
  matrixMs: number;
  /** Whether the two roads gave the same matrix, value for value. */
  sameMatrix: boolean;
  /** model.predict: X → tensors, forward pass, probabilities read back. */
  predictMs: number;
  /** argmax + class names + number[][] of probabilities per row. */
  outputMs: number;
  totalMs: number;
  /** Forward pass alone (input tensors made beforehand, outputs read back) at several batch sizes. */
  forwardMsByBatch: { batch: number; ms: number }[];
  /** Multiply-adds per row of the network (Σ fanIn × fanOut). */
  macsPerRow: number;
}

const now = () => performance.now();

export async function breakdown(model: TrainedModel, card: ModelCard, table: Table, gc: () => void): Promise<Breakdown> {
  gc();
  const f0 = now();
  const fused = fusedFeatureMatrix(table, card.fitted, card.features);
  const fusedMs = now() - f0;
  if (!fused) throw new Error('breakdown: the app does not take the fused road for this recipe');
  gc();
  const t0 = now();
  let prepared = table;
  const steps: Breakdown['steps'] = [];
  card.fitted.steps.forEach(({ spec, state }, index) => {
    const kind = kindOf(spec.kind, index);
    const ctx: RunContext = { index, target: card.fitted.target, mode: 'predict' };
    const s = now();
    prepared = kind.apply(prepared, kind.parse(spec, ctx), state, ctx);
    steps.push({ kind: spec.kind, columns: String((spec as { columns?: unknown }).columns ?? ''), ms: now() - s });
  });
  const t1 = now();
  const { X, n } = featureMatrix(prepared, card.target, card.features);
  const t2 = now();
  const same = X.length === fused.length && X.every((x, i) => x === fused[i]);
  gc();
  const p0 = now();
  const out = await model.predict(fused, n);
  const p1 = now();
  const classes = card.classNames!;
  const k = classes.length;
  const codes = argmaxRows(out, k);
  const predictions = new Array<string>(n);
  const probabilities = new Array<number[]>(n);
  for (let i = 0, at = 0; i < n; i++) {
    predictions[i] = classes[codes[i]];
    const row = new Array<number>(k);
    for (let j = 0; j < k; j++) row[j] = out[at++];
    probabilities[i] = row;
  }
  const p2 = now();
  if (predictions.length !== n || probabilities.length !== n) throw new Error('breakdown: wrong output length');

  const forwardMsByBatch: Breakdown['forwardMsByBatch'] = [];
  let macsPerRow = 0;
  if (model instanceof NetworkModel) {
    const { arch } = model;
    macsPerRow = arch.sizes.slice(1).reduce((s, fanOut, l) => s + arch.sizes[l] * fanOut, 0);
    const layers = makeLayers(arch, model.values);
    const d = arch.sizes[0];
    try {
      for (const batch of [1024, 8192, 65536]) {
        gc();
        // The same predictInBatches loop, timed from the first upload to the last read.
        const s = now();
        await predictInBatches(n, k, batch, (start, rows) => tf.softmax(forward(layers, arch, tf.tensor2d(X.subarray(start * d, (start + rows) * d), [rows, d]))));
        forwardMsByBatch.push({ batch, ms: now() - s });
      }
    } finally {
      for (const l of layers) (l.kernel.dispose(), l.bias.dispose());
    }
  }
  return { fusedMs, steps, recipeMs: t1 - t0, matrixMs: t2 - t1, sameMatrix: same, predictMs: p1 - p0, outputMs: p2 - p1, totalMs: fusedMs + (p2 - p0), forwardMsByBatch, macsPerRow };
}
