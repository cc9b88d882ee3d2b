/**
 * Sketches for the report's suggestions, not app code: what two cheaper ways to the feature matrix would cost on the
 * same Table, each checked to give exactly the app's matrix (featureMatrix after applyRecipe) before it is believed.
 *   blockedMatrix  featureMatrix's copy done 2,048 rows at a time (all columns of a block, then the next block), so
 *                  the rows being written stay in cache; today each column is a stride-d pass over the whole matrix.
 *   fusedMatrix    this benchmark's recipe (impute mean + standard scale on numbers, impute most frequent + one-hot
 *                  on categories) computed straight into the matrix from the source columns: no intermediate columns
 *                  (the app's apply makes a Float64Array + validity mask per column per step, 30 of them for one-hot).
 */
import type { FittedRecipe } from '../../src/lib/core/recipe/types.ts';
import type { NumericColumn, StringColumn, Table } from '../../src/lib/core/table.ts';

const BLOCK = 2048;

export function blockedMatrix(prepared: Table, features: string[]): Float32Array {
  const cols = features.map((f) => (prepared.columns.find((c) => c.name === f) as NumericColumn).values);
  const n = prepared.rowCount, d = cols.length;
  const X = new Float32Array(n * d);
  for (let b = 0; b < n; b += BLOCK) {
    const e = Math.min(n, b + BLOCK);
    for (let j = 0; j < d; j++) {
      const v = cols[j];
      for (let i = b, o = b * d + j; i < e; i++, o += d) X[o] = v[i];
    }
  }
  return X;
}

type Columns<T> = (T & { name: string })[];

export function fusedMatrix(table: Table, fitted: FittedRecipe, features: string[]): Float32Array {
  const state = <T>(kind: string, columns: string) => (fitted.steps.find((s) => s.spec.kind === kind && s.spec.columns === columns)!.state as { columns: Columns<T> }).columns;
  const numFill = new Map(state<{ fill: number }>('impute', '*numeric').map((c) => [c.name, c.fill]));
  const catFill = new Map(state<{ fill: string }>('impute', '*categorical').map((c) => [c.name, c.fill]));
  const source = <C>(name: string) => table.columns.find((c) => c.name === name) as C;
  const at = new Map(features.map((f, j) => [f, j]));
  const nums = state<{ center: number; scale: number }>('scale', '*numeric').map((s) => {
    const col = source<NumericColumn>(s.name);
    // Same arithmetic as the app: fill, then (x - center) / scale in float64, then float32.
    return { j: at.get(s.name)!, center: s.center, scale: s.scale, filled: (numFill.get(s.name)! - s.center) / s.scale, values: col.values, valid: col.valid };
  });
  const cats = state<{ categories: string[] }>('onehot', '*categorical').map((s) => {
    const col = source<StringColumn>(s.name);
    const slot = (v: string) => at.get(`${s.name}=${v}`) ?? -1; // an unknown category: all zeros (unknown 'ignore')
    return { target: Int32Array.from(col.dictionary, slot), filled: slot(catFill.get(s.name)!), codes: col.codes, valid: col.valid };
  });
  const n = table.rowCount, d = features.length;
  const X = new Float32Array(n * d);
  for (let b = 0; b < n; b += BLOCK) {
    const e = Math.min(n, b + BLOCK);
    for (const { j, center, scale, filled, values, valid } of nums) {
      for (let i = b, o = b * d + j; i < e; i++, o += d) {
        const x = values[i];
        X[o] = valid[i] && x - x === 0 ? (x - center) / scale : filled;
      }
    }
    for (const { target, filled, codes, valid } of cats) {
      for (let i = b, o = b * d; i < e; i++, o += d) {
        const k = valid[i] ? target[codes[i]] : filled;
        if (k >= 0) X[o + k] = 1;
      }
    }
  }
  return X;
}

/** Whether two matrices are equal value for value (so a sketch's time is for the same result). */
export function sameMatrix(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
