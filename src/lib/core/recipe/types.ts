/**
 * Recipes: an ordered list of steps, each plain JSON, each fitted on the training split only and replayed on any
 * table (validation, test, a new batch, another browser). Like tfjs-layers' serialisable configs: a step is its
 * `spec` (what the person asked for) plus its fitted `state` (what it learned from training rows), both JSON.
 */
import type { Table } from '../table.ts';

/**
 * Which columns a step works on: explicit names, or a selector. Selectors never include the recipe's target
 * (a target is never scaled, imputed or encoded as a feature by a wildcard).
 *   '*'            every column but the target
 *   '*numeric'     integer and float columns
 *   '*categorical' categorical and boolean columns (string columns with few distinct values)
 *   '*datetime'    datetime columns
 */
export type ColumnSelector = string[] | '*' | '*numeric' | '*categorical' | '*datetime';

/** A step as the person wrote it: `{ kind: 'scale', columns: '*numeric', method: 'minmax' }`. */
export interface StepSpec {
  kind: string;
  [param: string]: unknown;
}

export interface Recipe {
  /** The column to predict; excluded from wildcard selectors, checked by the split and the validation. */
  target?: string;
  steps: StepSpec[];
}

/** Where a table is in the workflow: row-removing steps run on train and eval splits, never at prediction time. */
export type ApplyMode = 'train' | 'eval' | 'predict';

export interface StepContext {
  /** Position of the step in the recipe (0-based), for messages: "Step 3 (scale): …". */
  index: number;
  target?: string;
  mode: ApplyMode;
}

/**
 * One kind of step. `parse` validates the spec (valibot) and returns typed params or throws
 * EnclaveError('invalid-recipe', message naming the step and the column). `fit` sees training rows only.
 * `apply` must be deterministic given (table, params, state) and must not mutate its input.
 */
export interface StepKind<P = unknown, S = unknown> {
  kind: string;
  /** One line for people: "Impute the median of Body Mass (g)". */
  describe(params: P): string;
  parse(spec: StepSpec, ctx: StepContext): P;
  fit(table: Table, params: P, ctx: StepContext): S;
  apply(table: Table, params: P, state: S, ctx: StepContext): Table;
  /**
   * Whether this step would read the recipe's target into a feature or rewrite it, judged from its parameters before
   * anything is fitted; undefined when it leaves the answer as it is (target-guard.ts has the policy per kind).
   */
  targetConflict?(params: P, target: string): TargetConflict | undefined;
}

/** What a step would do to the target: `label` replaces the kind in "Step 3 (…)" (derive names its column). */
export interface TargetConflict {
  label?: string;
  /** The rest of the sentence: 'reads the target column "y": a model would see the answer. …' */
  message: string;
}

export interface FittedStep {
  spec: StepSpec;
  state: unknown;
}

export interface FittedRecipe {
  target?: string;
  steps: FittedStep[];
}
