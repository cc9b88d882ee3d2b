/**
 * The datasets tests/unit/logistic-lbfgs.test.ts compares with scikit-learn, built the same way every time. To redo
 * the references: `LBFGS_CSV=/tmp/lbfgs npx vitest run tests/unit/logistic-lbfgs.test.ts` writes each one as CSV
 * (features as their exact float32 values, then y), and `/usr/bin/python3 tests/unit/logistic-lbfgs-sklearn.py
 * /tmp/lbfgs > tests/fixtures/logistic-lbfgs-sklearn.json` fits scikit-learn on them.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fitRecipe, parseRecipe } from '../../src/lib/core/recipe/index.ts';
import type { Dataset } from '../../src/lib/ml/matrix.ts';
import { toDataset } from '../../src/lib/ml/matrix.ts';
import { blobs, readFileTable } from './ml-fixtures.ts';
import { seeded } from '../../src/lib/core/random.ts';

/** Penguins, Species from the six other columns by tests/fixtures/penguins-recipe.json (impute, one-hot, min-max). */
export async function penguins(): Promise<Dataset> {
  const table = await readFileTable('static/samples/penguins.csv');
  const recipe = parseRecipe(JSON.parse(readFileSync('tests/fixtures/penguins-recipe.json', 'utf8')));
  return toDataset(fitRecipe(table, recipe).table, 'Species');
}

/** scikit-learn's breast_cancer (malignant 0, benign 1), standardised as StandardScaler does (population std). */
export function breastCancer(): Dataset {
  const lines = readFileSync('tests/fixtures/sklearn/breast_cancer.csv', 'utf8').trim().split('\n').slice(1);
  const rows = lines.map((l) => l.split(',').map(Number));
  const n = rows.length;
  const d = rows[0].length - 1;
  const X = new Float32Array(n * d);
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (const r of rows) mean += r[j];
    mean /= n;
    let ss = 0;
    for (const r of rows) ss += (r[j] - mean) ** 2;
    const std = Math.sqrt(ss / n);
    rows.forEach((r, i) => (X[i * d + j] = (r[j] - mean) / std));
  }
  const y = Int32Array.from(rows, (r) => r[d]);
  return { X, n, d, y, shape: { task: 'classification', features: Array.from({ length: d }, (_, j) => `f${j}`), classNames: ['malignant', 'benign'] } };
}

/** Three overlapping Gaussian blobs in 4 dimensions (not separable, so the solution is finite with any C). */
export function threeBlobs(): Dataset {
  return blobs([[0, 0, 0, 0], [1.5, 0.5, -1, 0], [0, 1.5, 1, 1]], 100, 1.2, 3);
}

export function writeCsv(dir: string, name: string, data: Dataset): void {
  mkdirSync(dir, { recursive: true });
  const lines: string[] = [];
  for (let i = 0; i < data.n; i++) lines.push([...data.X.subarray(i * data.d, (i + 1) * data.d)].map(String).concat(String(data.y[i])).join(','));
  writeFileSync(join(dir, `${name}.csv`), lines.join('\n') + '\n');
}

/** 5 dense columns (an odd count: the kernel's two-lane loop has a tail) and a one-hot block of 6 levels; noisy labels. */
export function mixed(n: number, seed: number): Dataset {
  const rng = seeded(seed);
  const d = 11;
  const X = new Float32Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let s = -0.2;
    for (let j = 0; j < 5; j++) s += (X[i * d + j] = rng.normal()) * (j - 2);
    const level = Math.floor(rng.next() * 6);
    X[i * d + 5 + level] = 1;
    s += level - 2.5 + rng.normal();
    y[i] = s > 0 ? 1 : 0;
  }
  return { X, n, d, y, shape: { task: 'classification', features: Array.from({ length: d }, (_, j) => `x${j}`), classNames: ['no', 'yes'] } };
}
