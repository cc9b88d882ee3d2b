/**
 * A CSV field's bytes: the byte values the scanner looks for, how a field was quoted, its text (quotes undone, UTF-8
 * decoded), and the two quoting problems both engines report in the same words.
 */
import { EnclaveError } from '../errors.ts';

export const QUOTE = 34, LF = 10, CR = 13, SPACE = 32, TAB = 9;

// How a field was quoted. ESCAPED: a quoted field holding "", which decoding turns into ".
export const PLAIN = 0, QUOTED_PLAIN = 1, ESCAPED = 2;

// ignoreBOM: a U+FEFF at the start of a cell is text (the file's own BOM is dropped by the scanner).
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** UTF-8 text of b[s, e); short ASCII cells skip TextDecoder's per-call overhead. */
export function text(b: Uint8Array, s: number, e: number): string {
  const n = e - s;
  if (n === 0) return '';
  if (n <= 16) {
    let out = '';
    for (let i = s; i < e; i++) {
      const c = b[i];
      if (c >= 0x80) return decoder.decode(b.subarray(s, e));
      out += String.fromCharCode(c);
    }
    return out;
  }
  return decoder.decode(b.subarray(s, e));
}

/** A field's text, with "" turned back into " when it was ESCAPED. */
export function cellText(b: Uint8Array, s: number, e: number, q: number): string {
  return q === ESCAPED ? text(b, s, e).replaceAll('""', '"') : text(b, s, e);
}

/** Space, tab, vertical tab or form feed: what may stand between a closing quote and the delimiter. */
export const isBlankByte = (c: number) => c === SPACE || c === TAB || c === 11 || c === 12;

/** Only spaces, tabs or line breaks (a blank line; the same test as the Papa engine's). */
export function isSpace(b: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) {
    const c = b[i];
    if (c !== SPACE && c !== TAB && c !== LF && c !== CR) return false;
  }
  return true;
}

export const STRAY_QUOTE = (line: number) => `Line ${line}: a quoted field has a quote that is not doubled ("") and not at its end; it was kept as text.`;

/** An unclosed quote would make the rest of the file one cell (5 million lines into one row): refused, naming where it opened. */
export function unclosedQuote(line: number): EnclaveError {
  return new EnclaveError(
    'unclosed-quote',
    `Line ${line}: a quoted field starts here and its quote is never closed, so the rest of the file would be read into one cell. ` +
      'Close the quote, or write a quote inside a field as two ("").',
    { line },
  );
}
