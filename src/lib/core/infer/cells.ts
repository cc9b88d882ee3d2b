/** Reading one text cell: missing tokens, decimal numbers and booleans (dates: ../parse-date.ts). */

/** Tokens that mean "no value" (compared after trimming surrounding whitespace). */
export const MISSING_TOKENS: ReadonlySet<string> = new Set([
  '', 'NA', 'N/A', 'n/a', 'na', 'null', 'NULL', 'Null', 'NaN', 'nan', 'NAN', '?', 'None', '#N/A',
]);

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
// A Map, not an object: a cell reading "constructor" or "toString" must not find Object.prototype's members.
const BOOL: ReadonlyMap<string, number> = new Map([['true', 1], ['false', 0], ['TRUE', 1], ['FALSE', 0], ['True', 1], ['False', 0]]);

export function isMissingToken(s: string): boolean {
  if (MISSING_TOKENS.has(s)) return true;
  // Only text with surrounding whitespace can trim to a token (whitespace-only text of any length is missing).
  if (!maybeSpace(s.charCodeAt(0)) && !maybeSpace(s.charCodeAt(s.length - 1))) return false;
  return MISSING_TOKENS.has(s.trim());
}

/** Could be a character String.prototype.trim removes (a cheap superset test). */
function maybeSpace(c: number): boolean {
  return c <= 32 || c === 160 || c >= 0x1680;
}

/** A decimal number, or NaN when the text is not one. "1,234.5" is not a number (ambiguous with a delimiter). */
export function parseNumber(s: string): number {
  const t = s.length > 0 && (s.charCodeAt(0) <= 32 || s.charCodeAt(s.length - 1) <= 32) ? s.trim() : s;
  if (!NUMBER_RE.test(t)) return NaN;
  return Number(t);
}

/** 1 for true, 0 for false (as written in true/TRUE/True), NaN for anything else. */
export function parseBoolean(s: string): number {
  return BOOL.get(s) ?? NaN;
}
