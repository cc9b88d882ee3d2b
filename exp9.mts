import { openAsBlob } from 'node:fs';
import { readTable } from './src/lib/core/io/index.ts';
import { initBackend } from './src/lib/ml/backend.ts';
import { prepareTable } from './src/lib/core/prepare.ts';
import { dropColumns, filterRows } from './src/lib/core/table-ops.ts';
import { toDataset } from './src/lib/ml/matrix.ts';
import { trainModel } from './src/lib/ml/train.ts';
import { classificationScores, regressionScores } from './src/lib/ml/models/score.ts';
import { DEFAULT_RECIPE_STEPS } from './src/lib/ml/run.ts';
const D = 'node_modules/vega-datasets/data/';
await initBackend('wasm');
async function load(f: string) { const b = await openAsBlob(D + f); return (await readTable({ name: f, size: b.size, stream: () => b.stream() as any }, {})).table; }
const [f, target, dropS] = process.env.CASE!.split(':');
const cands: any[] = JSON.parse(process.env.CANDS!);
const split = Number(process.env.SPLIT ?? 42);
const seeds = (process.env.SEEDS ?? '1,2,3,4,5,6,7,8,9,10').split(',').map(Number);
let t = await load(f);
const col = t.columns.find((c) => c.name === target)!;
t = dropColumns(filterRows(t, Uint8Array.from(col.valid)), dropS ? dropS.split(',') : []);
const p = prepareTable(t, { target, steps: DEFAULT_RECIPE_STEPS }, { split: { seed: split } });
const tr = toDataset(p.splits.train, target), va = toDataset(p.splits.validation, target, tr.shape), te = toDataset(p.splits.test, target, tr.shape);
const cls = tr.shape.task === 'classification'; const k = cls ? tr.shape.classNames!.length : 1;
const sc = (d: any, pr: Float32Array) => cls ? classificationScores(d.y, pr, k).accuracy : -regressionScores(d.y, pr).rmse;
for (const c of cands) {
  const tests: number[] = [], vals: number[] = [], eps: number[] = []; let ms = 0;
  for (const seed of seeds) {
    const t0 = performance.now();
    const o = await trainModel(c, tr, { validation: va, seed });
    ms += performance.now() - t0;
    vals.push(sc(va, await o.model.predict(va.X))); tests.push(sc(te, await o.model.predict(te.X))); eps.push(o.bestEpoch ?? 0);
    o.model.dispose();
  }
  const m = (a: number[]) => (a.reduce((x, y) => x + y) / a.length).toFixed(4);
  console.log(JSON.stringify(c.hyperparameters ?? {}).padEnd(100), 'val', m(vals), 'test', m(tests), 'min', Math.min(...tests).toFixed(3), 'max', Math.max(...tests).toFixed(3), 'bestEp', m(eps), Math.round(ms / seeds.length), 'ms');
}
