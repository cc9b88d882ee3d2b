/**
 * The 'fast' CSV engine: an RFC 4180 state machine over bytes. Papa Parse (the reference engine) builds a string
 * per cell and an array per row; here cells stay byte ranges in one buffer until pushed, decimals become numbers
 * straight from their bytes, repeated short cells reuse what their column did with them the first time (CellCache),
 * and only cells that must be text are decoded. State survives chunk boundaries, so a record (or a quoted field
 * with newlines) may be split anywhere. Ordinary records take a one-pass path (fastRecord) that splits, parses and
 * hashes in the same loop; anything unusual goes through the state machine. A large file can be read in two halves
 * at once (parseFastSplit), joined only where that gives exactly the one-pass table.
 */
import { EnclaveError } from '../errors.ts';
import { NOTE, TableAssembler, type TablePart } from './assemble.ts';
import type { ByteSource, ReadOptions } from './source.ts';
import { chunks, type Progress } from './stream.ts';
import { CACHED_LENGTH, CellCache, CODE_CELL, LEARN_AFTER, VALUE_CELL } from './cell-cache.ts';
import { MAX_COLUMNS, tooManyColumns } from './limits.ts';
import { checked, hasUtf8Bom } from './sniff.ts';
import { TextCheck } from './text-check.ts';
import { nextTask } from '../next-task.ts';

const QUOTE = 34, LF = 10, CR = 13, SPACE = 32, TAB = 9;

// Scanner states.
const START = 0; // at the start of a field
const UNQUOTED = 1; // inside an unquoted field
const QUOTED = 2; // inside a quoted field
const QUOTE_SEEN = 3; // just after a quote inside a quoted field: an escaped quote or the closing one
const AFTER_QUOTE = 4; // spaces after a closing quote (allowed before a delimiter or line break)

// Field flags.
const PLAIN = 0, QUOTED_PLAIN = 1, ESCAPED = 2; // ESCAPED: turn "" into " when decoding
// What fastRecord worked out for a field.
const PRE_NUMBER = 1, PRE_HASH = 2; // (0: nothing)

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i); // exact doubles up to 1e22

/**
 * The value of a decimal ([+-]digits[.digits][(e|E)[+-]digits], at most 15 significant-or-not digits before the
 * exponent, no spaces), or NaN when the text is not one or not in the fast range. m and 10^k both exact and the one
 * multiplication or division correctly rounded, so this equals Number(text) bit for bit (Clinger's fast path).
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
    else break;
  }
  if (digits === 0 || digits > 15) return NaN;
  let k = -frac;
  if (i < e) {
    if ((b[i] | 32) !== 101) return NaN; // not 'e' or 'E'
    i++;
    let eneg = false;
    if (i < e && (b[i] === 45 || b[i] === 43)) eneg = b[i++] === 45;
    if (i === e) return NaN;
    let x = 0;
    for (; i < e; i++) {
      const c = b[i];
      if (c < 48 || c > 57 || x > 1000) return NaN;
      x = x * 10 + (c - 48);
    }
    k += eneg ? -x : x;
  }
  let v: number;
  if (k === 0) v = m;
  else if (k > 0) {
    if (k > 22) return NaN;
    v = m * POW10[k];
  } else {
    if (k < -22) return NaN;
    v = m / POW10[-k];
  }
  return neg ? -v : v;
}

// ignoreBOM: a U+FEFF at the start of a cell is text (the file's own BOM is dropped in push()).
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

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
/** An unclosed quote would make the rest of the file one cell (5 million lines into one row): refused, naming where it opened. */
export function unclosedQuote(line: number): EnclaveError {
  return new EnclaveError(
    'unclosed-quote',
    `Line ${line}: a quoted field starts here and its quote is never closed, so the rest of the file would be read into one cell. ` +
      'Close the quote, or write a quote inside a field as two ("").',
    { line },
  );
}

export class FastCsvParser {
  private buf = new Uint8Array(1 << 17);
  private len = 0;
  private pos = 0;
  private rec = 0; // where the current record starts in buf
  private state = START;
  private fs = new Int32Array(64);
  private fe = new Int32Array(64);
  private fq = new Uint8Array(64);
  /**
   * What the record fast path (fastRecord) already worked out per field: PRE_NUMBER (fnum: its asciiNumber value),
   * PRE_HASH (fhash: its cache hash), or 0. Read by emit() only while `pre` is set.
   */
  private fk = new Uint8Array(64);
  private fnum = new Float64Array(64);
  private fhash = new Int32Array(64);
  private pre = false;
  private nf = 0;
  private fstart = 0;
  private fflag = PLAIN;
  private qend = 0; // position of the closing quote of the current field
  private warnedLine = 0; // stray-quote warnings: one per record
  private line = 1;
  private recLine = 1;
  private quoteLine = 1; // where the current quoted field opened
  private skipLF = false;
  private first = true;
  private readonly delim: number;
  private caches: CellCache[] = [];

  /** `atFileStart`: the bytes begin the file (a UTF-8 BOM there is dropped); false for a part starting mid-file. */
  constructor(delimiter: string, private readonly asm: TableAssembler, atFileStart = true) {
    this.delim = delimiter.charCodeAt(0);
    this.first = atFileStart;
    if (!atFileStart) this.caches = asm.names!.map(() => new CellCache());
  }

  /** Whether the bytes pushed so far end exactly at the end of a record (nothing of the next one seen yet). */
  atRecordStart(): boolean {
    return this.state === START && this.nf === 0 && !this.skipLF && this.pos === this.len;
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
      case QUOTED:
        throw unclosedQuote(this.quoteLine);
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
      // A header past the limit is refused as soon as it is (a 30 MB header need not be read whole first).
      if (!this.asm.names && this.nf >= MAX_COLUMNS) throw tooManyColumns(this.nf, ` (its header, line ${this.recLine})`, true);
      const n = this.nf * 2;
      const fs = new Int32Array(n); fs.set(this.fs); this.fs = fs;
      const fe = new Int32Array(n); fe.set(this.fe); this.fe = fe;
      const fq = new Uint8Array(n); fq.set(this.fq); this.fq = fq;
      this.fk = new Uint8Array(n);
      this.fnum = new Float64Array(n);
      this.fhash = new Int32Array(n);
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
        if (this.nf === 0 && this.asm.typed !== null) {
          const next = this.fastRecord(p);
          if (next >= 0) {
            p = next;
            continue;
          }
        }
        if (c === QUOTE) { state = QUOTED; this.fstart = ++p; this.fflag = QUOTED_PLAIN; this.quoteLine = this.line; continue; }
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
   * The common case in one pass: a whole record already in the buffer, every field unquoted or plainly quoted (no
   * "" escape, no line break inside quotes), at most as many fields as columns. Splits it exactly as scan() would,
   * and meanwhile parses the fields of number columns (as asciiNumber) and hashes the others (as emit's cell cache
   * does), so emit() need not read their bytes again. Returns where the next record starts, or -1 (having changed
   * nothing) for scan() to take this record the general way.
   */
  private fastRecord(p: number): number {
    const b = this.buf, len = this.len, d = this.delim;
    const typed = this.asm.typed!;
    const ncols = typed.length;
    if (this.fs.length < ncols) return -1;
    const { fs, fe, fq, fk, fnum, fhash } = this;
    let nf = 0;
    for (;;) {
      if (nf === ncols || p >= len) return -1;
      let c = b[p];
      let q = PLAIN;
      if (c === QUOTE) {
        q = QUOTED_PLAIN;
        p++;
      }
      const s = p;
      const mode = typed[nf].mode;
      if (mode === 'number' || mode === 'empty') {
        // asciiNumber, inline.
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
        let v = digits === 0 || digits > 15 ? NaN : 0;
        let k = -frac;
        if (p < len && (c | 32) === 101 && c !== d && v === 0) { // an exponent
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
          if (xd === 0) v = NaN;
          k += eneg ? -x : x;
        }
        if (v === 0) {
          if (k === 0) v = m;
          else if (k > 0) v = k > 22 ? NaN : m * POW10[k];
          else v = k < -22 ? NaN : m / POW10[-k];
          if (neg) v = -v;
        }
        // Anything else before the field ends makes it text.
        if (q === PLAIN) {
          if (p < len && (c = b[p]) !== d && c !== LF && c !== CR) {
            v = NaN;
            while (p < len && (c = b[p]) !== d && c !== LF && c !== CR) p++;
          }
        } else if (p < len && b[p] !== QUOTE) {
          v = NaN;
          while (p < len && (c = b[p]) !== QUOTE && c !== LF && c !== CR) p++;
        }
        fk[nf] = PRE_NUMBER;
        fnum[nf] = v;
      } else {
        let h = 0;
        if (q === PLAIN) {
          while (p < len && (c = b[p]) !== d && c !== LF && c !== CR) {
            h = (Math.imul(h, 31) + c) | 0;
            p++;
          }
        } else {
          while (p < len && (c = b[p]) !== QUOTE && c !== LF && c !== CR) {
            h = (Math.imul(h, 31) + c) | 0;
            p++;
          }
        }
        fk[nf] = PRE_HASH;
        fhash[nf] = h;
      }
      fs[nf] = s;
      fe[nf] = p;
      fq[nf++] = q;
      if (q === QUOTED_PLAIN) {
        // The closing quote, then straight the end of the field (anything else: the general way).
        if (p >= len || b[p] !== QUOTE) return -1;
        p++;
      }
      if (p >= len) return -1;
      c = b[p++];
      if (c === d) continue;
      if (c !== LF && c !== CR) return -1;
      if (c === CR) {
        if (p >= len) return -1; // is an LF next? Not known yet
        if (b[p] === LF) p++;
      }
      break;
    }
    this.line++;
    this.nf = nf;
    this.pre = true;
    this.emit();
    this.pre = false;
    this.rec = p;
    this.recLine = this.line;
    return p;
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
      this.caches = asm.names!.map(() => new CellCache());
      return;
    }
    const n = asm.check(nf, this.recLine);
    const typed = asm.typed;
    if (typed === null) {
      const sinks = asm.sinks;
      for (let i = 0; i < n; i++) sinks[i].pushText(cellText(b, fs[i], fe[i], fq[i]));
      asm.end(n);
      return;
    }
    const caches = this.caches;
    const { pre, fk, fnum, fhash } = this;
    for (let i = 0; i < n; i++) {
      const s = fs[i], e = fe[i];
      const col = typed[i];
      if (e === s) { // '' (a missing token)
        col.pushMissing();
        continue;
      }
      const q = fq[i];
      if (q <= QUOTED_PLAIN) {
        const mode = col.mode;
        if (mode === 'number' || mode === 'empty') {
          const v = pre && fk[i] === PRE_NUMBER ? fnum[i] : asciiNumber(b, s, e);
          if (v === v && col.tryPushNumber(v)) continue;
        }
        const cache = caches[i];
        if (e - s <= CACHED_LENGTH && cache.enabled) {
          if (cache.mode !== mode) cache.reset(mode);
          let h = 0;
          if (pre && fk[i] === PRE_HASH) h = fhash[i];
          else for (let k = s; k < e; k++) h = (Math.imul(h, 31) + b[k]) | 0;
          const k = cache.find(b, s, e, h);
          if (k >= 0) {
            const kind = cache.kinds[k];
            if (kind === VALUE_CELL) col.pushKnown(cache.values[k]);
            else if (kind === CODE_CELL) col.pushCode(cache.values[k]);
            else col.pushMissing();
            continue;
          }
          const overflows = col.overflowCount;
          col.pushText(text(b, s, e));
          // Not a number too large for a double: each of those must reach the builder, to be counted.
          if (col.length >= LEARN_AFTER && col.overflowCount === overflows) cache.learn(col, b, s, e, h);
          continue;
        }
      }
      col.pushText(cellText(b, s, e, q));
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
  const sizer = new Sizer(asm, progress.total);
  for await (const chunk of input) {
    parser.push(chunk);
    sizer.pushed(chunk.byteLength);
    progress.rows = asm.rows;
  }
  parser.end();
  progress.rows = asm.rows;
}

/**
 * Sizes the columns for the whole input from the bytes per row so far (10% spare: early rows are often shorter), so
 * they do not double (and copy) their way up; re-estimated should the input run past the estimate.
 */
class Sizer {
  private bytes = 0;
  private reserved = 0;
  constructor(private readonly asm: TableAssembler, private readonly total: number) {}
  pushed(n: number): void {
    this.bytes += n;
    const { asm, bytes, total } = this;
    if (asm.rows >= 256 && bytes < total) {
      const expected = Math.ceil((asm.rows * total) / bytes);
      if (expected > this.reserved) asm.reserve((this.reserved = Math.ceil(expected * 1.1) + 64));
    }
  }
}

/** Reads the rest of a file, from a record boundary (`source` starts there), as the columns `names`. */
export async function parseCsvPart(source: ByteSource, delimiter: string, names: string[], opts: ReadOptions = {}): Promise<TablePart> {
  const asm = new TableAssembler(true, [], delimiter);
  asm.preset(names);
  const parser = new FastCsvParser(delimiter, asm, false);
  const sizer = new Sizer(asm, source.size);
  // Its bytes are checked here (a NUL refuses the part): the reader of the first half never sees them.
  const check = new TextCheck();
  for await (const chunk of checked(chunks(source, opts), check)) {
    parser.push(chunk);
    sizer.pushed(chunk.byteLength);
  }
  parser.end();
  const part = asm.part();
  // Bytes that are not UTF-8: read again where the warning can name their line.
  return check.invalid > 0 ? { ...part, remarked: true } : part;
}

/**
 * parseFast with the file in two halves, read at once: bytes [0, boundary) here, and the rest elsewhere (`rest`,
 * started as soon as the header is known: by parseCsvPart in another worker). `boundary` follows a line break;
 * when the bytes before it end a record there (the break was not inside quotes) and the rest absorbs exactly (see
 * TableAssembler.absorb), the table is this part and that one; otherwise the rest is read here after all, as
 * parseFast would have. `input` yields the whole file; only what is needed of it is read.
 */
export async function parseFastSplit(
  input: AsyncIterator<Uint8Array>,
  boundary: number,
  delimiter: string,
  asm: TableAssembler,
  progress: Progress,
  rest: (names: string[]) => Promise<TablePart>,
  onFallback?: () => void,
): Promise<void> {
  const started = performance.now();
  const parser = new FastCsvParser(delimiter, asm);
  const sizer = new Sizer(asm, progress.total);
  let fed = 0;
  let remainder: Uint8Array | null = null;
  let other: Promise<TablePart | null> | null = null;
  while (fed < boundary) {
    const r = await input.next();
    if (r.done) break;
    let chunk = r.value;
    if (fed + chunk.byteLength > boundary) {
      remainder = chunk.subarray(boundary - fed);
      chunk = chunk.subarray(0, boundary - fed);
    }
    parser.push(chunk);
    fed += chunk.byteLength;
    sizer.pushed(chunk.byteLength);
    progress.rows = asm.rows;
    if (!other && asm.names) {
      other = rest(asm.names).catch(() => null);
    }
    // A turn of the event loop per chunk: while chunks are at hand, awaiting them never gives one, and the other
    // reader (a worker this one started) cannot even load without it.
    await nextTask();
  }
  // Wait for the other half about as long as reading it here would take; past that (a slow or stuck reader), read
  // it here. Either way the table is the same.
  const part = fed === boundary && parser.atRecordStart() && other ? await within(other, Math.max(250, performance.now() - started)) : null;
  if (!part || !asm.absorb(part)) {
    // The general way: on from the boundary here.
    onFallback?.();
    if (remainder) {
      parser.push(remainder);
      sizer.pushed(remainder.byteLength);
    }
    for (;;) {
      const r = await input.next();
      if (r.done) break;
      parser.push(r.value);
      sizer.pushed(r.value.byteLength);
      progress.rows = asm.rows;
    }
  }
  parser.end();
  progress.rows = asm.rows;
}

/** `p`'s value, or null when it has not come within `ms` (or failed). */
function within<T>(p: Promise<T | null>, ms: number): Promise<T | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  return Promise.race([p.catch(() => null), late]).finally(() => clearTimeout(timer));
}
