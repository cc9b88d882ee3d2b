/** A value a caller may give as itself or as its JSON text (a recipe, a model spec, a saved model). */
import { EnclaveError, type ErrorCode } from './errors.ts';

/** `input`, or the value of its JSON text; text that is not JSON is refused ("`what` is not valid JSON: …"). */
export function parseJsonText(input: unknown, code: ErrorCode, what: string): unknown {
  if (typeof input !== 'string') return input;
  try {
    return JSON.parse(input);
  } catch (e) {
    throw new EnclaveError(code, `${what} is not valid JSON: ${(e as Error).message}`);
  }
}
