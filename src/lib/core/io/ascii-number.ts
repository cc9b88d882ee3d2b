/** Decimal numbers read straight from their bytes, equal bit for bit to Number(text) (Clinger's fast path). */

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i); // exact doubles up to 1e22

/** Where scanDecimal stopped: the first byte that is not part of the number. */
export interface ScanEnd {
  end: number;
}

/**
 * Reads [+-]digits[.digits][(e|E)[+-]digits] from b[p] on (before `len`) and returns its value, or NaN when it is not
 * one or not in the fast range (more than 15 digits before the exponent, |exponent| past 22, an exponent with no
 * digits). m and 10^k are both exact and the one multiplication or division is correctly rounded, so the value equals
 * Number(text). Sets `at.end` to where it stopped; the caller decides whether that ends the field. `stop` (a
 * delimiter, or -1) is never read as the exponent's 'e'.
 */
export function scanDecimal(b: Uint8Array, p: number, len: number, stop: number, at: ScanEnd): number {
  let c = 0;
  let neg = false;
  if (p < len && ((c = b[p]) === 45 || c === 43)) {
    neg = c === 45;
    p++;
  }
  let m = 0, digits = 0, frac = 0, dot = false;
  for (; p < len; p++) {
    c = b[p];
    if (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      digits++;
      if (dot) frac++;
    } else if (c === 46 && !dot) dot = true;
    else break;
  }
  let ok = digits > 0 && digits <= 15;
  let k = -frac;
  if (ok && p < len && (c | 32) === 101 && c !== stop) { // an exponent
    p++;
    let eneg = false;
    if (p < len && ((c = b[p]) === 45 || c === 43)) {
      eneg = c === 45;
      p++;
    }
    let x = 0, xd = 0;
    for (; p < len; p++) {
      c = b[p];
      if (c < 48 || c > 57 || x > 1000) break;
      x = x * 10 + (c - 48);
      xd++;
    }
    if (xd === 0) ok = false;
    k += eneg ? -x : x;
  }
  at.end = p;
  if (!ok) return NaN;
  const v = k === 0 ? m : k > 0 ? (k > 22 ? NaN : m * POW10[k]) : k < -22 ? NaN : m / POW10[-k];
  return neg ? -v : v;
}

const whole: ScanEnd = { end: 0 };

/** The value of b[s, e) when all of it is one decimal (no spaces) in the fast range, else NaN. */
export function asciiNumber(b: Uint8Array, s: number, e: number): number {
  const v = scanDecimal(b, s, e, -1, whole);
  return whole.end === e ? v : NaN;
}
