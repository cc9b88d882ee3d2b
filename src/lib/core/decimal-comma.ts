/**
 * Numbers written with a decimal comma (1,5; 1.234,5), as some locales' spreadsheets save them: parsing, and telling
 * a text column that looks like them.
 */
/** Commas as thousands separators (1,234,567.5): never a decimal comma when it has several groups or a point. */
const THOUSANDS_RE = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;

/** A decimal written with a comma, optionally with "." between groups of thousands: 1,5  -0,25  1.234,5. */
const DECIMAL_COMMA_RE = /^[+-]?(?:\d+|\d{1,3}(?:\.\d{3})+),\d+$/;

/** A comma that could be a decimal comma or a thousands separator (1,234). */
export const AMBIGUOUS_COMMA_RE = /^[+-]?\d{1,3},\d{3}$/;

/** The value of a number written with a decimal comma (1,5 → 1.5; 1.234,5 → 1234.5), or NaN. */
export function parseDecimalComma(s: string): number {
  const t = s.length > 0 && (s.charCodeAt(0) <= 32 || s.charCodeAt(s.length - 1) <= 32) ? s.trim() : s;
  if (!DECIMAL_COMMA_RE.test(t)) return NaN;
  return Number(t.replaceAll('.', '').replace(',', '.'));
}

/**
 * A text column's first decimal-comma value when every value is a number and some are written with a decimal comma
 * that cannot be a thousands separator (1,5 but not only 1,234); else ''. Stops at the first value that is neither
 * (`isNumber`: a plain number).
 */
export function decimalCommaExample(dictionary: string[], isNumber: (s: string) => boolean): string {
  let example = '';
  for (const s of dictionary) {
    if (!Number.isNaN(parseDecimalComma(s))) {
      if (!example && !THOUSANDS_RE.test(s.trim())) example = s.trim();
    } else if (!isNumber(s)) return '';
  }
  return example;
}
