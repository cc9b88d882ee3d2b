import { describe, expect, it } from 'vitest';
import { asciiNumber, scanDecimal } from '../../src/lib/core/io/ascii-number.ts';
import { seeded } from '../../src/lib/core/random.ts';

const bytes = (s: string) => new TextEncoder().encode(s);
const read = (s: string) => asciiNumber(bytes(s), 0, s.length);

// The fast CSV engine reads decimals from their bytes (one scanner for the one-pass path and the general one). The
// reference is JavaScript's own Number(text): equal bit for bit where it gives a value, NaN where it cannot be exact.
describe('decimals read from bytes', () => {
  it('equal Number(text) bit for bit', () => {
    const cases = ['0', '-0', '+7', '42', '3.14159', '-2.5', '.5', '5.', '1e3', '1E-3', '-1.5e+10', '123456789012345', '0.1', '0.3', '900719925474099', '1e22', '1e-22', '2.25073858507201e-5', '000123', '12.50'];
    for (const s of cases) expect(Object.is(read(s), Number(s)), s).toBe(true);
  });

  it('give NaN for what is not one decimal, or not exactly readable this way', () => {
    for (const s of ['', '-', '+', '.', 'e5', '1e', '1e+', '1.2.3', '1,5', ' 1', '1 ', '0x10', 'Infinity', 'NaN', '1e23', '1e-23', '1234567890123456', '9007199254740991', '2.2250738585072014e-10', '2.25073858507201e-10', '1e99999', '--1', '1e5x'])
      expect(read(s), s).toBeNaN();
  });

  it('agree with Number(text) on 20,000 random decimals within the fast range', () => {
    const rng = seeded(7);
    for (let i = 0; i < 20_000; i++) {
      const digits = 1 + Math.floor(rng.next() * 15);
      let m = '';
      for (let j = 0; j < digits; j++) m += Math.floor(rng.next() * 10);
      const dot = Math.floor(rng.next() * (digits + 1));
      const exp = rng.next() < 0.3 ? `e${Math.floor(rng.next() * 15) - 7}` : '';
      const s = `${rng.next() < 0.5 ? '-' : ''}${m.slice(0, dot)}.${m.slice(dot)}${exp}`;
      expect(Object.is(read(s), Number(s)), s).toBe(true);
    }
  });

  it('stop where the number ends (a delimiter, a quote), never reading the delimiter as an exponent', () => {
    const at = { end: -1 };
    const b = bytes('12.5,x');
    expect(scanDecimal(b, 0, b.length, 44, at)).toBe(12.5);
    expect(at.end).toBe(4);
    const q = bytes('"7e2"');
    expect(scanDecimal(q, 1, q.length, 44, at)).toBe(700);
    expect(at.end).toBe(4);
    const e = bytes('3e;4'); // 'e' is the delimiter here: the number is 3
    expect(scanDecimal(e, 0, e.length, 101, at)).toBe(3);
    expect(at.end).toBe(1);
  });
});
