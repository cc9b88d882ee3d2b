/** Shared helpers of the ml-*.test.ts files: hand-made tables and datasets, files as byte sources. */
import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import { readTable } from '../../src/lib/core/io/index.ts';
import { seeded } from '../../src/lib/core/random.ts';
import { numericColumn, stringColumn } from '../../src/lib/core/table-ops.ts';
import type { Column, NumericType, Table } from '../../src/lib/core/table.ts';
import type { Dataset } from '../../src/lib/ml/matrix.ts';

/** Columns from plain arrays: any string → categorical; else integer (all whole) or float. `types` overrides. */
export function tableOf(data: Record<string, (number | string | boolean | null)[]>, types: Record<string, NumericType> = {}): Table {
  const columns = Object.entries(data).map(([name, xs]): Column => {
    if (xs.some((x) => typeof x === 'string')) return stringColumn(name, 'categorical', xs as (string | null)[]);
    const type = types[name] ?? (xs.some((x) => typeof x === 'boolean') ? 'boolean' : xs.every((x) => x === null || Number.isInteger(x)) ? 'integer' : 'float');
    return numericColumn(name, type, Float64Array.from(xs, (x) => Number(x ?? 0)), Uint8Array.from(xs, (x) => (x === null ? 0 : 1)));
  });
  return { rowCount: columns[0].valid.length, columns };
}

/** A dataset straight from rows (features named x0, x1 …). */
export function datasetOf(rows: number[][], y: number[], classNames?: string[]): Dataset {
  const d = rows[0].length;
  return {
    X: Float32Array.from(rows.flat()),
    n: rows.length,
    d,
    y: classNames ? Int32Array.from(y) : Float32Array.from(y),
    shape: { task: classNames ? 'classification' : 'regression', features: Array.from({ length: d }, (_, j) => `x${j}`), ...(classNames ? { classNames } : {}) },
  };
}

/** Gaussian blobs: `perClass` rows around each centre (seeded), with unit noise times `spread`. */
export function blobs(centres: number[][], perClass: number, spread: number, seed: number): Dataset {
  const rng = seeded(seed);
  const rows: number[][] = [];
  const y: number[] = [];
  centres.forEach((c, k) => {
    for (let i = 0; i < perClass; i++) {
      rows.push(c.map((m) => m + spread * rng.normal()));
      y.push(k);
    }
  });
  return datasetOf(rows, y, centres.map((_, k) => `c${k}`));
}

export async function readFileTable(path: string): Promise<Table> {
  const blob = await openAsBlob(path);
  return (await readTable({ name: basename(path), size: blob.size, stream: () => blob.stream() as ReadableStream<Uint8Array> }, {})).table;
}

export function accuracyOf(truth: ArrayLike<number>, probs: Float32Array, k: number): number {
  let right = 0;
  for (let i = 0; i < truth.length; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (probs[i * k + j] > probs[i * k + best]) best = j;
    if (best === truth[i]) right++;
  }
  return right / truth.length;
}
