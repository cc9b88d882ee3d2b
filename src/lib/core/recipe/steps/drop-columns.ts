/**
 * `drop-columns`: the selection is resolved at fit (state: the names), so every split loses the same columns. The
 * recipe's target cannot be dropped (a wildcard never selects it; naming it is refused, target-guard.ts).
 */
import * as v from 'valibot';
import { dropColumns } from '../../table-ops.ts';
import { resolveColumns } from '../select.ts';
import { namesTarget } from '../target-guard.ts';
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
  targetConflict: (p, target) =>
    namesTarget(p.columns, target) ? { message: `drops the target column "${target}": there would be nothing to predict. Take "${target}" out of this step, or choose another target.` } : undefined,
  fit: (table, p, ctx) => ({ columns: resolveColumns(table, p.columns, ctx, 'drop-columns') }),
  // A dropped column absent from a later table is fine: the result is the same.
  apply: (table, _p, state) => dropColumns(table, state.columns),
};

