/**
 * Error analysis of a run on its validation split (train worker): metrics per slice of a source column, permutation
 * feature importance, and the worst-predicted rows shown as the person's own source rows. Validation rows are mapped
 * back to source rows through the (deterministic) split; when a recipe step removed evaluation rows that mapping
 * no longer holds, and slices and rows are left out with a note.
 */
import { initBackend } from '../ml/backend.ts';
import { toDataset, type Dataset } from '../ml/matrix.ts';
import { modelFromJSON } from '../ml/train.ts';
import type { TrainedModel } from '../ml/models/saved.ts';
import { metricsBySlice } from '../core/metrics/index.ts';
import { splitTable } from '../core/split.ts';
import { seeded } from '../core/random.ts';
import { cell, type Column } from '../core/table.ts';
import { EnclaveError } from '../core/errors.ts';
import { quantileSorted } from 'd3-array';
import { db as defaultDb, type EnclaveDB } from '../store/db.ts';
import { getPreparation } from '../store/preparations.ts';
import { loadTable } from '../store/tables.ts';
import { getArtifact } from '../store/artifacts.ts';

export interface Analysis {
  metric: 'accuracy' | 'rmse';
  slices: { column: string; rows: { name: string; count: number; value: number | null }[] } | null;
  importance: { feature: string; mean: number; std: number }[];
  worst: { row: number; values: Record<string, unknown>; actual: string | number; predicted: string | number; loss: number }[];
  notes: string[];
}

async function score(model: TrainedModel, data: Dataset, X: Float32Array): Promise<{ score: number; out: Float32Array }> {
  const out = await model.predict(X, data.n);
  if (data.shape.task === 'regression') {
    let s = 0;
    for (let i = 0; i < data.n; i++) s += (out[i] - data.y[i]) ** 2;
    return { score: -Math.sqrt(s / data.n), out };
  }
  const k = data.shape.classNames!.length;
  let right = 0;
  for (let i = 0; i < data.n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (out[i * k + j] > out[i * k + best]) best = j;
    if (best === data.y[i]) right++;
  }
  return { score: right / data.n, out };
}

/** Quartile bins for a numeric column, categories for the rest. */
function sliceCodes(col: Column, rows: Uint32Array): { codes: Int32Array; names: string[] } {
  const codes = new Int32Array(rows.length).fill(-1);
  if (col.kind === 'string' || col.type === 'boolean') {
    const names: string[] = [];
    const index = new Map<string, number>();
    rows.forEach((r, i) => {
      const v = cell(col, r);
      if (v === null) return;
      const key = String(v);
      if (!index.has(key)) { index.set(key, names.length); names.push(key); }
      codes[i] = index.get(key)!;
    });
    return { codes, names };
  }
  const present = Array.from(rows).filter((r) => col.valid[r]).map((r) => col.values[r]).sort((a, b) => a - b);
  const edges = [0.25, 0.5, 0.75].map((p) => quantileSorted(present, p) ?? 0);
  const f = (x: number) => String(+x.toPrecision(4));
  const lo = present[0] ?? 0, hi = present[present.length - 1] ?? 0;
  const names = [`${f(lo)} – ${f(edges[0])}`, `${f(edges[0])} – ${f(edges[1])}`, `${f(edges[1])} – ${f(edges[2])}`, `${f(edges[2])} – ${f(hi)}`];
  rows.forEach((r, i) => {
    if (!col.valid[r]) return;
    const v = col.values[r];
    codes[i] = v < edges[0] ? 0 : v < edges[1] ? 1 : v < edges[2] ? 2 : 3;
  });
  return { codes, names };
}

export async function analyse(runId: string, sliceColumn: string | null, database: EnclaveDB = defaultDb()): Promise<Analysis> {
  const run = await database.runs.get(runId);
  if (!run) throw new EnclaveError('not-found', 'That run no longer exists.');
  await initBackend();
  const prep = await getPreparation(database, run.preparation);
  const shape = { task: run.task, features: run.features, classNames: run.classNames };
  const val = toDataset(await loadTable(database, prep.splits.validation), run.target, shape);
  const model = modelFromJSON(await getArtifact(database, run.id));
  const notes: string[] = [];
  try {
    const base = await score(model, val, val.X);
    // Permutation importance (sklearn semantics: baseline − score with one feature shuffled), 3 seeded repeats.
    const rng = seeded(run.seed);
    const importance = [];
    for (let j = 0; j < val.d; j++) {
      const drops: number[] = [];
      for (let rep = 0; rep < 3; rep++) {
        const X = val.X.slice();
        for (let i = val.n - 1; i > 0; i--) {
          const t = rng.int(i + 1);
          const a = X[i * val.d + j]; X[i * val.d + j] = X[t * val.d + j]; X[t * val.d + j] = a;
        }
        drops.push(base.score - (await score(model, val, X)).score);
      }
      const mean = drops.reduce((s, x) => s + x, 0) / drops.length;
      importance.push({ feature: val.shape.features[j], mean, std: Math.sqrt(drops.reduce((s, x) => s + (x - mean) ** 2, 0) / drops.length) });
    }
    importance.sort((a, b) => b.mean - a.mean);

    const source = await loadTable(database, prep.source);
    const rows = splitTable(source, { method: prep.split.method, fractions: prep.split.fractions, seed: prep.split.seed, target: prep.split.target, group: prep.split.group, time: prep.split.time }).indices.validation;
    const aligned = rows.length === val.n;
    if (!aligned) notes.push('A recipe step removed validation rows, so slices and rows cannot be traced back to your source rows.');
    const k = run.classNames?.length ?? 0;
    const predicted = (i: number) => (run.task === 'regression' ? base.out[i] : run.classNames![argmax(base.out, i, k)]);
    const actual = (i: number) => (run.task === 'regression' ? val.y[i] : run.classNames![val.y[i]]);
    const loss = (i: number) => (run.task === 'regression' ? Math.abs(base.out[i] - val.y[i]) : -Math.log(Math.max(1e-15, base.out[i * k + val.y[i]])));

    let slices: Analysis['slices'] = null;
    if (aligned && sliceColumn) {
      const col = source.columns.find((c) => c.name === sliceColumn);
      if (!col) throw new EnclaveError('invalid-argument', `There is no column "${sliceColumn}" in the source data.`);
      const { codes, names } = sliceCodes(col, rows);
      const yPred = run.task === 'regression' ? base.out : Int32Array.from({ length: val.n }, (_, i) => argmax(base.out, i, k));
      slices = { column: sliceColumn, rows: metricsBySlice(codes, names, val.y, yPred, run.task).map((s) => ({ name: s.name, count: s.count, value: s.value })) };
    }
    const worst = aligned
      ? Array.from({ length: val.n }, (_, i) => i).sort((a, b) => loss(b) - loss(a)).slice(0, 10).map((i) => ({
          row: rows[i] + 1,
          values: Object.fromEntries(source.columns.map((c) => [c.name, cell(c, rows[i])])),
          actual: actual(i), predicted: predicted(i), loss: loss(i)
        }))
      : [];
    return { metric: run.task === 'regression' ? 'rmse' : 'accuracy', slices, importance, worst, notes };
  } finally {
    model.dispose();
  }
}

function argmax(out: Float32Array, i: number, k: number): number {
  let best = 0;
  for (let j = 1; j < k; j++) if (out[i * k + j] > out[i * k + best]) best = j;
  return best;
}
