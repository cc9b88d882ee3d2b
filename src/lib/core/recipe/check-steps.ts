/**
 * Recipe errors where they are made: each step checked at its place in the recipe, with the step kinds' own parse,
 * fit and apply on a sample of training rows (a dry run: nothing is kept). A step that does not parse, names a column
 * that is not there at that point, or gets a column of the wrong type is `broken`, with the message the prepare stage
 * would give; the steps before it keep their result (and their previews). The steps after a broken one still have
 * their parameters checked, but not their columns: what they see depends on the broken step, so they are `unchecked`
 * until it is fixed, rather than marked with errors that are only its echo.
 */
import * as v from 'valibot';
import { EnclaveError, throwIfAborted, toErrorShape } from '../errors.ts';
import { parseJsonText } from '../json-text.ts';
import type { ColumnType, Table } from '../table.ts';
import { fitStep } from './index.ts';
import { parseStep, stepSpec } from './registry.ts';
import type { StepContext } from './types.ts';

/** A column as the next step sees it. */
export interface ColumnShape {
  name: string;
  type: ColumnType;
}

export type StepCheck =
  /** The step ran on the sample; `columns` are the ones after it (what the next step can use). */
  | { status: 'ok'; columns: ColumnShape[] }
  /** What is wrong, in the prepare stage's words ("Step 3 (scale): column "Island" is categorical; …"). */
  | { status: 'broken'; problem: string; column?: string; parameter?: string }
  /** Its parameters are fine; its columns are checked once the broken step `after` (0-based) is fixed. */
  | { status: 'unchecked'; after: number };

export interface RecipeCheck {
  /** Source columns, before any step. */
  columns: ColumnShape[];
  steps: StepCheck[];
  /** Training rows the steps ran on. */
  sampled: number;
}

const recipeShape = v.object({ target: v.optional(v.string()), steps: v.array(v.unknown()) });

/** Check every step of `recipe` (an object or its JSON text) on `sample`, a few training rows of the source. */
export function checkSteps(sample: Table, recipe: unknown, signal?: AbortSignal): RecipeCheck {
  const r = v.safeParse(recipeShape, parseJsonText(recipe, 'invalid-recipe', 'The recipe'));
  if (!r.success) throw new EnclaveError('invalid-recipe', 'A recipe is { "target"?: "column", "steps": [ … ] }.');
  const target = r.output.target || undefined;
  let table = sample;
  let broken = -1;
  const steps = r.output.steps.map((raw, index): StepCheck => {
    throwIfAborted(signal);
    const ctx: StepContext = { index, target, mode: 'train' };
    try {
      const spec = stepSpec(raw, index);
      if (broken >= 0) {
        parseStep(spec, ctx);
        return { status: 'unchecked', after: broken };
      }
      table = fitStep(table, spec, ctx).table;
      return { status: 'ok', columns: shapes(table) };
    } catch (err) {
      if (broken < 0) broken = index;
      return brokenBy(err);
    }
  });
  return { columns: shapes(sample), steps, sampled: sample.rowCount };
}

function shapes(table: Table): ColumnShape[] {
  return table.columns.map((c) => ({ name: c.name, type: c.type }));
}

function brokenBy(err: unknown): StepCheck {
  const e = toErrorShape(err);
  const column = typeof e.detail?.column === 'string' ? e.detail.column : undefined;
  const parameter = typeof e.detail?.parameter === 'string' ? e.detail.parameter : undefined;
  return { status: 'broken', problem: e.message, ...(column !== undefined ? { column } : {}), ...(parameter !== undefined ? { parameter } : {}) };
}
