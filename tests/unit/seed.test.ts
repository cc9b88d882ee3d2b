import { describe, expect, it } from 'vitest';
import { EnclaveError } from '../../src/lib/core/errors.ts';
import { checkSeed, MAX_SEED, parseSeed, seedFromField } from '../../src/lib/core/seed.ts';
import { seeded } from '../../src/lib/core/random.ts';

const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(EnclaveError);
    return e as EnclaveError;
  }
  throw new Error('expected a refusal');
};

describe('seeds: whole numbers from 0 to 2³² − 1', () => {
  it('accepts the decimal digits of 0 … 4294967295 (surrounding spaces and leading zeros ignored)', () => {
    expect(MAX_SEED).toBe(2 ** 32 - 1);
    expect(parseSeed('0')).toBe(0);
    expect(parseSeed('42')).toBe(42);
    expect(parseSeed(' 42 ')).toBe(42);
    expect(parseSeed('007')).toBe(7);
    expect(parseSeed('4294967295')).toBe(4294967295);
    expect(parseSeed('0004294967295')).toBe(4294967295);
  });

  it('refuses empty text, signs, fractions, exponents, hexadecimal and anything past 2³² − 1, naming the range', () => {
    for (const text of ['', ' ', '-1', '+1', '1.5', '42.0', '1e3', '0x10', 'abc', '4294967296', '4294967338', '99999999999999999999', 'NaN', 'Infinity']) {
      const e = refusal(() => parseSeed(text, '--seed'));
      expect(e.code).toBe('invalid-argument');
      expect(e.message).toBe(`--seed must be a whole number from 0 to 4294967295; got "${text}".`);
    }
  });

  it('would otherwise alias: 4294967338 and −1 are the PRNG streams of 42 and 4294967295', () => {
    // Why the range matters: the PRNG reads seeds modulo 2³², so out-of-range seeds silently repeat other runs.
    expect(seeded(4294967338).next()).toBe(seeded(42).next());
    expect(seeded(-1).next()).toBe(seeded(4294967295).next());
  });

  it('checks numbers from any caller: integers in range only, with the code the caller asks for', () => {
    expect(checkSeed(0)).toBe(0);
    expect(checkSeed(MAX_SEED)).toBe(MAX_SEED);
    for (const [value, shown] of [[-1, '-1'], [1.5, '1.5'], [4294967338, '4294967338'], [NaN, 'NaN'], [Infinity, 'Infinity'], ['42', '"42"'], [null, 'object'], [undefined, 'undefined']] as const) {
      const e = refusal(() => checkSeed(value, 'The split seed', 'invalid-split'));
      expect(e.code).toBe('invalid-split');
      expect(e.message).toBe(`The split seed must be a whole number from 0 to 4294967295; got ${shown}.`);
    }
  });

  it('echoes a long refused value only in part', () => {
    const e = refusal(() => parseSeed('9'.repeat(100_000)));
    expect(e.message.length).toBeLessThan(200);
  });

  it('a form field takes a valid seed, and otherwise keeps the previous one and says why', () => {
    expect(seedFromField('7', 42)).toEqual({ seed: 7, error: null });
    expect(seedFromField('4294967295', 42)).toEqual({ seed: 4294967295, error: null });
    // An <input type=number> reports '' for text it cannot read as a number ('abc', '--1').
    expect(seedFromField('', 42)).toEqual({ seed: 42, error: 'The seed must be a whole number from 0 to 4294967295; got "". The seed stays 42.' });
    expect(seedFromField('4294967338', 7)).toEqual({ seed: 7, error: 'The seed must be a whole number from 0 to 4294967295; got "4294967338". The seed stays 7.' });
    expect(seedFromField('1.5', 7).seed).toBe(7);
  });
});
