/** A fitted step's state checked against what its mapping reads (a stored recipe is outside input). */
import * as v from 'valibot';
import { EnclaveError } from '../../../core/errors.ts';
import type { StepInput } from '../ops.ts';

export function stateOf<T>(s: StepInput, schema: v.GenericSchema<unknown, T>): T {
  const r = v.safeParse(schema, s.state);
  if (r.success) return r.output;
  const issue = r.issues[0];
  throw new EnclaveError('invalid-argument', `${s.label}: its fitted state is damaged (${v.getDotPath(issue) ?? 'state'}: ${issue.message}).`, { step: s.index, kind: s.kind });
}
