/**
 * Hands a CSV record to the table assembler: the first record is the header; after it, each field goes to its
 * column's builder, numbers straight from their bytes, short repeated cells through the column's CellCache, and only
 * cells that must be text decoded.
 */
import type { TableAssembler } from './assemble.ts';
import { asciiNumber } from './ascii-number.ts';
import { CellCache } from './cell-cache.ts';
import * as cells from './cell-cache.ts';
import { cellText, isSpace, text } from './csv-field.ts';
import * as field from './csv-field.ts';
import { cellHash, type RecordFields } from './csv-record.ts';
import * as record from './csv-record.ts';

// Local copies: the hot loops compare with these, and V8 folds a module's own constants where it loads an imported
// binding at each use (5–7% of a parse, measured).
const { QUOTED_PLAIN } = field;
const { PRE_HASH, PRE_NUMBER } = record;
const { CACHED_LENGTH, CODE_CELL, LEARN_AFTER, VALUE_CELL } = cells;

export class RecordEmitter {
  private caches: CellCache[] = [];

  /** `presetNames`: the assembler already has its column names (a part of a file read from mid-file). */
  constructor(private readonly asm: TableAssembler, presetNames: boolean) {
    if (presetNames) this.caches = asm.names!.map(() => new CellCache());
  }

  /** The record in `f` (fields of `b`), which starts on `line`; leaves `f` empty. */
  emit(b: Uint8Array, f: RecordFields, line: number): void {
    const { asm } = this;
    const { fs, fe, fq } = f;
    const nf = f.nf;
    f.nf = 0;
    if (nf === 1 && isSpace(b, fs[0], fe[0])) return; // blank line
    if (!asm.names) {
      const raw: string[] = [];
      for (let i = 0; i < nf; i++) raw.push(cellText(b, fs[i], fe[i], fq[i]));
      asm.header(raw, line);
      this.caches = asm.names!.map(() => new CellCache());
      return;
    }
    const n = asm.check(nf, line);
    const typed = asm.typed;
    if (typed === null) {
      const sinks = asm.sinks;
      for (let i = 0; i < n; i++) sinks[i].pushText(cellText(b, fs[i], fe[i], fq[i]));
      asm.end(n);
      return;
    }
    const caches = this.caches;
    const { pre, fk, fnum, fhash } = f;
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
          const h = pre && fk[i] === PRE_HASH ? fhash[i] : cellHash(b, s, e);
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
