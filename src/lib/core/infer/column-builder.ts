/**
 * ColumnBuilder: one column, a cell at a time, O(rows) in typed arrays (column-store.ts). It starts optimistic
 * (numbers) and widens to strings only when a cell forces it, so numeric columns never hold a string per row.
 */
import { AMBIGUOUS_COMMA_RE, parseDecimalComma } from '../decimal-comma.ts';
import { parseDate } from '../parse-date.ts';
import type { Column } from '../table.ts';
import { F64, I32, U8 } from '../typed-buffers.ts';
import type { BuilderPart } from './builder-part.ts';
import { isMissingToken, parseBoolean, parseNumber } from './cells.ts';
import { ColumnStore } from './column-store.ts';
import { stringType, valueType } from './column-type.ts';
import { COMMA, DOT, NO_SEP } from './decimal-separator.ts';
import { Dictionary } from './dictionary.ts';
import { Overflows } from './overflow.ts';

export interface ColumnOptions {
  /**
   * Text cells may write decimals with a comma (a file whose delimiter is not a comma). A column whose decimals are
   * all written so (1,5) is read as numbers; one that mixes 1,5 and 2.5 is text (see remarks()).
   */
  decimalComma?: boolean;
  /** The person said decimals are written with a comma: 1,234 is 1.234, not possibly a thousand and more. */
  commaIsDecimal?: boolean;
  /** Called when the column first meets a number too large for a double (a reader notes where it was). */
  onFirstOverflow?: () => void;
}

/** Distinct texts a date column remembers the parsed value of. */
const DATE_CACHE = 1 << 16;

/**
 * Accumulates one column. Cells arrive as text (CSV) via `pushText`, or as already-typed values (JSON, Parquet) via
 * `pushValue`. Mode only ever widens: empty → number | boolean | date → string.
 */
export class ColumnBuilder extends ColumnStore {
  private dateCache: Map<string, number> | null = null;
  private readonly decimalComma: boolean;
  private readonly commaIsDecimal: boolean;
  private readonly onFirstOverflow?: () => void;

  /** `capacity`: cells to make room for up front (see ColumnStore). */
  constructor(name: string, capacity = 16, options: ColumnOptions = {}) {
    super(name, capacity);
    this.decimalComma = options.decimalComma ?? false;
    this.commaIsDecimal = options.commaIsDecimal ?? false;
    this.onFirstOverflow = options.onFirstOverflow;
  }

  /** A cell from a text format: missing token, number, boolean, ISO date, or string. */
  pushText(s: string): void {
    if (isMissingToken(s)) return this.pushMissing();
    switch (this.mode) {
      case 'empty': {
        if (this.numberText(s)) return;
        const b = parseBoolean(s);
        if (!Number.isNaN(b)) { this.mode = 'boolean'; return this.pushNum(b, s); }
        const d = this.date(s);
        if (!Number.isNaN(d)) { this.mode = 'date'; return this.pushNum(d, s); }
        this.widen();
        return this.pushStr(s);
      }
      case 'number': {
        if (this.numberText(s)) return;
        break;
      }
      case 'boolean': {
        const b = parseBoolean(s);
        if (!Number.isNaN(b)) return this.pushNum(b, s);
        break;
      }
      case 'date': {
        const d = this.date(s);
        if (!Number.isNaN(d)) return this.pushNum(d, s);
        break;
      }
      case 'string':
        return this.pushStr(s);
    }
    this.widen();
    this.pushStr(s);
  }

  /**
   * A text cell of an empty or number column that is a number: pushes it and returns true (false, pushing nothing,
   * when it is not a number). A number too large for a double is a missing value, counted (remarks() says so). Where
   * decimal commas are allowed, 1,5 is 1.5 unless the column also writes decimals with a point: then it becomes text.
   */
  private numberText(s: string): boolean {
    let n = parseNumber(s);
    let sep = NO_SEP;
    if (Number.isNaN(n)) {
      if (!this.decimalComma) return false;
      n = parseDecimalComma(s);
      if (Number.isNaN(n)) return false;
      // 1,234 may be a thousand and more: a decimal only in a column already known to write decimals with commas.
      if (!this.commaIsDecimal && this.decimals.sep !== COMMA && AMBIGUOUS_COMMA_RE.test(s.trim())) return false;
      sep = COMMA;
    } else if (this.decimalComma && s.includes('.')) sep = DOT;
    if (!this.decimals.see(sep, s)) { // 1,5 and 2.5 in one column: which is a decimal, which a thousands separator? Text.
      this.widen();
      this.pushStr(s);
      return true;
    }
    this.mode = 'number';
    if (Number.isFinite(n)) this.pushNum(n, s);
    else this.pushOverflow(s.trim(), false);
    return true;
  }

  /** A number too large for a double (or an infinite value), kept as a missing value and counted. */
  private pushOverflow(text: string, typed: boolean): void {
    if (this.overflows.add(this.valid.n, text, typed)) this.onFirstOverflow?.();
    this.pushMissing();
  }

  /** parseDate, remembered per distinct text (a date column repeats a few thousand texts a million times). */
  private date(s: string): number {
    let cache = this.dateCache;
    if (cache === null) cache = this.dateCache = new Map();
    let d = cache.get(s);
    if (d === undefined) {
      d = parseDate(s);
      if (cache.size < DATE_CACHE) cache.set(s, d);
    }
    return d;
  }

  /**
   * Fast path for a text cell already known to be a decimal whose value is `n` (exactly what parseNumber gives
   * for it), so a parser need not build the string. Pushes and returns true only when the result is the same as
   * pushText would give without the text: the column is (or may become) numeric and the raw text need not be kept.
   * Otherwise pushes nothing and returns false, and the caller uses pushText.
   */
  tryPushNumber(n: number): boolean {
    const mode = this.mode;
    if (mode !== 'number' && mode !== 'empty') return false;
    if (this.seen !== null && !this.seen.has(n)) return false; // a new value whose text must be kept
    if (this.decimalComma && this.decimals.sep !== DOT && !Number.isInteger(n)) {
      if (this.decimals.sep === COMMA) return false; // pushText tells 2.5 (a mix: text) from 2,5
      this.decimals.see(DOT, String(n));
    }
    this.mode = 'number';
    this.pushKnown(n);
    return true;
  }

  /** A cell from a typed format. null/undefined/NaN are missing; Date → datetime; objects are stored as JSON text. */
  pushValue(v: unknown): void {
    if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) return this.pushMissing();
    if (typeof v === 'string') return this.pushText(v);
    if (typeof v === 'bigint') v = Number(v);
    if (typeof v === 'number') {
      if (this.mode === 'empty') this.mode = 'number';
      if (this.mode === 'number') {
        if (!Number.isFinite(v)) return this.pushOverflow(String(v), true);
        return this.pushNum(v, ''); // '': the text is String(v), the canonical form
      }
      this.widen();
      return this.pushStr(String(v));
    }
    if (typeof v === 'boolean') {
      if (this.mode === 'empty') this.mode = 'boolean';
      if (this.mode === 'boolean') return this.pushNum(v ? 1 : 0, '');
      this.widen();
      return this.pushStr(String(v));
    }
    if (v instanceof Date) {
      const t = v.getTime();
      if (Number.isNaN(t)) return this.pushMissing();
      if (this.mode === 'empty') this.mode = 'date';
      if (this.mode === 'date') return this.pushNum(t, '');
      this.widen();
      return this.pushStr(v.toISOString());
    }
    this.pushText(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x)));
  }

  /** Widen to string mode, re-expressing values seen so far as their original text where it was kept. */
  private widen(): void {
    if (this.mode === 'string') return;
    const prev = this.mode;
    const n = this.valid.n;
    const cap = Math.max(n * 2, this.valid.a.length, 16);
    this.dict = new Dictionary();
    this.codes = new I32(cap);
    this.mode = 'string';
    const vals = this.values.a;
    const valid = this.valid.a;
    this.valid = new U8(cap);
    const overflows = this.overflows;
    const comma = this.decimals.sep === COMMA;
    for (let i = 0; i < n; i++) {
      if (!valid[i]) {
        const t = overflows.textAt(i); // a number too large to read: as text, it is its text
        if (t !== undefined) this.pushStr(t);
        else this.pushMissing();
        continue;
      }
      const v = vals[i];
      const raw = this.rawByValue?.get(v);
      this.pushStr(raw || (prev === 'date' ? new Date(v).toISOString() : prev === 'boolean' ? String(v === 1) : comma ? String(v).replace('.', ',') : String(v)));
    }
    this.overflows = new Overflows();
    this.values = new F64(0);
    this.rawByValue = null;
    this.seen = null;
    this.dateCache = null;
    this.widened = prev !== 'empty';
  }

  protected override takeModeOf(part: BuilderPart, cells: number): void {
    super.takeModeOf(part, cells);
    this.dateCache = null;
  }

  /**
   * What a person should know about how this column's cells were read: numbers too large for a double (read as
   * missing), decimal commas read as decimals, a mix of decimal commas and points (read as text), or text that looks
   * like decimal-comma numbers where they could not be read as such (`commaAdvice` says what to do). `where(row)`
   * names a row for the reader ("on line 5", "in record 3").
   */
  remarks(where: (row: number) => string, commaAdvice = ''): string[] {
    const name = this.name.length > 100 ? `${this.name.slice(0, 100)}…` : this.name;
    const overflow = this.overflows.remark(name, where);
    const texts = this.mode === 'string' ? this.dict!.list : null;
    const decimals = this.decimals.remarks(name, this.mode === 'number', texts, (t) => !Number.isNaN(parseNumber(t)), commaAdvice);
    return overflow ? [overflow, ...decimals] : decimals;
  }

  finish(): Column {
    const valid = this.valid.take();
    if (this.mode !== 'string') {
      const values = this.values.take();
      return { kind: 'numeric', name: this.name, type: valueType(this.mode, this.allIntegral, this.name, values, valid), values, valid };
    }
    const codes = this.codes!.take();
    const { list: dictionary, totalLength, withSpace } = this.dict!;
    let present = 0;
    for (let i = 0; i < valid.length; i++) present += valid[i];
    return { kind: 'string', name: this.name, type: stringType(this.name, dictionary, present, totalLength, withSpace), codes, dictionary, valid };
  }
}
