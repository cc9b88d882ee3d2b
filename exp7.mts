import { openAsBlob, writeFileSync } from 'node:fs';
import { readTable } from './src/lib/core/io/index.ts';
import { splitTable } from './src/lib/core/split.ts';
import { filterRows } from './src/lib/core/table-ops.ts';
const D = 'node_modules/vega-datasets/data/';
async function load(f: string) { const b = await openAsBlob(D + f); return (await readTable({ name: f, size: b.size, stream: () => b.stream() as any }, {})).table; }
const out: any = {};
for (const [f, target] of [['cars.json', 'Origin'], ['seattle-weather.csv', 'weather'], ['penguins.json', 'Species'], ['cars.json', 'Miles_per_Gallon']]) {
  let t = await load(f);
  const col = t.columns.find((c) => c.name === target)!;
  const keep = Uint8Array.from(col.valid);
  const rows = [...keep.keys()].filter((i) => keep[i]);
  t = filterRows(t, keep);
  for (const seed of [1, 2, 3, 4, 5, 6, 42]) {
    const s = splitTable(t, { target, seed });
    out[`${f}:${target}:${seed}`] = { train: [...s.indices.train].map((i) => rows[i]), validation: [...s.indices.validation].map((i) => rows[i]), test: [...s.indices.test].map((i) => rows[i]) };
  }
}
writeFileSync('/tmp/ml/splits.json', JSON.stringify(out));
