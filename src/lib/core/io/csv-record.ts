/** One CSV record's fields as the scanner found them: byte ranges, quoting, and what the one-pass path already read. */

// What fastRecord worked out for a field (0: nothing).
export const PRE_NUMBER = 1, PRE_HASH = 2;

export class RecordFields {
  /** Fields so far in the current record. */
  nf = 0;
  /** Start, end and quoting (PLAIN, QUOTED_PLAIN, ESCAPED) of each field. */
  fs = new Int32Array(64);
  fe = new Int32Array(64);
  fq = new Uint8Array(64);
  /**
   * What the one-pass path (fastRecord) already worked out per field: PRE_NUMBER (fnum: its value, as asciiNumber),
   * PRE_HASH (fhash: its cell-cache hash), or 0. Read only while `pre` is set.
   */
  fk = new Uint8Array(64);
  fnum = new Float64Array(64);
  fhash = new Int32Array(64);
  pre = false;

  add(s: number, e: number, flag: number): void {
    if (this.nf === this.fs.length) this.grow();
    this.fs[this.nf] = s;
    this.fe[this.nf] = e;
    this.fq[this.nf++] = flag;
  }

  /** Twice the room (the ranges and quoting kept; fastRecord's results are per record and need not be). */
  private grow(): void {
    const n = this.fs.length * 2;
    const fs = new Int32Array(n); fs.set(this.fs); this.fs = fs;
    const fe = new Int32Array(n); fe.set(this.fe); this.fe = fe;
    const fq = new Uint8Array(n); fq.set(this.fq); this.fq = fq;
    this.fk = new Uint8Array(n);
    this.fnum = new Float64Array(n);
    this.fhash = new Int32Array(n);
  }

  /** Every field range moves `shift` bytes back (the scanner dropped that many bytes before them). */
  rebase(shift: number): void {
    for (let i = 0; i < this.nf; i++) {
      this.fs[i] -= shift;
      this.fe[i] -= shift;
    }
  }
}

/** The hash a CellCache files a short cell under (fastRecord computes the same while it splits). */
export function cellHash(b: Uint8Array, s: number, e: number): number {
  let h = 0;
  for (let k = s; k < e; k++) h = (Math.imul(h, 31) + b[k]) | 0;
  return h;
}
