/**
 * Distinct doubles → ids in order of first insertion: an open-addressing hash table over typed arrays, for the hot
 * paths (type inference, hashing and profiling of million-row columns) where a Map<number, …> costs a heap number
 * and a generic hash per lookup. Keys compare as SameValueZero does, as in a Map: 0 and -0 are one key, and so are
 * all NaNs.
 */
const F64 = new Float64Array(1);
const I32 = new Int32Array(F64.buffer);

function hashOf(v: number): number {
  F64[0] = v;
  let h = Math.imul(I32[0] ^ Math.imul(I32[1], 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

export class NumberIndex {
  /** Distinct keys, in insertion order (ids are positions here). */
  values: Float64Array;
  size = 0;
  private slots: Int32Array; // id + 1, or 0 for an empty slot
  private mask: number;
  private nanId = -1;

  constructor(expected = 16) {
    let cap = 16;
    while (cap < expected * 2) cap *= 2;
    this.slots = new Int32Array(cap);
    this.mask = cap - 1;
    this.values = new Float64Array(Math.max(8, expected));
  }

  /** The id of `v`, or -1. */
  get(v: number): number {
    if (v !== v) return this.nanId;
    if (v === 0) v = 0; // -0 → 0
    const { slots, mask, values } = this;
    for (let s = hashOf(v) & mask; ; s = (s + 1) & mask) {
      const id = slots[s] - 1;
      if (id < 0) return -1;
      if (values[id] === v) return id;
    }
  }

  has(v: number): boolean {
    return this.get(v) >= 0;
  }

  /** The id of `v`, inserting it (with the next id) when new; `size` tells which happened. */
  add(v: number): number {
    if (v !== v) return this.nanId >= 0 ? this.nanId : (this.nanId = this.append(v));
    if (v === 0) v = 0;
    const { slots, mask } = this;
    let s = hashOf(v) & mask;
    for (; ; s = (s + 1) & mask) {
      const id = slots[s] - 1;
      if (id < 0) break;
      if (this.values[id] === v) return id;
    }
    const id = this.append(v);
    slots[s] = id + 1;
    if (this.size * 2 > slots.length) this.rehash();
    return id;
  }

  private append(v: number): number {
    const id = this.size++;
    if (id === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[id] = v;
    return id;
  }

  private rehash(): void {
    const cap = this.slots.length * 2;
    const slots = new Int32Array(cap);
    const mask = cap - 1;
    const values = this.values;
    for (let id = 0; id < this.size; id++) {
      if (id === this.nanId) continue;
      let s = hashOf(values[id]) & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = id + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }
}
