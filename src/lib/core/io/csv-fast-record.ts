/**
 * The common CSV record in one pass: split, parse the fields of number columns and hash the others in the same loop,
 * so that emitting the record need not read their bytes again.
 */
import type { ColumnBuilder } from '../infer.ts';
import { scanDecimal, type ScanEnd } from './ascii-number.ts';
import * as field from './csv-field.ts';
import type { RecordFields } from './csv-record.ts';
import * as record from './csv-record.ts';

// Local copies: the hot loops compare with these, and V8 folds a module's own constants where it loads an imported
// binding at each use (5–7% of a parse, measured).
const { CR, LF, PLAIN, QUOTE, QUOTED_PLAIN } = field;
const { PRE_HASH, PRE_NUMBER } = record;

const number: ScanEnd = { end: 0 };

/**
 * A whole record already in b[p, len), every field unquoted or plainly quoted (no "" escape, no line break inside
 * quotes), at most as many fields as columns (`typed`), delimiter `d`. Splits it into `f` exactly as the scanner would,
 * and meanwhile reads the fields of number columns (as asciiNumber) and hashes the others (as the cell cache does).
 * Returns where the next record starts, with f.nf set, or -1 (f.nf left as it was) for the scanner to take this
 * record the general way.
 */
export function fastRecord(b: Uint8Array, p: number, len: number, d: number, typed: readonly ColumnBuilder[], f: RecordFields): number {
  const ncols = typed.length;
  if (f.fs.length < ncols) return -1;
  const { fs, fe, fq, fk, fnum, fhash } = f;
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
      let v = scanDecimal(b, p, len, d, number);
      p = number.end;
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
  f.nf = nf;
  return p;
}
