import { openAsBlob } from 'node:fs';
import { readTable } from './src/lib/core/io/index.ts';
import { initBackend } from './src/lib/ml/backend.ts';
import { trainPipeline } from './src/lib/ml/run.ts';
const D = 'node_modules/vega-datasets/data/';
const be = await initBackend((process.env.BE as any) ?? 'cpu');
console.log(be);
async function load(f: string) { const b = await openAsBlob(D + f); return (await readTable({ name: f, size: b.size, stream: () => b.stream() as any }, {})).table; }
const { filterRows } = await import('./src/lib/core/table-ops.ts');
const cases: [string, string, string[]][] = [['penguins.json', 'Species', []], ['cars.json', 'Origin', ['Name', 'Year']], ['seattle-weather.csv', 'weather', ['date']], ['cars.json', 'Miles_per_Gallon', ['Name', 'Year', 'Origin']], ['cars.json', 'Miles_per_Gallon', ['Name', 'Year']]];
const alg = (process.env.ALG ?? 'auto') as any;
for (const [f, target, drop] of cases) {
  let t = await load(f);
  const col = t.columns.find((c) => c.name === target)!;
  t = filterRows(t, Uint8Array.from(col.valid));
  const t0 = performance.now();
  const r = await trainPipeline(t, { target, drop, algorithm: alg, seed: Number(process.env.SEED ?? 42) });
  console.log(f, target, r.algorithm, JSON.stringify(r.hyperparameters), 'test', JSON.stringify(r.metrics.test), 'val', JSON.stringify(r.metrics.validation), Math.round(performance.now() - t0), 'ms', 'epochs', r.epochs);
  for (const tr of r.trials ?? []) console.log('   ', tr.spec.algorithm, JSON.stringify(tr.spec.hyperparameters.units ?? tr.spec.hyperparameters.k ?? ''), tr.score.toFixed(4), tr.epochs, Math.round(tr.trainMs), tr.error ?? '');
  r.model.dispose();
}
