/**
 * `keep-columns`: the selection is resolved at fit (state: the names), so every split ends with the same columns. The
 * recipe's target is always kept too: a wildcard never selects it, and a recipe that silently lost its target would
 * be useless.
 */
import * as v from 'valibot';
import { columnsAt, resolveColumns } from '../select.ts';
import type { StepKind } from '../types.ts';
import { parseParams, selectorSchema, showSelector } from './shared.ts';

const schema = v.strictObject({ columns: selectorSchema });
export type KeepColumnsParams = v.InferOutput<typeof schema>;
export interface KeepColumnsState {
  columns: string[];
}

export const keepColumnsStep: StepKind<KeepColumnsParams, KeepColumnsState> = {
  kind: 'keep-columns',
  describe: (p) => `Keep only ${showSelector(p.columns)}`,
  parse: (spec, ctx) => parseParams(schema, spec, ctx, 'keep-columns'),
  fit(table, p, ctx) {
    const names = resolveColumns(table, p.columns, ctx, 'keep-columns');
    const target = ctx.target !== undefined && table.columns.some((c) => c.name === ctx.target) && !names.includes(ctx.target) ? [ctx.target] : [];
    return { columns: [...names, ...target] };
  },
  apply(table, _p, state, ctx) {
    // Every kept column must be there (the target may be absent at prediction time); table order is kept.
    const keep = new Set(columnsAt(table, state.columns, ctx, 'keep-columns').map((c) => c.name));
    return { rowCount: table.rowCount, columns: table.columns.filter((c) => keep.has(c.name)) };
  },
};
