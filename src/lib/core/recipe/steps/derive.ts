/**
 * `derive`: a new column from an expression over numeric columns (see ../expression.ts for the language), written as
 * { name: "bmi", expression: "mass / (height / 100) ^ 2" } or { expression: "bmi = mass / (height / 100) ^ 2" }
 * (a recipe may also list the bare string). The result is float, or boolean when the expression is a comparison;
 * a column of the same name is replaced in place, a new one goes at the end.
 * Division by zero on training rows is an error naming the step, column and first row (the expression needs a guard:
 * if(d == 0, …, n / d)); on other splits and at prediction time the cell becomes missing and a note says how many.
 */
import * as v from 'valibot';
import { EnclaveError } from '../../errors.ts';
import type { NumericColumn, Table } from '../../table.ts';
import { withColumn } from '../../table-ops.ts';
import { evaluateDerivation, type Evaluation } from '../expression-eval.ts';
import { columnNodes, parseDerivation, type Derivation } from '../expression.ts';
import { stepError, stepLabel } from '../select.ts';
import type { StepContext, StepKind } from '../types.ts';
import { note, parseParams } from './shared.ts';

const KIND = 'derive';
const schema = v.strictObject({ name: v.optional(v.pipe(v.string(), v.minLength(1))), expression: v.pipe(v.string(), v.minLength(1)) });
export interface DeriveParams {
  name: string;
  expression: string;
  derivation: Derivation;
}
/** The output type, fixed at fit so every split gets the same schema. */
export interface DeriveState {
  type: 'float' | 'boolean';
}

export const derive: StepKind<DeriveParams, DeriveState> = {
  kind: KIND,
  describe: (p) => `Derive ${p.name} = ${p.derivation.expression}`,
  parse(spec, ctx) {
    const p = parseParams(schema, spec, ctx, KIND);
    const derivation = withStep(ctx, () => parseDerivation(p.expression));
    if (p.name !== undefined && derivation.name !== undefined && p.name !== derivation.name)
      throw stepError(ctx, KIND, `the name "${p.name}" and the expression's "${derivation.name} = …" disagree.`, { column: p.name });
    const name = p.name ?? derivation.name;
    if (name === undefined) throw stepError(ctx, KIND, `name the new column: { name: "bmi", expression: "…" } or "bmi = …".`, { parameter: 'name' });
    return { name, expression: p.expression, derivation };
  },
  targetConflict(p, target) {
    const label = `derive "${p.name}"`;
    if (p.name === target) return { label, message: `overwrites the target column "${target}": the model would learn this formula instead of "${target}". Give the new column another name.` };
    if (columnNodes(p.derivation.root).some((n) => n.name === target)) return { label, message: `reads the target column "${target}": a model would see the answer. Remove it or derive from other columns.` };
    return undefined;
  },
  fit(table, p, ctx) {
    const r = evaluate(table, p, ctx);
    if (r.divisionByZero > 0)
      throw new EnclaveError(
        'invalid-expression',
        `${stepLabel(ctx, KIND)}: division by zero in column "${p.name}" at row ${r.firstDivisionRow + 1} (${r.divisionByZero} training row${r.divisionByZero === 1 ? '' : 's'} in all); guard it, e.g. if(x == 0, 0, y / x).`,
        { step: ctx.index, kind: KIND, column: p.name, row: r.firstDivisionRow, count: r.divisionByZero },
      );
    return { type: r.type };
  },
  apply(table, p, state, ctx) {
    const r = evaluate(table, p, ctx);
    if (r.divisionByZero > 0) note(ctx, KIND, `${r.divisionByZero} rows of column "${p.name}" divide by zero (first: row ${r.firstDivisionRow + 1}) and are missing.`);
    if (r.nonFinite > 0) note(ctx, KIND, `${r.nonFinite} cells of column "${p.name}" had no finite value (e.g. log(0), sqrt(-1)) and are missing.`);
    const column: NumericColumn = { kind: 'numeric', name: p.name, type: state.type, values: r.values, valid: r.valid };
    return withColumn(table, column);
  },
};

function evaluate(table: Table, p: DeriveParams, ctx: StepContext): Evaluation {
  return withStep(ctx, () => evaluateDerivation(p.derivation, table));
}

/** Expression errors get the step's name in front, keeping their code and detail. */
function withStep<T>(ctx: StepContext, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof EnclaveError && e.code === 'invalid-expression')
      throw new EnclaveError('invalid-expression', `${stepLabel(ctx, KIND)}: ${e.message}`, { step: ctx.index, kind: KIND, ...e.detail });
    throw e;
  }
}
