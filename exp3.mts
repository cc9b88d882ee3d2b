import { openAsBlob } from 'node:fs';
import { readTable } from './src/lib/core/io/index.ts';
import { initBackend } from './src/lib/ml/backend.ts';
import { prepareTable } from './src/lib/core/prepare.ts';
import { dropColumns, filterRows } from './src/lib/core/table-ops.ts';
import { toDataset } from './src/lib/ml/matrix.ts';
import { trainModel } from './src/lib/ml/train.ts';
import { scoreModel, primaryScore } from './src/lib/ml/models/score.ts';
import { DEFAULT_RECIPE_STEPS } from './src/lib/ml/run.ts';
const D = 'node_modules/vega-datasets/data/';
await initBackend('wasm');
async function load(f: string) { const b = await openAsBlob(D + f); return (await readTable({ name: f, size: b.size, stream: () => b.stream() as any }, {})).table; }
const cases: [string, string, string[]][] = [['penguins.json', 'Species', []], ['cars.json', 'Origin', ['Name', 'Year']], ['seattle-weather.csv', 'weather', ['date']], ['cars.json', 'Miles_per_Gallon', ['Name', 'Year', 'Origin']]];
const cands: any[] = JSON.parse(process.env.CANDS!);
const seeds = (process.env.SEEDS ?? '42').split(',').map(Number);
const only = process.env.ONLY;
for (const [f, target, drop] of cases) {
  if (only && !f.startsWith(only)) continue;
  let t = await load(f);
  const col = t.columns.find((c) => c.name === target)!;
  t = dropColumns(filterRows(t, Uint8Array.from(col.valid)), drop);
  for (const seed of seeds) {
    const p = prepareTable(t, { target, steps: DEFAULT_RECIPE_STEPS }, { split: { seed } });
    const tr = toDataset(p.splits.train, target), va = toDataset(p.splits.validation, target, tr.shape), te = toDataset(p.splits.test, target, tr.shape);
    const rows: string[] = [];
    for (const c of cands) {
      if ((c.algorithm === 'linear') !== (tr.shape.task === 'regression') && (c.algorithm === 'linear' || c.algorithm === 'logistic')) continue;
      if (c.algorithm === 'logistic' && tr.shape.task === 'regression') continue;
      const t0 = performance.now();
      const o = await trainModel(c, tr, { validation: va, seed });
      const v = primaryScore(await scoreModel(o.model, va)), s = primaryScore(await scoreModel(o.model, te));
      rows.push(`${c.algorithm}${JSON.stringify(c.hyperparameters ?? {})} val ${v.toFixed(4)} test ${s.toFixed(4)} ep ${o.epochs} ${Math.round(performance.now() - t0)}ms`);
      o.model.dispose();
    }
    console.log(`== ${target} seed ${seed}\n  ` + rows.join('\n  '));
  }
}
