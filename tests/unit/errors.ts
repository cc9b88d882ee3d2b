/** Test helpers: the EnclaveError a call throws or a promise rejects with; a test fails when there is none. Not a test file. */
import { expect } from 'vitest';
import { EnclaveError } from '../../src/lib/core/errors.ts';

/** The EnclaveError that f throws (anything else thrown, or no throw at all, fails the test). */
export function errorOf(f: () => unknown): EnclaveError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(EnclaveError);
    return e as EnclaveError;
  }
  throw new Error('expected an EnclaveError');
}

/** The EnclaveError that p rejects with (another rejection, or none, fails the test). */
export async function fails(p: Promise<unknown>): Promise<EnclaveError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(EnclaveError);
    return e as EnclaveError;
  }
  throw new Error('expected the read to fail');
}
