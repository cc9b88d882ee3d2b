/**
 * The fast CSV engine's RFC 4180 state machine over bytes. State survives chunk boundaries, so a record (or a quoted
 * field with newlines) may be split anywhere. Ordinary records take the one-pass path (csv-fast-record.ts); anything
 * unusual goes through the states here. Records go to the assembler through csv-emit.ts.
 */
import { NOTE, type TableAssembler } from './assemble.ts';
import { isBlankByte, STRAY_QUOTE, unclosedQuote } from './csv-field.ts';
import * as field from './csv-field.ts';
import { RecordEmitter } from './csv-emit.ts';
import { fastRecord } from './csv-fast-record.ts';
import { RecordFields } from './csv-record.ts';
import { MAX_COLUMNS, tooManyColumns } from './limits.ts';
import { hasUtf8Bom } from './sniff.ts';

// Local copies: the hot loops compare with these, and V8 folds a module's own constants where it loads an imported
// binding at each use (5–7% of a parse, measured).
const { CR, ESCAPED, LF, PLAIN, QUOTE, QUOTED_PLAIN } = field;

// Scanner states.
const START = 0; // at the start of a field
const UNQUOTED = 1; // inside an unquoted field
const QUOTED = 2; // inside a quoted field
const QUOTE_SEEN = 3; // just after a quote inside a quoted field: an escaped quote or the closing one
const AFTER_QUOTE = 4; // spaces after a closing quote (allowed before a delimiter or line break)

export class FastCsvParser {
  private buf = new Uint8Array(1 << 17);
  private len = 0;
  private pos = 0;
  private rec = 0; // where the current record starts in buf
  private state = START;
  private readonly f = new RecordFields();
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
  private readonly out: RecordEmitter;

  /**
   * `atFileStart`: the bytes begin the file (a UTF-8 BOM there is dropped); false for a part starting mid-file.
   * `firstLine`: the file's physical line the bytes start on (after lines skipped before the header).
   */
  constructor(delimiter: string, private readonly asm: TableAssembler, atFileStart = true, firstLine = 1) {
    this.delim = delimiter.charCodeAt(0);
    this.line = this.recLine = this.quoteLine = firstLine;
    this.first = atFileStart;
    this.out = new RecordEmitter(asm, !atFileStart);
  }

  /** Whether the bytes pushed so far end exactly at the end of a record (nothing of the next one seen yet). */
  atRecordStart(): boolean {
    return this.state === START && this.f.nf === 0 && !this.skipLF && this.pos === this.len;
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
      case START: if (this.f.nf > 0) this.field(len, len, PLAIN); break; // "a,b," at EOF
      case UNQUOTED: this.field(this.fstart, len, PLAIN); break;
      case AFTER_QUOTE: // spaces then the end of the file: as Papa does, the quote was not a closing one
        this.strayQuote();
      // falls through
      case QUOTED:
        throw unclosedQuote(this.quoteLine);
      case QUOTE_SEEN: this.field(this.fstart, len - 1, this.fflag); break;
    }
    if (this.f.nf > 0) this.emit();
  }

  /** Appends after dropping bytes of records already emitted (only the unfinished record is kept). */
  private append(chunk: Uint8Array): void {
    const keep = this.len - this.rec;
    const shift = this.rec;
    if (shift > 0) {
      this.buf.copyWithin(0, shift, this.len);
      this.f.rebase(shift);
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
    const f = this.f;
    // A header past the limit is refused as soon as it is (a 30 MB header need not be read whole first).
    if (f.nf === f.fs.length && !this.asm.names && f.nf >= MAX_COLUMNS) throw tooManyColumns(f.nf, ` (its header, line ${this.recLine})`, true);
    f.add(s, e, flag);
  }

  /** A quote inside a quoted field that neither doubles nor closes: kept as text, as Papa does. */
  private strayQuote(): void {
    this.fflag = ESCAPED;
    if (this.warnedLine !== this.recLine) {
      this.warnedLine = this.recLine;
      this.asm.note(this.recLine, NOTE.strayQuote, STRAY_QUOTE(this.recLine));
    }
  }

  private emit(): void {
    this.out.emit(this.buf, this.f, this.recLine);
  }

  private scan(): void {
    const b = this.buf, len = this.len, d = this.delim, f = this.f, asm = this.asm;
    let p = this.pos, state = this.state;
    while (p < len) {
      let c = b[p];
      if (state === START) {
        if (this.skipLF) {
          this.skipLF = false;
          if (c === LF) { this.rec = ++p; continue; }
        }
        if (f.nf === 0 && asm.typed !== null) {
          const next = fastRecord(b, p, len, d, asm.typed, f);
          if (next >= 0) {
            this.line++;
            f.pre = true;
            this.emit();
            f.pre = false;
            this.rec = p = next;
            this.recLine = this.line;
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
}
