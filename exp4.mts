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
const seeds = (process.env.SEEDS ?? '42').split(',').map(Number);
let t = await load(f);
const col = t.columns.find((c) => c.name === target)!;
t = dropColumns(filterRows(t, Uint8Array.from(col.valid)), dropS ? dropS.split(',') : []);
const sums: Record<string, number[]> = {};
const add = (k: string, v: number) => (sums[k] ??= []).push(v);
for (const seed of seeds) {
  const p = prepareTable(t, { target, steps: DEFAULT_RECIPE_STEPS }, { split: { seed } });
  const tr = toDataset(p.splits.train, target), va = toDataset(p.splits.validation, target, tr.shape), te = toDataset(p.splits.test, target, tr.shape);
  const cls = tr.shape.task === 'classification'; const k = cls ? tr.shape.classNames!.length : 1;
  const sc = (d: any, pr: Float32Array) => cls ? classificationScores(d.y, pr, k).accuracy : -regressionScores(d.y, pr).rmse;
  const res: { name: string; v: number; s: number; pv: Float32Array; pt: Float32Array }[] = [];
  for (const c of cands) {
    if (cls ? c.algorithm === 'linear' : c.algorithm === 'logistic') continue;
    const o = await trainModel(c, tr, { validation: va, seed });
    const pv = await o.model.predict(va.X), pt = await o.model.predict(te.X);
    const name = c.algorithm + JSON.stringify(c.hyperparameters ?? {});
    res.push({ name, v: sc(va, pv), s: sc(te, pt), pv, pt });
    add(name, sc(te, pt));
    o.model.dispose();
  }
  const pick = res.reduce((a, b) => (b.v > a.v ? b : a));
  add('PICK', pick.s);
  const avg = (rs: typeof res, key: 'pv' | 'pt') => { const o = new Float32Array(rs[0][key].length); for (const r of rs) r[key].forEach((x, i) => (o[i] += x / rs.length)); return o; };
  add('ENS-all', sc(te, avg(res, 'pt')));
  const top3 = [...res].sort((a, b) => b.v - a.v).slice(0, 3);
  add('ENS-top3', sc(te, avg(top3, 'pt')));
  const nn = res.filter((r) => r.name.startsWith('mlp'));
  add('ENS-mlps', sc(te, avg(nn, 'pt')));
  console.log(`seed ${seed}: ` + res.map((r) => `${r.name.slice(0, 40)} v${r.v.toFixed(3)} t${r.s.toFixed(3)}`).join(' | ') + ` || pick ${pick.s.toFixed(3)}`);
}
for (const [k, v] of Object.entries(sums)) console.log(k.padEnd(90), (v.reduce((a, b) => a + b) / v.length).toFixed(4), v.map((x) => x.toFixed(3)).join(' '));
