/**
 * `ordinal`: replace each category by its code 0..k-1, as scikit-learn's OrdinalEncoder: categories in sorted order,
 * or in the order given per column (`order: [{ column: "size", categories: ["S", "M", "L"] }]`). A category not seen
 * in training rows (or not in the given order) becomes missing at apply time, as handle_unknown='use_encoded_value',
 * unknown_value=NaN. A training value missing from a given order is an error: it is almost surely a typo in the order.
 * The order is a list of pairs, not an object keyed by column: a column may be named "constructor" or "__proto__".
 * Recipes saved before wrote `order: { size: [...] }`; that form is still read, from the object's own keys.
 */
import * as v from 'valibot';
import type { Column, NumericColumn, Table } from '../../table.ts';
import { withColumn } from '../../table-ops.ts';
import { CATEGORY_COLUMNS, columnsAt, resolveColumns, stepError } from '../select.ts';
import { namesTarget } from '../target-guard.ts';
import type { StepKind } from '../types.ts';
import { checkType, compareText, note, parseParams, selectorSchema, showSelector } from './shared.ts';

const KIND = 'ordinal';
const schema = v.strictObject({
  columns: selectorSchema,
  order: v.optional(v.array(v.strictObject({ column: v.pipe(v.string(), v.minLength(1)), categories: v.pipe(v.array(v.string()), v.minLength(1)) }))),
});
export type OrdinalParams = v.InferOutput<typeof schema>;
export interface OrdinalState {
  columns: { name: string; categories: string[] }[];
}

export const ordinal: StepKind<OrdinalParams, OrdinalState> = {
  kind: KIND,
  describe: (p) => `Ordinal-encode ${showSelector(p.columns)}${p.order?.length ? ` (order given for ${p.order.map((o) => o.column).join(', ')})` : ''}`,
  parse(spec, ctx) {
    const p = parseParams(schema, { ...spec, order: orderList(spec.order) }, ctx, KIND);
    const seen = new Set<string>();
    for (const { column } of p.order ?? []) {
      if (seen.has(column)) throw stepError(ctx, KIND, `the order for column "${column}" is given twice.`, { column });
      seen.add(column);
    }
    return p;
  },
  targetConflict: (p, target) =>
    namesTarget(p.columns, target)
      ? { message: `replaces the target column "${target}" by category codes: the model would predict codes, not "${target}". Take "${target}" out of this step (to make a numeric target's values classes, cast it to categorical).` }
      : undefined,
  fit(table, p, ctx) {
    const names = resolveColumns(table, p.columns, ctx, KIND, CATEGORY_COLUMNS);
    const order = new Map((p.order ?? []).map((o) => [o.column, o.categories]));
    for (const name of order.keys()) if (!names.includes(name)) throw stepError(ctx, KIND, `"order" names column "${name}", which this step does not encode (columns: ${names.join(', ')}).`, { column: name });
    return {
      columns: names.map((name) => {
        const seen = distinct(table.columns.find((c) => c.name === name)!);
        const given = order.get(name);
        if (!given) return { name, categories: [...seen].sort(compareText) };
        if (new Set(given).size !== given.length) throw stepError(ctx, KIND, `the order for column "${name}" repeats a category.`, { column: name });
        const stray = [...seen].filter((s) => !given.includes(s));
        if (stray.length) throw stepError(ctx, KIND, `column "${name}" has the value "${stray[0]}", which is not in the given order (${given.join(', ')}).`, { column: name, value: stray[0] });
        return { name, categories: given };
      }),
    };
  },
  apply(table, _p, state, ctx) {
    let out: Table = table;
    const byName = new Map(state.columns.map((s) => [s.name, s.categories]));
    for (const col of columnsAt(table, state.columns.map((s) => s.name), ctx, KIND)) {
      checkType(col, CATEGORY_COLUMNS, ctx, KIND);
      const { column, unknown } = encode(col, byName.get(col.name)!);
      if (unknown > 0) note(ctx, KIND, `${unknown} values of column "${col.name}" were not seen in training rows and are now missing.`);
      out = withColumn(out, column);
    }
    return out;
  },
};

/**
 * The old object form as a list of pairs, from its own keys (JSON.parse and IndexedDB give "__proto__" back as an own
 * key; valibot's record would drop it and "constructor"). Anything else is left for the schema to judge.
 */
function orderList(order: unknown): unknown {
  if (order === null || typeof order !== 'object' || Array.isArray(order)) return order;
  const proto = Object.getPrototypeOf(order);
  if (proto !== Object.prototype && proto !== null) return order; // a Map, a class instance: not JSON, not ours to read
  return Object.entries(order).map(([column, categories]) => ({ column, categories }));
}

function texts(col: Column): string[] {
  if (col.kind === 'string') return col.dictionary;
  return ['false', 'true'];
}

function distinct(col: Column): Set<string> {
  const out = new Set<string>();
  const t = texts(col);
  for (let i = 0; i < col.valid.length; i++) if (col.valid[i]) out.add(t[col.kind === 'string' ? col.codes[i] : col.values[i]]);
  return out;
}

function encode(col: Column, categories: string[]): { column: NumericColumn; unknown: number } {
  const index = new Map(categories.map((c, i) => [c, i]));
  // Code per dictionary entry (booleans: per value 0/1), -1 when unknown.
  const byKey = texts(col).map((s) => index.get(s) ?? -1);
  const n = col.valid.length;
  const values = new Float64Array(n);
  const valid = new Uint8Array(n);
  let unknown = 0;
  for (let i = 0; i < n; i++) {
    if (!col.valid[i]) continue;
    const k = byKey[col.kind === 'string' ? col.codes[i] : col.values[i]];
    if (k < 0) unknown++;
    else (values[i] = k), (valid[i] = 1);
  }
  return { column: { kind: 'numeric', name: col.name, type: 'integer', values, valid }, unknown };
}
