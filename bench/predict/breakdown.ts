/**
 * Where predictTable's time goes: the same work as services/predict.ts, piece by piece, with the same functions —
 * each recipe step's apply (predict mode), featureMatrix, the model's predict (upload, forward pass, read back, in the
 * app's 8,192-row batches), and shaping the output (argmax, class names, one array of probabilities per row).
 * Then, for the report's suggestions only: two cheaper ways to the same matrix (sketches.ts, checked equal to the app's),
 * and the predict loop at other batch sizes (the network's own exported forward(), on the active backend).
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
import { blockedMatrix, fusedMatrix, sameMatrix } from './sketches.ts';

export interface Breakdown {
  /** Each recipe step, in order: its kind, what it touched and its milliseconds. */
  steps: { kind: string; columns: string; ms: number }[];
  recipeMs: number;
  matrixMs: number;
  /** model.predict: X → tensors, forward pass, probabilities read back. */
  predictMs: number;
  /** argmax + class names + number[][] of probabilities per row. */
  outputMs: number;
  totalMs: number;
  /** Forward pass alone (input tensors made beforehand, outputs read back) at several batch sizes. */
  forwardMsByBatch: { batch: number; ms: number }[];
  /** Multiply-adds per row of the network (Σ fanIn × fanOut). */
  macsPerRow: number;
  /** The sketches (sketches.ts): their milliseconds and whether they gave exactly the app's matrix. */
  sketches: { blockedMatrixMs: number; blockedSame: boolean; fusedMatrixMs: number; fusedSame: boolean };
}

const now = () => performance.now();

export async function breakdown(model: TrainedModel, card: ModelCard, table: Table, gc: () => void): Promise<Breakdown> {
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
  const out = await model.predict(X, n);
  const t3 = now();
  const classes = card.classNames!;
  const k = classes.length;
  const codes = argmaxRows(out, k);
  const predictions = Array.from(codes, (c) => classes[c]);
  const probabilities = Array.from({ length: n }, (_, i) => Array.from(out.subarray(i * k, i * k + k)));
  const t4 = now();
  if (predictions.length !== n || probabilities.length !== n) throw new Error('breakdown: wrong output length');

  gc();
  let s0 = now();
  const blocked = blockedMatrix(prepared, card.features);
  const blockedMatrixMs = now() - s0;
  const blockedSame = sameMatrix(blocked, X);
  gc();
  s0 = now();
  const fused = fusedMatrix(table, card.fitted, card.features);
  const fusedMatrixMs = now() - s0;
  const sketches = { blockedMatrixMs, blockedSame, fusedMatrixMs, fusedSame: sameMatrix(fused, X) };

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
  return { steps, recipeMs: t1 - t0, matrixMs: t2 - t1, predictMs: t3 - t2, outputMs: t4 - t3, totalMs: t4 - t0, forwardMsByBatch, macsPerRow, sketches };
}
