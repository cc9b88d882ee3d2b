/**
 * Cell-level parsing and column type inference, shared by every reader (CSV, JSON, Parquet).
 * A ColumnBuilder takes cells one at a time and stays O(rows) in typed arrays: it starts optimistic (numbers) and
 * widens to strings only when a cell forces it, so numeric columns never hold a string per row.
 */
import { NumberIndex } from './number-index.ts';
import { F64, I32, U8 } from './typed-buffers.ts';
import { AMBIGUOUS_COMMA_RE, decimalCommaExample, parseDecimalComma } from './decimal-comma.ts';
import { parseDate } from './parse-date.ts';
import type { Column, StringType } from './table.ts';

/** Tokens that mean "no value" (compared after trimming surrounding whitespace). */
export const MISSING_TOKENS: ReadonlySet<string> = new Set([
  '', 'NA', 'N/A', 'n/a', 'na', 'null', 'NULL', 'Null', 'NaN', 'nan', 'NAN', '?', 'None', '#N/A',
]);

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const BOOL: Record<string, number> = { true: 1, false: 0, TRUE: 1, FALSE: 0, True: 1, False: 0 };

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

export { parseDate } from './parse-date.ts';
export { parseDecimalComma } from './decimal-comma.ts';

export function parseBoolean(s: string): number {
  const v = BOOL[s];
  return v === undefined ? NaN : v;
}

export type Mode = 'empty' | 'number' | 'boolean' | 'date' | 'string';

/** A ColumnBuilder's cells, as part() hands them to another builder's absorb(). */
export interface BuilderPart {
  mode: Mode;
  n: number;
  valid: Uint8Array;
  /** Number, boolean and date modes. */
  values: Float64Array | null;
  /** String mode: codes into `dictionary`, 0 where missing. */
  codes: Int32Array | null;
  dictionary: string[] | null;
  allIntegral: boolean;
  widened: boolean;
  /** Decimal separator its numbers use, with an example (decimal-comma files). */
  sep: number;
  commaExample: string;
  dotExample: string;
}

/** How a number column writes its decimals so far (only tracked where a decimal comma can be one: ColumnOptions.decimalComma). */
const NO_SEP = 0, DOT = 1, COMMA = 2;

export interface ColumnOptions {
  /**
   * Text cells may write decimals with a comma (a file whose delimiter is not a comma). A column whose decimals are
   * all written so (1,5) is read as numbers; one that mixes 1,5 and 2.5 is text (see remarks()).
   */
  decimalComma?: boolean;
  /** Called when the column first meets a number too large for a double (a reader notes where it was). */
  onFirstOverflow?: () => void;
}

/** Distinct values whose first text a number, boolean or date column remembers (for a widening to restore). */
const RAW_DISTINCT = 4096;
/** Distinct texts a date column remembers the parsed value of. */
const DATE_CACHE = 1 << 16;

/**
 * Accumulates one column. Cells arrive as text (CSV) via `pushText`, or as already-typed values (JSON, Parquet) via
 * `pushValue`. Mode only ever widens: empty → number | boolean | date → string.
 */
export class ColumnBuilder {
  readonly name: string;
  /** Read by the fast CSV engine (to pick its path per cell); changed only by the builder. */
  mode: Mode = 'empty';
  private values: F64;
  private valid: U8;
  private codes: I32 | null = null;
  private dict: Map<string, number> | null = null;
  private dictList: string[] | null = null;
  private allIntegral = true;
  /**
   * The first text of each distinct value of a number, boolean or date column, so a widening can restore it exactly;
   * '' where that text is the value's canonical form (String(n), 'true'/'false', the ISO string). Dropped (null)
   * once there are more than RAW_DISTINCT distinct values: a widening then uses the canonical forms. `seen` holds
   * the same keys, for the per-cell test.
   */
  private rawByValue: Map<number, string> | null = new Map();
  private seen: NumberIndex | null = new NumberIndex(4);
  private dateCache: Map<string, number> | null = null;
  private totalLength = 0;
  private withSpace = 0;
  /** Turned to strings after holding values (so earlier cells went through widen(), not straight to pushStr). */
  private widened = false;
  private readonly decimalComma: boolean;
  private readonly onFirstOverflow?: () => void;
  /** Decimal separator of the numbers so far (NO_SEP, DOT, COMMA), an example of each, and a mix that made it text. */
  private sep = NO_SEP;
  private commaExample = '';
  private dotExample = '';
  private mixed = false;
  /**
   * Numbers too large for a double (1e309), read as missing: how many, the first's row and text; and each one's
   * text by row, for a widening to text to restore (up to RAW_DISTINCT of them).
   */
  private overflow: { count: number; row: number; text: string; typed: boolean } | null = null;
  private overflowTexts: Map<number, string> | null = null;

  /**
   * `capacity`: cells to make room for up front. Small by default, so that a file of very many columns and few rows
   * costs memory in proportion to its cells; readers that know the row count pass it (or call reserve).
   */
  constructor(name: string, capacity = 16, options: ColumnOptions = {}) {
    this.name = name;
    this.decimalComma = options.decimalComma ?? false;
    this.onFirstOverflow = options.onFirstOverflow;
    this.values = new F64(capacity);
    this.valid = new U8(capacity);
  }

  get length(): number { return this.valid.n; }

  /** Numbers too large for a double met so far (read as missing). */
  get overflowCount(): number { return this.overflow?.count ?? 0; }

  /** Grows the buffers once to hold `rows` cells in all (a reader's estimate), instead of doubling up to it. */
  reserve(rows: number): void {
    this.valid.reserve(rows);
    if (this.mode === 'string') this.codes!.reserve(rows);
    else this.values.reserve(rows);
  }

  pushMissing(): void {
    this.valid.push(0);
    if (this.mode === 'string') this.codes!.push(0);
    else this.values.push(0);
  }

  /**
   * `n` missing cells before the first one pushed (a JSON key that earlier records lacked: added at the end, so
   * a sparse file costs memory for its values until then).
   */
  prependMissing(n: number): void {
    if (n <= 0) return;
    const len = this.valid.n;
    const shift = (buf: F64 | U8 | I32) => {
      buf.reserve(len + n);
      buf.a.copyWithin(n, 0, len);
      buf.a.fill(0, 0, n);
      buf.n = len + n;
    };
    shift(this.valid);
    if (this.mode === 'string') shift(this.codes!);
    else shift(this.values);
    if (this.overflow) this.overflow.row += n;
    if (this.overflowTexts) this.overflowTexts = new Map([...this.overflowTexts].map(([r, t]) => [r + n, t]));
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
      if (this.sep !== COMMA && AMBIGUOUS_COMMA_RE.test(s.trim())) return false;
      sep = COMMA;
    } else if (this.decimalComma && s.includes('.')) sep = DOT;
    if (sep !== NO_SEP && sep !== this.sep) {
      if (sep === COMMA) this.commaExample ||= s.trim();
      else this.dotExample ||= s.trim();
      if (this.sep !== NO_SEP) { // 1,5 and 2.5 in one column: which is a decimal, which a thousands separator? Text.
        this.mixed = true;
        this.widen();
        this.pushStr(s);
        return true;
      }
      this.sep = sep;
    }
    this.mode = 'number';
    if (Number.isFinite(n)) this.pushNum(n, s);
    else this.pushOverflow(s.trim(), false);
    return true;
  }

  /** A number too large for a double (or an infinite value), kept as a missing value and counted. */
  private pushOverflow(text: string, typed: boolean): void {
    const row = this.valid.n;
    if (this.overflow === null) {
      this.overflow = { count: 0, row, text, typed };
      this.onFirstOverflow?.();
    }
    this.overflow.count++;
    const texts = (this.overflowTexts ??= new Map());
    if (texts.size < RAW_DISTINCT) texts.set(row, text);
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
    if (this.decimalComma && this.sep !== DOT && !Number.isInteger(n)) {
      if (this.sep === COMMA) return false; // pushText tells 2.5 (a mix: text) from 2,5
      this.sep = DOT;
      this.dotExample ||= String(n);
    }
    this.mode = 'number';
    this.pushKnown(n);
    return true;
  }

  /**
   * A non-string value the builder has already taken once through pushText or pushValue in its current mode (a
   * parser's cache of cell texts): its first text is already remembered, so only the value is stored.
   */
  pushKnown(n: number): void {
    if (this.allIntegral && !Number.isSafeInteger(n)) this.allIntegral = false;
    this.values.push(n);
    this.valid.push(1);
  }

  /** A string-mode cell whose dictionary code a parser's cache of cell texts already knows. */
  pushCode(code: number): void {
    this.codes!.push(code);
    this.valid.push(1);
  }

  /** Whether the last cell pushed is present. */
  lastPresent(): boolean {
    const i = this.valid.n - 1;
    return i >= 0 && this.valid.a[i] === 1;
  }

  /** The last cell pushed, when present: its value (number, boolean and date modes) or its code (string mode). */
  lastCell(): number {
    const i = this.valid.n - 1;
    return this.mode === 'string' ? this.codes!.a[i] : this.values.a[i];
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

  private pushNum(n: number, raw: string): void {
    if (this.allIntegral && !Number.isSafeInteger(n)) this.allIntegral = false;
    this.values.push(n);
    this.valid.push(1);
    const seen = this.seen;
    if (seen !== null && !seen.has(n)) {
      if (seen.size >= RAW_DISTINCT) { // too many distinct values to keep: widening will use String(n)
        this.seen = null;
        this.rawByValue = null;
      } else {
        seen.add(n);
        this.rawByValue!.set(n, raw);
      }
    }
  }

  private pushStr(s: string): void {
    const dict = this.dict!;
    let code = dict.get(s);
    if (code === undefined) {
      code = this.dictList!.length;
      dict.set(s, code);
      this.dictList!.push(s);
      this.totalLength += s.length;
      if (s.includes(' ')) this.withSpace++;
    }
    this.codes!.push(code);
    this.valid.push(1);
  }

  /** Widen to string mode, re-expressing values seen so far as their original text where it was kept. */
  private widen(): void {
    if (this.mode === 'string') return;
    const prev = this.mode;
    const n = this.valid.n;
    const cap = Math.max(n * 2, this.valid.a.length, 16);
    this.dict = new Map();
    this.dictList = [];
    this.codes = new I32(cap);
    this.mode = 'string';
    const vals = this.values.a;
    const valid = this.valid.a;
    this.valid = new U8(cap);
    const overflowTexts = this.overflowTexts;
    const comma = this.sep === COMMA;
    for (let i = 0; i < n; i++) {
      if (!valid[i]) {
        const t = overflowTexts?.get(i); // a number too large to read: as text, it is its text
        if (t !== undefined) this.pushStr(t);
        else this.pushMissing();
        continue;
      }
      const v = vals[i];
      const raw = this.rawByValue?.get(v);
      this.pushStr(raw || (prev === 'date' ? new Date(v).toISOString() : prev === 'boolean' ? String(v === 1) : comma ? String(v).replace('.', ',') : String(v)));
    }
    this.overflow = null;
    this.overflowTexts = null;
    this.values = new F64(0);
    this.rawByValue = null;
    this.seen = null;
    this.dateCache = null;
    this.widened = prev !== 'empty';
  }

  /**
   * What this builder holds, for another builder to absorb (a reader that parsed the end of a file elsewhere). The
   * arrays are views of the builder's own buffers, which the caller may transfer: the builder is done with.
   */
  part(): BuilderPart {
    const n = this.valid.n;
    return {
      mode: this.mode,
      n,
      valid: this.valid.a.subarray(0, n),
      values: this.mode === 'string' ? null : this.values.a.subarray(0, n),
      codes: this.mode === 'string' ? this.codes!.a.subarray(0, n) : null,
      dictionary: this.dictList,
      allIntegral: this.allIntegral,
      widened: this.widened,
      sep: this.sep,
      commaExample: this.commaExample,
      dotExample: this.dotExample,
    };
  }

  /**
   * Whether absorb(part) gives exactly what pushing the part's cells here would: when either side holds no values
   * yet, or both hold values of the same kind (the part's strings were strings from its first value on).
   */
  canAbsorb(part: BuilderPart): boolean {
    // 1,5 here and 2.5 there (or the reverse): one pass would have made the column text.
    if (this.sep !== NO_SEP && part.sep !== NO_SEP && this.sep !== part.sep) return false;
    if (this.overflow && part.mode === 'string') return false; // its overflowed texts would come back
    if (part.mode === 'empty' || this.mode === 'empty' || part.mode === this.mode) {
      return !(part.mode === 'string' && part.widened && this.mode !== 'empty');
    }
    return false;
  }

  /**
   * Appends the cells of `part`, the builder of the cells that follow this one's (see canAbsorb). Only for the last
   * cells of a column: what a widening would restore of the part's values is not carried over.
   */
  absorb(part: BuilderPart): void {
    if (!this.canAbsorb(part)) throw new Error(`absorb: a ${part.mode} part cannot follow a ${this.mode} column`);
    const n = this.valid.n, m = part.n;
    if (this.sep === NO_SEP && part.sep !== NO_SEP) {
      this.sep = part.sep;
      this.commaExample = part.commaExample;
      this.dotExample = part.dotExample;
    }
    if (part.mode === 'empty') {
      for (let i = 0; i < m; i++) this.pushMissing();
      return;
    }
    if (this.mode === 'empty') {
      // No values here yet: the part went through every step this builder would have; take its state.
      this.mode = part.mode;
      this.allIntegral = part.allIntegral;
      this.widened = part.widened;
      this.rawByValue = null;
      this.seen = null;
      this.dateCache = null;
      if (part.mode === 'string') {
        this.dict = new Map();
        this.dictList = [];
        this.codes = new I32(Math.max(this.valid.a.length, n + m));
        this.codes.n = n; // the codes of missing cells are 0
      }
    }
    this.valid.reserve(n + m);
    this.valid.a.set(part.valid, n);
    this.valid.n = n + m;
    if (part.mode !== 'string') {
      this.allIntegral &&= part.allIntegral;
      this.values.reserve(n + m);
      this.values.a.set(part.values!, n);
      this.values.n = n + m;
      return;
    }
    // Strings: the part's dictionary (in its order of first appearance) joins this one's, as its cells would have.
    const remap = new Int32Array(part.dictionary!.length);
    part.dictionary!.forEach((s, code) => {
      let c = this.dict!.get(s);
      if (c === undefined) {
        c = this.dictList!.length;
        this.dict!.set(s, c);
        this.dictList!.push(s);
        this.totalLength += s.length;
        if (s.includes(' ')) this.withSpace++;
      }
      remap[code] = c;
    });
    const codes = this.codes!;
    codes.reserve(n + m);
    for (let i = 0; i < m; i++) codes.a[n + i] = part.valid[i] ? remap[part.codes![i]] : 0;
    codes.n = n + m;
  }

  /**
   * What a person should know about how this column's cells were read: numbers too large for a double (read as
   * missing), decimal commas read as decimals, a mix of decimal commas and points (read as text), or text that looks
   * like decimal-comma numbers where they could not be read as such (`commaAdvice` says what to do). `where(row)`
   * names a row for the reader ("on line 5", "in record 3").
   */
  remarks(where: (row: number) => string, commaAdvice = ''): string[] {
    const out: string[] = [];
    const name = this.name.length > 100 ? `${this.name.slice(0, 100)}…` : this.name;
    const o = this.overflow;
    if (o) {
      const one = o.count === 1;
      const what = o.typed
        ? `${formatInt(o.count)} number${one ? ' is' : 's are'} infinite or too large for a 64-bit float (the first ${where(o.row)})`
        : `${formatInt(o.count)} number${one ? ' is' : 's are'} too large for a 64-bit float (the first, "${o.text.slice(0, 40)}", ${where(o.row)})`;
      out.push(`Column "${name}": ${what}; ${one ? 'it was read as a missing value' : 'they were read as missing values'}.`);
    }
    if (this.mode === 'number' && this.sep === COMMA) {
      out.push(`Column "${name}" writes decimals with a comma ("${this.commaExample}"): read as numbers (${parseDecimalComma(this.commaExample)}).`);
    }
    if (this.mixed) {
      out.push(`Column "${name}" has numbers with a decimal comma ("${this.commaExample}") and with a decimal point ("${this.dotExample}"), so it was read as text. Make them all one way to read it as numbers.`);
    } else if (this.mode === 'string') {
      const example = decimalCommaExample(this.dictList!, (t) => !Number.isNaN(parseNumber(t)));
      if (example) out.push(`Column "${name}" looks like numbers written with a decimal comma ("${example}"); it was read as text.${commaAdvice ? ` ${commaAdvice}` : ''}`);
    }
    return out;
  }

  finish(): Column {
    const valid = this.valid.take();
    const n = valid.length;
    if (this.mode !== 'string') {
      const values = this.values.take();
      const type = this.mode === 'boolean' ? 'boolean' : this.mode === 'date' ? 'datetime' : this.mode === 'number' && !this.allIntegral ? 'float' : this.mode === 'empty' ? 'float' : 'integer';
      if (type === 'integer' && looksLikeIdName(this.name) && allDistinct(values, valid)) {
        // An integer key (e.g. "patient_id"): typed 'identifier', which keeps it out of numeric statistics and models.
        // It stays numeric (no string per row); hashing and profiling treat it as the strings String(v).
        return { kind: 'numeric', name: this.name, type: 'identifier', values, valid };
      }
      return { kind: 'numeric', name: this.name, type, values, valid };
    }
    const codes = this.codes!.take();
    const dictionary = this.dictList!;
    let present = 0;
    for (let i = 0; i < n; i++) present += valid[i];
    return { kind: 'string', name: this.name, type: stringType(this.name, dictionary, present, this.totalLength, this.withSpace), codes, dictionary, valid };
  }
}

function formatInt(n: number): string {
  return n.toLocaleString('en-US');
}

function looksLikeIdName(name: string): boolean {
  return /(^|[_\s-])id$|^id$|identifier|uuid|^key$/i.test(name) || /[a-z]Id$/.test(name);
}

/** Every present value distinct, and at least two present. Ascending keys (the usual 1..n) need no hash set. */
function allDistinct(values: Float64Array, valid: Uint8Array): boolean {
  let present = 0;
  let prev = -Infinity;
  let ascending = true;
  for (let i = 0; i < values.length; i++) {
    if (!valid[i]) continue;
    present++;
    const v = values[i];
    if (!(v > prev)) { ascending = false; break; }
    prev = v;
  }
  if (ascending) return present >= 2;
  const seen = new NumberIndex(1024);
  present = 0;
  for (let i = 0; i < values.length; i++) {
    if (!valid[i]) continue;
    present++;
    const before = seen.size;
    seen.add(values[i]);
    if (seen.size === before) return false;
  }
  return present >= 2;
}

/**
 * categorical: few distinct values relative to rows (or few in absolute terms);
 * identifier: every present value distinct (and enough rows to tell), or an id-like name with mostly distinct values;
 * text: many distinct, long or multi-word values.
 */
export function stringType(name: string, dictionary: string[], present: number, totalLength: number, withSpace: number): StringType {
  const distinct = dictionary.length;
  if (present === 0) return 'categorical';
  const avgLen = totalLength / Math.max(1, distinct);
  const ratio = distinct / present;
  if (distinct <= 20 || ratio <= 0.05) return 'categorical';
  if (ratio === 1 && present >= 20 && avgLen < 64 && withSpace / distinct < 0.5) return 'identifier';
  if (looksLikeIdName(name) && ratio > 0.9) return 'identifier';
  if (avgLen >= 20 || withSpace / distinct >= 0.5 || ratio > 0.5) return 'text';
  return 'categorical';
}

/**
 * Header names made safe: empty names become "column_N", duplicates get a ".1", ".2" suffix (as pandas does).
 * Returns the problems found so a reader can tell the person what it renamed.
 */
export function normaliseHeader(raw: string[]): { names: string[]; renamed: { from: string; to: string; index: number }[] } {
  const names: string[] = [];
  const renamed: { from: string; to: string; index: number }[] = [];
  const seen = new Map<string, number>();
  const taken = new Set(raw.map((s) => s.trim()));
  raw.forEach((r, i) => {
    let name = r.trim();
    if (name === '') {
      name = `column_${i + 1}`;
      while (taken.has(name)) name += '_';
    }
    if (seen.has(name)) {
      let k = seen.get(name)!;
      let candidate: string;
      do candidate = `${name}.${k++}`; while (taken.has(candidate) || seen.has(candidate));
      seen.set(name, k);
      name = candidate;
    }
    seen.set(name, seen.get(name) ?? 1);
    if (name !== r) renamed.push({ from: r, to: name, index: i });
    names.push(name);
  });
  return { names, renamed };
}
