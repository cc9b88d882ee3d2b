/**
 * The 'fast' CSV engine: an RFC 4180 state machine over bytes. Papa Parse (the reference engine) builds a string
 * per cell and an array per row; here cells stay byte ranges in one buffer until pushed, plain decimals become
 * numbers straight from their bytes, and only cells that must be text are decoded. State survives chunk
 * boundaries, so a record (or a quoted field with newlines) may be split anywhere.
 */
import { NOTE, type TableAssembler } from './assemble.ts';
import type { Progress } from './stream.ts';
import { hasUtf8Bom } from './sniff.ts';

const QUOTE = 34, LF = 10, CR = 13, SPACE = 32, TAB = 9;

// Scanner states.
const START = 0; // at the start of a field
const UNQUOTED = 1; // inside an unquoted field
const QUOTED = 2; // inside a quoted field
const QUOTE_SEEN = 3; // just after a quote inside a quoted field: an escaped quote or the closing one
const AFTER_QUOTE = 4; // spaces after a closing quote (allowed before a delimiter or line break)

// Field flags.
const PLAIN = 0, QUOTED_PLAIN = 1, ESCAPED = 2; // ESCAPED: turn "" into " when decoding

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i); // exact doubles up to 1e22

/**
 * The value of a plain decimal ([+-]digits[.digits], at most 15 digits, no exponent or spaces), or NaN.
 * m / 10^k with both exact is correctly rounded, so this equals Number(text) bit for bit.
 */
function asciiNumber(b: Uint8Array, s: number, e: number): number {
  let i = s;
  let neg = false;
  if (i < e && (b[i] === 45 || b[i] === 43)) neg = b[i++] === 45;
  let m = 0, digits = 0, frac = 0, dot = false;
  for (; i < e; i++) {
    const c = b[i];
    if (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      digits++;
      if (dot) frac++;
    } else if (c === 46 && !dot) dot = true;
    else return NaN;
  }
  if (digits === 0 || digits > 15) return NaN;
  const v = frac ? m / POW10[frac] : m;
  return neg ? -v : v;
}

// ignoreBOM: a U+FEFF at the start of a cell is text (the file's own BOM is dropped in push()).
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** Per-column string cache: cells up to this many bytes, in this many slots (a power of two). */
const CACHED_LENGTH = 24;
const CACHE_SLOTS = 256;

/** UTF-8 text of b[s, e); short ASCII cells skip TextDecoder's per-call overhead. */
function text(b: Uint8Array, s: number, e: number): string {
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

const isBlankByte = (c: number) => c === SPACE || c === TAB || c === 11 || c === 12;

export const STRAY_QUOTE = (line: number) => `Line ${line}: a quoted field has a quote that is not doubled ("") and not at its end; it was kept as text.`;
export const OPEN_QUOTE = (line: number) => `Line ${line}: a quoted field is never closed, so the rest of the file was read into one cell.`;

export class FastCsvParser {
  private buf = new Uint8Array(1 << 17);
  private len = 0;
  private pos = 0;
  private rec = 0; // where the current record starts in buf
  private state = START;
  private fs = new Int32Array(64);
  private fe = new Int32Array(64);
  private fq = new Uint8Array(64);
  private nf = 0;
  private fstart = 0;
  private fflag = PLAIN;
  private qend = 0; // position of the closing quote of the current field
  private warnedLine = 0; // stray-quote warnings: one per record
  private line = 1;
  private recLine = 1;
  private skipLF = false;
  private first = true;
  private readonly delim: number;
  private caches: string[][] = [];

  constructor(delimiter: string, private readonly asm: TableAssembler) {
    this.delim = delimiter.charCodeAt(0);
  }

  push(chunk: Uint8Array): void {
    if (this.first) {
      this.first = false;
      if (hasUtf8Bom(chunk)) chunk = chunk.subarray(3);
    }
    this.append(chunk);
    this.scan();
  }

  end(): void {
    const { len } = this;
    switch (this.state) {
      case START: if (this.nf > 0) this.field(len, len, PLAIN); break; // "a,b," at EOF
      case UNQUOTED: this.field(this.fstart, len, PLAIN); break;
      case AFTER_QUOTE: // spaces then the end of the file: as Papa does, the quote was not a closing one
        this.strayQuote();
      // falls through
      case QUOTED: // like Papa, an unclosed field keeps its text as it is
        this.asm.note(this.recLine, NOTE.openQuote, OPEN_QUOTE(this.recLine));
        this.field(this.fstart, len, QUOTED_PLAIN);
        break;
      case QUOTE_SEEN: this.field(this.fstart, len - 1, this.fflag); break;
    }
    if (this.nf > 0) this.emit();
  }

  /** Appends after dropping bytes of records already emitted (only the unfinished record is kept). */
  private append(chunk: Uint8Array): void {
    const keep = this.len - this.rec;
    const shift = this.rec;
    if (shift > 0) {
      this.buf.copyWithin(0, shift, this.len);
      for (let i = 0; i < this.nf; i++) { this.fs[i] -= shift; this.fe[i] -= shift; }
      this.fstart -= shift;
      this.qend -= shift;
      this.pos -= shift;
      this.rec = 0;
      this.len = keep;
    }
    if (keep + chunk.byteLength > this.buf.length) {
      const bigger = new Uint8Array(Math.max(this.buf.length * 2, keep + chunk.byteLength));
      bigger.set(this.buf.subarray(0, keep));
      this.buf = bigger;
    }
    this.buf.set(chunk, this.len);
    this.len += chunk.byteLength;
  }

  private field(s: number, e: number, flag: number): void {
    if (this.nf === this.fs.length) {
      const n = this.nf * 2;
      const fs = new Int32Array(n); fs.set(this.fs); this.fs = fs;
      const fe = new Int32Array(n); fe.set(this.fe); this.fe = fe;
      const fq = new Uint8Array(n); fq.set(this.fq); this.fq = fq;
    }
    this.fs[this.nf] = s;
    this.fe[this.nf] = e;
    this.fq[this.nf++] = flag;
  }

  /** A quote inside a quoted field that neither doubles nor closes: kept as text, as Papa does. */
  private strayQuote(): void {
    this.fflag = ESCAPED;
    if (this.warnedLine !== this.recLine) {
      this.warnedLine = this.recLine;
      this.asm.note(this.recLine, NOTE.strayQuote, STRAY_QUOTE(this.recLine));
    }
  }

  private scan(): void {
    const b = this.buf, len = this.len, d = this.delim;
    let p = this.pos, state = this.state;
    while (p < len) {
      let c = b[p];
      if (state === START) {
        if (this.skipLF) {
          this.skipLF = false;
          if (c === LF) { this.rec = ++p; continue; }
        }
        if (c === QUOTE) { state = QUOTED; this.fstart = ++p; this.fflag = QUOTED_PLAIN; continue; }
        this.fstart = p;
        state = UNQUOTED;
      }
      if (state === UNQUOTED) {
        while (p < len && (c = b[p]) !== d && c !== LF && c !== CR) p++;
        if (p === len) break;
        this.field(this.fstart, p, PLAIN);
      } else if (state === QUOTED) {
        while (p < len && (c = b[p]) !== QUOTE) {
          if (c === CR || (c === LF && b[p - 1] !== CR)) this.line++;
          p++;
        }
        if (p === len) break;
        p++;
        state = QUOTE_SEEN;
        continue;
      } else if (state === QUOTE_SEEN) {
        if (c === QUOTE) { this.fflag = ESCAPED; p++; state = QUOTED; continue; }
        this.qend = p - 1;
        if (c !== d && c !== LF && c !== CR) {
          if (isBlankByte(c)) state = AFTER_QUOTE;
          else { this.strayQuote(); state = QUOTED; }
          continue;
        }
        this.field(this.fstart, this.qend, this.fflag);
      } else {
        // AFTER_QUOTE: the field closes if only spaces stand between the quote and a delimiter or line break.
        while (p < len && (c = b[p]) !== d && isBlankByte(c)) p++;
        if (p === len) break;
        if (c !== d && c !== LF && c !== CR) { this.strayQuote(); state = QUOTED; continue; }
        this.field(this.fstart, this.qend, this.fflag);
      }
      // b[p] is a delimiter or a line break that ends the field just stored.
      state = START;
      if (c === d) { p++; continue; }
      p++;
      if (c === CR) {
        if (p < len) { if (b[p] === LF) p++; } else this.skipLF = true;
      }
      this.line++;
      this.emit();
      this.rec = p;
      this.recLine = this.line;
    }
    this.pos = p;
    this.state = state;
  }

  /**
   * Short ASCII cells through a small per-column cache: repeated values (categories, booleans, tokens) reuse one
   * string instead of allocating a new one per row, and a reused string's hash is already computed for the
   * dictionary lookups that follow.
   */
  private cached(col: number, b: Uint8Array, s: number, e: number): string {
    let h = e - s;
    for (let i = s; i < e; i++) {
      const c = b[i];
      if (c >= 0x80) return text(b, s, e);
      h = (Math.imul(h, 31) + c) | 0;
    }
    const cache = (this.caches[col] ??= new Array<string>(CACHE_SLOTS).fill(''));
    const slot = (h ^ (h >>> 11)) & (CACHE_SLOTS - 1);
    const hit = cache[slot];
    if (hit.length === e - s) {
      let same = true;
      for (let k = 0; same && k < hit.length; k++) same = hit.charCodeAt(k) === b[s + k];
      if (same) return hit;
    }
    return (cache[slot] = text(b, s, e));
  }

  private emit(): void {
    const { asm, buf: b, fs, fe, fq } = this;
    const nf = this.nf;
    this.nf = 0;
    if (nf === 1 && isSpace(b, fs[0], fe[0])) return; // blank line
    if (!asm.names) {
      const raw: string[] = [];
      for (let i = 0; i < nf; i++) raw.push(cellText(b, fs[i], fe[i], fq[i]));
      asm.header(raw, this.recLine);
      return;
    }
    const n = asm.check(nf, this.recLine);
    const typed = asm.typed;
    const sinks = asm.sinks;
    for (let i = 0; i < n; i++) {
      const s = fs[i], e = fe[i], q = fq[i];
      if (typed !== null && q <= QUOTED_PLAIN) {
        const v = asciiNumber(b, s, e);
        if (v === v && typed[i].tryPushNumber(v)) continue;
      }
      sinks[i].pushText(q <= QUOTED_PLAIN && e - s <= CACHED_LENGTH ? this.cached(i, b, s, e) : cellText(b, s, e, q));
    }
    asm.end(n);
  }
}

function cellText(b: Uint8Array, s: number, e: number, q: number): string {
  return q === ESCAPED ? text(b, s, e).replaceAll('""', '"') : text(b, s, e);
}

/** Only spaces, tabs or line breaks (a blank line; the same test as the Papa engine's). */
function isSpace(b: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) {
    const c = b[i];
    if (c !== SPACE && c !== TAB && c !== LF && c !== CR) return false;
  }
  return true;
}

/** Parses `input` (the head chunk first) into `asm`. */
export async function parseFast(input: AsyncIterable<Uint8Array>, delimiter: string, asm: TableAssembler, progress: Progress): Promise<void> {
  const parser = new FastCsvParser(delimiter, asm);
  for await (const chunk of input) {
    parser.push(chunk);
    progress.rows = asm.rows;
  }
  parser.end();
  progress.rows = asm.rows;
}
