/**
 * Checks every byte of a text file as it streams past: a NUL byte anywhere refuses the file (as one in its first
 * 64 KiB always did), and bytes that are not UTF-8 are counted, the first one located by line and character, so the
 * reader can say so however far into the file they are (TextDecoder would replace them with U+FFFD silently).
 * One pass per chunk: plain ASCII is taken four bytes at a time (line breaks counted with bit arithmetic).
 */
import { EnclaveError } from '../errors.ts';

const LF = 10, CR = 13;

export interface TextPosition {
  /** 1-based physical line (CRLF, LF and CR each end one) and character within it. */
  line: number;
  column: number;
}

export class TextCheck {
  /** Bytes that are not part of valid UTF-8 (each maximal invalid sequence counts once, as a decoder replaces it). */
  invalid = 0;
  first: TextPosition | null = null;
  private offset = 0; // bytes before the current chunk
  private lines = 0; // line breaks before the current chunk
  private column = 0; // characters after the last line break, before the current chunk
  private lastCR = false; // the previous chunk ended with CR (a following LF is the same break)
  // A multi-byte sequence under way: continuation bytes still needed, and the range the next one must be in.
  private need = 0;
  private lower = 0x80;
  private upper = 0xbf;
  private lead = -1; // where in the current chunk that sequence began (-1: in an earlier chunk)

  /** Checks the next chunk of the file; throws 'binary-file' at a NUL byte. */
  push(b: Uint8Array): void {
    this.lead = -1;
    this.validate(b);
    this.advance(b);
    this.offset += b.byteLength;
  }

  /** The end of the file: a multi-byte sequence still open there is invalid too. */
  end(): void {
    if (this.need > 0) this.bad(new Uint8Array(0), -1);
    this.need = 0;
  }

  // Per chunk, from validate(): line breaks (LF, and CR not followed by LF) and where the last one ends.
  private breaks = 0;
  private lineStart = 0;

  /**
   * One pass over the chunk: validates its UTF-8, refuses a NUL byte, counts line breaks. Aligned 32-bit words of
   * plain ASCII (no NUL, no CR) are taken a word at a time, their LFs counted with bit arithmetic.
   */
  private validate(b: Uint8Array): void {
    const n = b.length;
    let i = 0;
    let breaks = 0;
    let lineStart = 0;
    const head = (4 - (b.byteOffset & 3)) & 3;
    const words = n - head >= 4 ? new Uint32Array(b.buffer, b.byteOffset + head, (n - head) >> 2) : null;
    if (this.lastCR && n > 0 && b[0] === LF) breaks--; // the LF of a CRLF whose CR ended the chunk before
    while (i < n) {
      if (this.need === 0) {
        if (words && i >= head && ((i - head) & 3) === 0) {
          let w = (i - head) >> 2;
          for (; w < words.length; w++) {
            const x = words[w];
            if (x & 0x80808080) break;
            // 0x80 in each byte of x that equals the byte (exact: no borrow between bytes).
            const nul = ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x | 0x7f7f7f7f);
            const yc = x ^ 0x0d0d0d0d;
            const cr = ~(((yc & 0x7f7f7f7f) + 0x7f7f7f7f) | yc | 0x7f7f7f7f);
            if ((nul | cr) !== 0) break; // byte by byte
            const yl = x ^ 0x0a0a0a0a;
            const lf = ~(((yl & 0x7f7f7f7f) + 0x7f7f7f7f) | yl | 0x7f7f7f7f);
            if (lf !== 0) {
              breaks += Math.imul((lf >>> 7) & 0x01010101, 0x01010101) >>> 24;
              lineStart = head + (w << 2) + 4 - (Math.clz32(lf) >>> 3); // little-endian: the highest LF byte is last
            }
          }
          i = head + (w << 2);
          if (i >= n) break;
        }
        const c = b[i];
        if (c < 0x80) {
          if (c === LF) { breaks++; lineStart = i + 1; }
          else if (c === CR) {
            if (b[i + 1] !== LF) breaks++; // a lone CR (or one whose LF starts the next chunk: taken off there)
            lineStart = i + 1;
          } else if (c === 0) this.nul(b, i);
          i++;
          continue;
        }
        this.lead = i;
        if (c >= 0xc2 && c <= 0xdf) this.need = 1;
        else if (c >= 0xe0 && c <= 0xef) {
          this.need = 2;
          if (c === 0xe0) this.lower = 0xa0; // no overlong forms
          if (c === 0xed) this.upper = 0x9f; // no surrogates
        } else if (c >= 0xf0 && c <= 0xf4) {
          this.need = 3;
          if (c === 0xf0) this.lower = 0x90;
          if (c === 0xf4) this.upper = 0x8f; // nothing past U+10FFFF
        } else this.bad(b, i);
        i++;
        continue;
      }
      const c = b[i];
      if (c < this.lower || c > this.upper) {
        // The sequence breaks off here: it is one invalid sequence, and this byte starts afresh (not consumed).
        this.need = 0;
        this.lower = 0x80;
        this.upper = 0xbf;
        this.bad(b, this.lead);
        continue;
      }
      this.lower = 0x80;
      this.upper = 0xbf;
      this.need--;
      i++;
    }
    this.breaks = breaks;
    this.lineStart = lineStart;
  }

  private nul(b: Uint8Array, i: number): never {
    const at = this.position(b, i);
    throw new EnclaveError(
      'binary-file',
      `This does not look like a text file: it has a NUL byte at line ${at.line}, character ${at.column} (byte ${(this.offset + i + 1).toLocaleString('en-US')}). ` +
        'Enclave reads CSV, TSV, JSON and Parquet files.',
      { offset: this.offset + i, ...at },
    );
  }

  private bad(b: Uint8Array, i: number): void {
    if (this.invalid++ === 0) this.first = this.position(b, i);
  }

  /**
   * The line and character of byte i of chunk b (a chunk not yet counted by advance()); i = -1: the last character
   * of the chunks before (where a sequence that b breaks off began).
   */
  private position(b: Uint8Array, i: number): TextPosition {
    if (i < 0) return { line: this.lines + 1, column: Math.max(1, this.column) };
    const before = b.subarray(0, i);
    const breaks = lineBreaks(before, this.lastCR);
    const start = Math.max(before.lastIndexOf(LF), before.lastIndexOf(CR)) + 1;
    const column = (start === 0 ? this.column : 0) + characters(before.subarray(start)) + 1;
    return { line: this.lines + breaks + 1, column };
  }

  /** Counts the chunk's line breaks (from validate()), and the characters after its last one. */
  private advance(b: Uint8Array): void {
    this.lines += this.breaks;
    const start = this.lineStart;
    this.column = (start === 0 ? this.column : 0) + characters(b.subarray(start));
    if (b.length) this.lastCR = b[b.length - 1] === CR;
  }
}

/**
 * Line breaks that are not an LF: each CR not followed by LF, less one when b starts with the LF of a CRLF whose CR
 * ended the chunk before (`afterCR`: that CR was counted as a break then).
 */
function loneCRs(b: Uint8Array, afterCR: boolean): number {
  let n = afterCR && b[0] === LF ? -1 : 0;
  for (let i = b.indexOf(CR); i >= 0; i = b.indexOf(CR, i + 1)) if (b[i + 1] !== LF) n++;
  return n;
}

/** Line breaks in b: each LF, and each CR not followed by LF (CRLF is one); `afterCR`: b follows a CR. */
function lineBreaks(b: Uint8Array, afterCR: boolean): number {
  let n = 0;
  for (let i = b.indexOf(LF); i >= 0; i = b.indexOf(LF, i + 1)) n++;
  return n + loneCRs(b, afterCR);
}

/** Characters in b (bytes that do not continue a multi-byte sequence). */
function characters(b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < b.length; i++) if ((b[i] & 0xc0) !== 0x80) n++;
  return n;
}

/** The warning for a file with bytes that are not UTF-8, or null. */
export function invalidUtf8Warning(check: TextCheck): string | null {
  if (check.invalid === 0 || !check.first) return null;
  const { line, column } = check.first;
  const n = check.invalid;
  return (
    `The file is not valid UTF-8: ${n.toLocaleString('en-US')} byte sequence${n === 1 ? '' : 's'} could not be read (the first at line ${line}, character ${column}); ` +
    `${n === 1 ? 'it was' : 'they were'} replaced with "\uFFFD". If it came from Excel, save it as "CSV UTF-8" to keep accented letters.`
  );
}
