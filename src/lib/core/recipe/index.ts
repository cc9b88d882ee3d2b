/**
 * Recipes: parsing (valibot), fitting on the training split and replaying anywhere (the step kinds: registry.ts; words
 * for people: describe.ts).
 * fitRecipe sees only the table it is given: each step is fitted on the output of the steps before it, then applied
 * to that same table (mode 'train'), so no step ever learns from validation, test or prediction rows. A fitted
 * recipe is plain JSON: JSON.stringify → JSON.parse → applyRecipe gives the same tables.
 */
import * as v from 'valibot';
import { EnclaveError, throwIfAborted } from '../errors.ts';
import { parseJsonText } from '../json-text.ts';
import { releaseTable, type Table } from '../table.ts';
import { stepError, stepLabel } from './select.ts';
import type { RunContext } from './steps/shared.ts';
import { describeRecipe, describeStep, safeDescribe, type StepDescription } from './describe.ts';
import { KNOWN_KINDS, kindOf, parseStep, STEP_KINDS, stepSpec } from './registry.ts';
import type { ApplyMode, FittedRecipe, Recipe, StepSpec } from './types.ts';

export type * from './types.ts';

export { describeRecipe, describeStep, KNOWN_KINDS, STEP_KINDS, type StepDescription };

const recipeSchema = v.strictObject({
  target: v.optional(v.pipe(v.string(), v.minLength(1))),
  steps: v.array(v.unknown()),
});

/**
 * Validate a recipe as written (an object, or its JSON text). A step may be a bare string, short for a derived
 * column: "bmi = mass / (height / 100) ^ 2". Every step's parameters are checked here, before any data is touched.
 */
export function parseRecipe(json: unknown): Recipe {
  const r = v.safeParse(recipeSchema, parseJsonText(json, 'invalid-recipe', 'The recipe'));
  if (!r.success) {
    const issue = r.issues[0];
    const path = v.getDotPath(issue);
    const what = issue.type === 'strict_object' && path ? `unknown field "${path}"` : path ? `"${path}": ${issue.message}` : issue.message;
    throw new EnclaveError('invalid-recipe', `A recipe is { "target"?: "column", "steps": [ … ] }; ${what}.`);
  }
  const { target, steps: raw } = r.output;
  const steps = raw.map((s, index): StepSpec => {
    const spec = stepSpec(s, index);
    parseStep(spec, { index, target, mode: 'train' });
    return spec;
  });
  return target === undefined ? { steps } : { target, steps };
}

export interface RecipeProgress {
  /** Steps finished so far, of `steps`. */
  done: number;
  steps: number;
  /** What runs next ("Impute the median of age"); empty when done. */
  label: string;
}

export interface RunOptions {
  signal?: AbortSignal;
  /** Notes: things a person should know that are not errors ("Step 2 (cast): 3 of 120 values … are now missing"). */
  onNote?: (message: string) => void;
  /**
   * The input table is the caller's to give up: it and each table between steps are released (releaseTable) once the
   * next step has made its own, bar the columns passed on. At millions of rows each step's garbage is gigabytes that
   * would otherwise wait for a full GC.
   */
  release?: boolean;
}

export interface FitOptions extends RunOptions {
  onProgress?: (p: RecipeProgress) => void;
}

/** Fit every step on `train` only (each on the previous steps' output) and return the fitted recipe and prepared train. */
export function fitRecipe(train: Table, recipe: Recipe, opts: FitOptions = {}): { fitted: FittedRecipe; table: Table; notes: string[] } {
  const notes: string[] = [];
  const note = (m: string) => (notes.push(m), opts.onNote?.(m));
  const fitted: FittedRecipe = recipe.target === undefined ? { steps: [] } : { target: recipe.target, steps: [] };
  let table = train;
  recipe.steps.forEach((spec, index) => {
    throwIfAborted(opts.signal);
    const ctx: RunContext = { index, target: recipe.target, mode: 'train', note };
    const step = fitStep(table, spec, ctx, (label) => opts.onProgress?.({ done: index, steps: recipe.steps.length, label }));
    if (opts.release) releaseTable(table, [step.table]);
    table = step.table;
    fitted.steps.push({ spec: structuredClone(spec), state: step.state });
  });
  opts.onProgress?.({ done: recipe.steps.length, steps: recipe.steps.length, label: '' });
  return { fitted, table, notes };
}

/**
 * One step of a recipe at `ctx.index`: parsed, fitted on `table` and applied to it (mode 'train'), as fitRecipe does
 * for each step in turn; the recipe checker (check-steps.ts) runs it step by step to say which step breaks.
 */
export function fitStep(table: Table, spec: StepSpec, ctx: RunContext, onLabel?: (label: string) => void): { state: unknown; table: Table } {
  const { kind, params } = parseStep(spec, ctx);
  onLabel?.(safeDescribe(kind, params));
  const state = plainState(kind.fit(table, params, ctx), ctx, kind.kind);
  return { state, table: keepsTarget(table, kind.apply(table, params, state, ctx), ctx, kind.kind) };
}

/** Replay a fitted recipe on any table: 'eval' for validation/test splits, 'predict' for new rows (no row is dropped). */
export function applyRecipe(table: Table, fitted: FittedRecipe, mode: ApplyMode, opts: RunOptions = {}): Table {
  fitted.steps.forEach(({ spec, state }, index) => {
    throwIfAborted(opts.signal);
    const kind = kindOf(spec.kind, index);
    const ctx: RunContext = { index, target: fitted.target, mode, note: opts.onNote };
    const next = kind.apply(table, kind.parse(spec, ctx), state, ctx);
    if (opts.release) releaseTable(table, [next]);
    table = next;
  });
  return table;
}

/** A step that loses the target (one-hot encoding it, say) would leave nothing to train on: stop at that step. */
function keepsTarget(before: Table, after: Table, ctx: RunContext, kind: string): Table {
  const t = ctx.target;
  if (t !== undefined && before.columns.some((c) => c.name === t) && !after.columns.some((c) => c.name === t))
    throw stepError(ctx, kind, `this step removes the target column "${t}".`, { column: t });
  return after;
}

/** Fitted state must be plain JSON with finite numbers (null, never NaN): anything else is a bug in the step. */
function plainState(state: unknown, ctx: RunContext, kind: string): unknown {
  const check = (x: unknown, path: string): void => {
    if (x === null || typeof x === 'string' || typeof x === 'boolean') return;
    if (typeof x === 'number') {
      if (!Number.isFinite(x)) throw new EnclaveError('internal', `${stepLabel(ctx, kind)}: fitted state ${path} is ${x}, not JSON.`);
      return;
    }
    if (Array.isArray(x)) return x.forEach((y, i) => check(y, `${path}[${i}]`));
    if (typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) {
      for (const [k, y] of Object.entries(x)) check(y, `${path}.${k}`);
      return;
    }
    throw new EnclaveError('internal', `${stepLabel(ctx, kind)}: fitted state ${path} is not plain JSON.`);
  };
  check(state, 'state');
  return state;
}
