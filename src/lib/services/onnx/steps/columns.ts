/**
 * Steps that only choose columns or rows. Row filters (drop-missing rows, drop-duplicates) do nothing at prediction
 * time in the studio either: every incoming row gets an answer.
 */
import * as v from 'valibot';
import type { DropMissingParams } from '../../../core/recipe/steps/drop-missing.ts';
import { columnAt, type StepInput } from '../ops.ts';
import { stateOf } from './state.ts';

const names = v.object({ columns: v.array(v.string()) });

export function dropColumnsStep(s: StepInput): void {
  for (const name of stateOf(s, names).columns) s.columns.delete(name);
}

export function keepColumnsStep(s: StepInput): void {
  const keep = new Set(stateOf(s, names).columns);
  for (const name of keep) columnAt(s, name);
  for (const name of [...s.columns.keys()]) if (!keep.has(name)) s.columns.delete(name);
}

export function dropMissingStep(s: StepInput<DropMissingParams>): void {
  if (s.params.axis === 'columns') dropColumnsStep(s);
}

export function dropDuplicatesStep(): void {}
