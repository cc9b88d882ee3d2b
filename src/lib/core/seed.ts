/**
 * What a seed may be: a whole number from 0 to 2³² − 1. The PRNG (random.ts) reads a seed as an unsigned 32-bit
 * integer, so anything else would be silently folded onto one of those (−1 → 4294967295, 4294967338 → 42, 1.5 → 1,
 * "" → 0): two different seeds giving the same run. Refused instead, wherever a seed comes in (CLI, forms, jobs).
 */
import { EnclaveError, type ErrorCode } from './errors.ts';

export const MAX_SEED = 0xffffffff;

const RANGE = `a whole number from 0 to ${MAX_SEED}`;
/** A refused value is echoed, but never at length (it may be a whole pasted file). */
const echo = (s: string) => (s.length > 40 ? `${s.slice(0, 40)}…` : s);

/** A seed given as a number (a job request, an API call): the number itself, or an error naming the range. */
export function checkSeed(value: unknown, name = 'The seed', code: ErrorCode = 'invalid-argument'): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_SEED) return value;
  const shown = typeof value === 'number' ? String(value) : typeof value === 'string' ? `"${echo(value)}"` : typeof value;
  throw new EnclaveError(code, `${name} must be ${RANGE}; got ${shown}.`, { seed: typeof value === 'number' ? value : null });
}

/**
 * A seed typed as text (a command-line option, a form field). Decimal digits only, surrounding spaces ignored: no sign,
 * no fraction, no exponent ("1e3"), no hexadecimal — what a person means by a seed is the digits they see.
 */
export function parseSeed(text: string, name = 'The seed', code: ErrorCode = 'invalid-argument'): number {
  const t = text.trim().replace(/^0+(?=[0-9])/, '');
  // At most 10 digits (leading zeros aside): longer strings would lose precision in Number() before the range check.
  if (/^[0-9]{1,10}$/.test(t)) {
    const v = Number(t);
    if (v <= MAX_SEED) return v;
  }
  throw new EnclaveError(code, `${name} must be ${RANGE}; got "${echo(text)}".`, { seed: null });
}

/**
 * A form's seed field after an edit: the typed seed, or — when it is not one — the seed kept before, with the reason
 * to show (the field then shows the kept seed again, so what is displayed is what will be used).
 */
export function seedFromField(text: string, kept: number): { seed: number; error: string | null } {
  try {
    return { seed: parseSeed(text), error: null };
  } catch (e) {
    return { seed: kept, error: `${(e as Error).message} The seed stays ${kept}.` };
  }
}

/**
 * A seed input's change: applies the typed seed, or puts the kept one back in the field. Returns the reason to show,
 * or null. Only a whole number 0 … 2³² − 1 is taken: anything else would alias another seed ("" → 0, 4294967338 → 42).
 */
export function takeSeedInput(input: { value: string }, kept: number, apply: (seed: number) => void): string | null {
  const r = seedFromField(input.value, kept);
  if (r.error) input.value = String(r.seed);
  else apply(r.seed);
  return r.error;
}
