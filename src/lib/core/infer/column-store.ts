/**
 * Where a column's cells are kept while it is read: typed arrays (a value, or a dictionary code once the column is
 * text, and a validity byte per cell), the first text of each distinct value, and the handing over of what a builder
 * holds to the builder of the cells before it (part, canAbsorb, absorb). Which cell is what: column-builder.ts.
 */
import { NumberIndex } from '../number-index.ts';
import { F64, I32, prependZeros, U8 } from '../typed-buffers.ts';
import type { BuilderPart, Mode } from './builder-part.ts';
import { DecimalSeparator } from './decimal-separator.ts';
import { Dictionary } from './dictionary.ts';
import { Overflows } from './overflow.ts';

/** Distinct values whose first text a number, boolean or date column remembers (for a widening to restore). */
const RAW_DISTINCT = 4096;

export class ColumnStore {
  readonly name: string;
  /** Read by the fast CSV engine (to pick its path per cell); changed only by the builder. */
  mode: Mode = 'empty';
  protected values: F64;
  protected valid: U8;
  protected codes: I32 | null = null;
  protected dict: Dictionary | null = null;
  protected allIntegral = true;
  /**
   * The first text of each distinct value of a number, boolean or date column, so a widening can restore it exactly;
   * '' where that text is the value's canonical form (String(n), 'true'/'false', the ISO string). Dropped (null)
   * once there are more than RAW_DISTINCT distinct values: a widening then uses the canonical forms. `seen` holds
   * the same keys, for the per-cell test.
   */
  protected rawByValue: Map<number, string> | null = new Map();
  protected seen: NumberIndex | null = new NumberIndex(4);
  /** Turned to strings after holding values (so earlier cells went through widen(), not straight to pushStr). */
  protected widened = false;
  protected decimals = new DecimalSeparator();
  protected overflows = new Overflows();

  /**
   * `capacity`: cells to make room for up front. Small by default, so that a file of very many columns and few rows
   * costs memory in proportion to its cells; readers that know the row count pass it (or call reserve).
   */
  constructor(name: string, capacity: number) {
    this.name = name;
    this.values = new F64(capacity);
    this.valid = new U8(capacity);
  }

  get length(): number { return this.valid.n; }

  /** Numbers too large for a double met so far (read as missing). */
  get overflowCount(): number { return this.overflows.count; }

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
    prependZeros(this.valid, n);
    prependZeros(this.mode === 'string' ? this.codes! : this.values, n);
    this.overflows.shift(n);
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

  /** A value cell, its first text (`raw`, '' when canonical) remembered while there are few distinct values. */
  protected pushNum(n: number, raw: string): void {
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

  protected pushStr(s: string): void {
    this.codes!.push(this.dict!.code(s));
    this.valid.push(1);
  }

  /**
   * What this builder holds, for another builder to absorb (a reader that parsed the end of a file elsewhere). The
   * arrays are views of the builder's own buffers, which the caller may transfer: the builder is done with.
   */
  part(): BuilderPart {
    const n = this.valid.n;
    const { sep, commaExample, dotExample } = this.decimals;
    return {
      mode: this.mode,
      n,
      valid: this.valid.a.subarray(0, n),
      values: this.mode === 'string' ? null : this.values.a.subarray(0, n),
      codes: this.mode === 'string' ? this.codes!.a.subarray(0, n) : null,
      dictionary: this.dict?.list ?? null,
      allIntegral: this.allIntegral,
      widened: this.widened,
      sep,
      commaExample,
      dotExample,
    };
  }

  /**
   * Whether absorb(part) gives exactly what pushing the part's cells here would: when either side holds no values
   * yet, or both hold values of the same kind (the part's strings were strings from its first value on).
   */
  canAbsorb(part: BuilderPart): boolean {
    // 1,5 here and 2.5 there (or the reverse): one pass would have made the column text.
    if (!this.decimals.agrees(part)) return false;
    if (this.overflows.count > 0 && part.mode === 'string') return false; // its overflowed texts would come back
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
    this.decimals.adopt(part);
    if (part.mode === 'empty') {
      for (let i = 0; i < m; i++) this.pushMissing();
      return;
    }
    if (this.mode === 'empty') this.takeModeOf(part, n + m);
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
    const dict = this.dict!;
    const remap = Int32Array.from(part.dictionary!, (s) => dict.code(s));
    const codes = this.codes!;
    codes.reserve(n + m);
    for (let i = 0; i < m; i++) codes.a[n + i] = part.valid[i] ? remap[part.codes![i]] : 0;
    codes.n = n + m;
  }

  /** No values here yet: the part went through every step this builder would have; take its state. */
  protected takeModeOf(part: BuilderPart, cells: number): void {
    this.mode = part.mode;
    this.allIntegral = part.allIntegral;
    this.widened = part.widened;
    this.rawByValue = null;
    this.seen = null;
    if (part.mode === 'string') {
      this.dict = new Dictionary();
      this.codes = new I32(Math.max(this.valid.a.length, cells));
      this.codes.n = this.valid.n; // the codes of missing cells are 0
    }
  }
}
