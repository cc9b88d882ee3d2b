/**
 * `drop-columns`: the selection is resolved at fit (state: the names), so every split loses the same columns. The
 * recipe's target cannot be dropped (a wildcard never selects it; naming it is an error).
 */
import * as v from 'valibot';
import { dropColumns } from '../../table-ops.ts';
import { resolveColumns, stepError } from '../select.ts';
import type { StepKind } from '../types.ts';
import { parseParams, selectorSchema, showSelector } from './shared.ts';

const schema = v.strictObject({ columns: selectorSchema });
export type DropColumnsParams = v.InferOutput<typeof schema>;
export interface DropColumnsState {
  columns: string[];
}

export const dropColumnsStep: StepKind<DropColumnsParams, DropColumnsState> = {
  kind: 'drop-columns',
  describe: (p) => `Drop ${showSelector(p.columns)}`,
  parse: (spec, ctx) => parseParams(schema, spec, ctx, 'drop-columns'),
  fit(table, p, ctx) {
    const names = resolveColumns(table, p.columns, ctx, 'drop-columns');
    if (ctx.target !== undefined && names.includes(ctx.target))
      throw stepError(ctx, 'drop-columns', `"${ctx.target}" is the recipe's target and cannot be dropped.`, { column: ctx.target });
    return { columns: names };
  },
  // A dropped column absent from a later table is fine: the result is the same.
  apply: (table, _p, state) => dropColumns(table, state.columns),
};

