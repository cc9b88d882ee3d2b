/**
 * The fast CSV engine's per-column cache of short cell texts (see CellCache): what the column's builder did with each
 * text the first times it saw it, so repeats skip decoding, parsing and the dictionary lookup.
 */
import type { ColumnBuilder, Mode } from '../infer.ts';

/** Cells up to this many bytes go through a column's CellCache. */
export const CACHED_LENGTH = 24;
/** Distinct cell texts a CellCache learns, at most (then it only looks up, or gives up when it rarely hits). */
const CACHE_ENTRIES = 4096;

export const MISSING_CELL = 0, VALUE_CELL = 1, CODE_CELL = 2;

const NO_I32 = new Int32Array(0), NO_U8 = new Uint8Array(0), NO_F64 = new Float64Array(0);
/** A column's CellCache learns from its LEARN_AFTER-th cell on: a text seen in a file's first rows only is not worth it. */
export const LEARN_AFTER = 4;
/** A CellCache starts with room for this many entries and grows (×4) up to CACHE_ENTRIES as its column needs. */
const CACHE_START = 16;

/**
 * What a column's builder did with each short cell text it has seen (by bytes): the value (boolean, date or number
 * mode), the dictionary code (string mode) or a missing value. Repeated texts (categories, booleans, dates, missing
 * tokens) then skip building a string, the missing-token check, parsing and the dictionary lookup: the builder takes
 * the known outcome (pushKnown / pushCode / pushMissing), which is exactly what pushText would have done with the
 * text, since a builder's handling of a text depends only on the text and its mode, and a value's first text is
 * remembered when it is first pushed. Entries are learnt in one mode and dropped when the builder widens.
 * Its tables start small and grow with the distinct texts actually seen: a file of 100,000 columns and one row must
 * not allocate 100,000 full-size caches up front.
 */
export class CellCache {
  mode: Mode = 'empty';
  enabled = true;
  private cap = 0;
  // Empty (shared) until the first entry is learnt.
  private slots = NO_I32; // entry + 1, or 0; 2 × cap slots
  private hashes = NO_I32;
  private starts = NO_I32;
  private lengths = NO_U8;
  kinds = NO_U8;
  values = NO_F64;
  private bytes = NO_U8;
  private used = 0;
  private count = 0;
  private lookups = 0;
  private hits = 0;

  reset(mode: Mode): void {
    this.mode = mode;
    if (this.count === 0) return;
    this.slots.fill(0);
    this.count = 0;
    this.used = 0;
  }

  /** The entry for b[s, e) with hash h, or -1. */
  find(b: Uint8Array, s: number, e: number, h: number): number {
    const { slots, hashes, lengths, starts, bytes } = this;
    const len = e - s;
    this.lookups++;
    if (this.count === 0) return -1;
    const mask = slots.length - 1;
    for (let slot = (h ^ (h >>> 15)) & mask; ; slot = (slot + 1) & mask) {
      const k = slots[slot] - 1;
      if (k < 0) break;
      if (hashes[k] !== h || lengths[k] !== len) continue;
      let at = starts[k], i = s;
      while (i < e && bytes[at] === b[i]) (at++, i++);
      if (i === e) {
        this.hits++;
        return k;
      }
    }
    if (this.count === CACHE_ENTRIES && this.lookups > 4 * CACHE_ENTRIES && this.hits * 2 < this.lookups) this.enabled = false;
    return -1;
  }

  /** Room for `cap` entries, keeping those learnt so far. */
  private grow(cap: number): void {
    const n = this.count;
    const copy = <A extends Int32Array | Uint8Array | Float64Array>(a: A, make: (n: number) => A): A => {
      const b = make(cap);
      b.set(a.subarray(0, n));
      return b;
    };
    this.hashes = copy(this.hashes, (k) => new Int32Array(k));
    this.starts = copy(this.starts, (k) => new Int32Array(k));
    this.lengths = copy(this.lengths, (k) => new Uint8Array(k));
    this.kinds = copy(this.kinds, (k) => new Uint8Array(k));
    this.values = copy(this.values, (k) => new Float64Array(k));
    if (this.bytes.length === 0) this.bytes = new Uint8Array(cap * 8);
    this.cap = cap;
    this.slots = new Int32Array(2 * cap);
    const mask = 2 * cap - 1;
    for (let k = 0; k < n; k++) {
      const h = this.hashes[k];
      let slot = (h ^ (h >>> 15)) & mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
      this.slots[slot] = k + 1;
    }
  }

  /** Records what `col` did with the cell b[s, e) (hash h) it was just given as text. */
  learn(col: ColumnBuilder, b: Uint8Array, s: number, e: number, h: number): void {
    if (col.mode !== this.mode) this.reset(col.mode);
    if (this.count === CACHE_ENTRIES) return;
    if (this.count === this.cap) this.grow(Math.min(CACHE_ENTRIES, Math.max(CACHE_START, this.cap * 4)));
    const k = this.count++;
    const present = col.lastPresent();
    this.kinds[k] = !present ? MISSING_CELL : col.mode === 'string' ? CODE_CELL : VALUE_CELL;
    this.values[k] = present ? col.lastCell() : 0;
    this.hashes[k] = h;
    this.lengths[k] = e - s;
    if (this.used + (e - s) > this.bytes.length) {
      const bigger = new Uint8Array(Math.max(this.bytes.length * 2, this.used + (e - s)));
      bigger.set(this.bytes);
      this.bytes = bigger;
    }
    this.starts[k] = this.used;
    this.bytes.set(b.subarray(s, e), this.used);
    this.used += e - s;
    const mask = this.slots.length - 1;
    let slot = (h ^ (h >>> 15)) & mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
    this.slots[slot] = k + 1;
  }
}
