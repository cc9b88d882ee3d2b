/** The step kinds by name, and a step's spec parsed into its kind and checked parameters (the one parse path). */
import { EnclaveError } from '../errors.ts';
import { bin } from './steps/bin.ts';
import { cast } from './steps/cast.ts';
import { dateParts } from './steps/date-parts.ts';
import { derive } from './steps/derive.ts';
import { dropColumnsStep } from './steps/drop-columns.ts';
import { dropDuplicates } from './steps/drop-duplicates.ts';
import { dropMissing } from './steps/drop-missing.ts';
import { impute } from './steps/impute.ts';
import { keepColumnsStep } from './steps/keep-columns.ts';
import { onehot } from './steps/onehot.ts';
import { ordinal } from './steps/ordinal.ts';
import { outliers } from './steps/outliers.ts';
import { scale } from './steps/scale.ts';
import { guardTarget } from './target-guard.ts';
import type { StepContext, StepKind, StepSpec } from './types.ts';

const KINDS: StepKind[] = [
  dropMissing, impute, dropDuplicates, outliers, cast, scale, onehot, ordinal, bin, dateParts, derive, dropColumnsStep, keepColumnsStep,
];

/** kind → StepKind. */
export const STEP_KINDS: ReadonlyMap<string, StepKind> = new Map(KINDS.map((k) => [k.kind, k]));
export const KNOWN_KINDS: readonly string[] = KINDS.map((k) => k.kind);

/** A step as written: an object with a kind, or a bare "name = expression" string (short for a derived column). */
export function stepSpec(raw: unknown, index: number): StepSpec {
  const spec = typeof raw === 'string' ? { kind: 'derive', expression: raw } : raw;
  if (!spec || typeof spec !== 'object' || Array.isArray(spec) || typeof (spec as StepSpec).kind !== 'string')
    throw new EnclaveError('invalid-recipe', `Step ${index + 1}: a step is an object with a "kind" (one of ${KNOWN_KINDS.join(', ')}), or a "name = expression" string.`, { step: index });
  return spec as StepSpec;
}

/**
 * A step's parameters, checked; while fitting ('train') also that it neither reads nor rewrites the target
 * (target-guard.ts). Replaying a fitted recipe parses with kind.parse alone.
 */
export function parseStep(spec: StepSpec, ctx: StepContext): { kind: StepKind; params: unknown } {
  const kind = kindOf(spec.kind, ctx.index);
  const params = kind.parse(spec, ctx);
  guardTarget(kind, params, ctx);
  return { kind, params };
}

export function kindOf(kind: string, index: number): StepKind {
  const k = STEP_KINDS.get(kind);
  if (!k) throw new EnclaveError('invalid-recipe', `Step ${index + 1}: unknown step kind "${kind}" (known: ${KNOWN_KINDS.join(', ')}).`, { step: index, kind });
  return k;
}
