/**
 * JSON records: an array of objects, NDJSON / JSON Lines (one object per line, streamed line by line), or one
 * object (a single record, or a wrapper like {"data": [...]} whose array of records is used).
 * Columns are the union of keys in first-seen order; a record without a key gets a missing value there.
 */
import { EnclaveError } from '../errors.ts';
import { ColumnBuilder, normaliseHeader } from '../infer.ts';
import type { Column, Table } from '../table.ts';
import { TextBuilder } from './assemble.ts';
import { findJsonError } from './json-error.ts';
import { firstSignificantByte, readText } from './sniff.ts';
import type { ByteSource, ReadOptions, ReadResult } from './source.ts';
import type { Progress } from './stream.ts';

type Rec = Record<string, unknown>;

function isRecord(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function kindOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** Collects records into columns. */
class Records {
  private index = new Map<string, number>();
  private sinks: (ColumnBuilder | TextBuilder)[] = [];
  private keys: string[] = [];
  private filled: number[] = [];
  rows = 0;
  constructor(private readonly inferTypes: boolean) {}

  add(rec: Rec): void {
    const r = this.rows;
    for (const key of Object.keys(rec)) {
      let c = this.index.get(key);
      if (c === undefined) {
        c = this.sinks.length;
        const sink = this.inferTypes ? new ColumnBuilder(key) : new TextBuilder(key);
        for (let k = 0; k < r; k++) sink.pushMissing(); // a key first seen at this record
        this.index.set(key, c);
        this.sinks.push(sink);
        this.keys.push(key);
        this.filled.push(r);
      }
      const sink = this.sinks[c];
      const v = rec[key];
      if (sink instanceof ColumnBuilder) sink.pushValue(v);
      else if (v === null || v === undefined) sink.pushMissing();
      else sink.pushText(typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v));
      this.filled[c] = r + 1;
    }
    this.rows = r + 1;
    for (let c = 0; c < this.sinks.length; c++) if (this.filled[c] === r) { this.sinks[c].pushMissing(); this.filled[c] = r + 1; }
  }

  finish(warnings: string[], emptyWhat: string): Table {
    if (this.rows === 0) throw new EnclaveError('empty-file', `This file has no records: ${emptyWhat}.`);
    if (this.sinks.length === 0) throw new EnclaveError('empty-file', 'The records in this file have no fields.');
    const { names, renamed } = normaliseHeader(this.keys);
    for (const r of renamed) {
      if (r.from.trim() === '') warnings.push(`Field ${r.index + 1} has an empty name; it was named "${r.to}".`);
      else if (r.from.trim() !== r.to) warnings.push(`Two fields are both named "${r.from.trim()}"; the second was renamed "${r.to}".`);
    }
    const columns = this.sinks.map((s, i): Column => {
      const col = s.finish();
      return col.name === names[i] ? col : { ...col, name: names[i] };
    });
    return { rowCount: this.rows, columns };
  }
}

/** The error for text that JSON.parse refused; `lineOffset` is how many lines of the file precede `text`. */
function invalid(text: string, lineOffset: number, where = ''): EnclaveError {
  const p = findJsonError(text);
  if (!p) return new EnclaveError('invalid-json', `This file is not valid JSON${where}.`);
  const line = p.line + lineOffset;
  return new EnclaveError('invalid-json', `Not valid JSON at line ${line}, column ${p.column}${where}: ${p.message}.`, {
    line,
    column: p.column,
  });
}

/** A whole JSON document: an array of records, one record, or a wrapper object holding an array of records. */
function addDocument(text: string, recs: Records, warnings: string[], lineOffset = 0): void {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw invalid(text, lineOffset);
  }
  if (isRecord(doc)) {
    const obj = doc;
    const key = Object.keys(obj).find((k) => { const v = obj[k]; return Array.isArray(v) && v.some(isRecord); });
    if (key === undefined) return recs.add(obj);
    warnings.push(`Read the records from the "${key}" field of the top-level object.`);
    doc = obj[key];
  }
  if (!Array.isArray(doc)) throw new EnclaveError('invalid-json', `This file holds ${kindOf(doc)}, not records (an array of objects).`);
  for (let i = 0; i < doc.length; i++) {
    const item: unknown = doc[i];
    if (!isRecord(item)) {
      throw new EnclaveError('invalid-json', `Item ${i + 1} of the array is ${kindOf(item)}; every item must be an object (a record).`, { item: i + 1 });
    }
    recs.add(item);
  }
}

export async function readJson(source: ByteSource, opts: ReadOptions = {}): Promise<ReadResult> {
  return readText(source, opts, async ({ head, input, progress }) => {
    const warnings: string[] = [];
    const recs = new Records(opts.inferTypes ?? true);
    const decoder = new TextDecoder('utf-8');
    const first = firstSignificantByte(head);
    if (first !== 0x7b /* { */) {
      // An array (or something else, which addDocument explains): JSON.parse needs the whole text.
      let text = '';
      for await (const c of input) text += decoder.decode(c, { stream: true });
      text += decoder.decode();
      addDocument(text, recs, warnings);
    } else {
      await readLines(input, decoder, recs, warnings, progress);
    }
    const table = recs.finish(warnings, first === 0x5b ? 'the array is empty' : 'no objects');
    progress.rows = table.rowCount;
    progress.end();
    return { table, format: 'json', warnings };
  });
}

/**
 * NDJSON, streamed: each line is parsed on its own. If the first record line is not a complete JSON value, the
 * file is one pretty-printed document, so from there on the text is kept and parsed as a whole.
 */
async function readLines(input: AsyncIterable<Uint8Array>, decoder: TextDecoder, recs: Records, warnings: string[], progress: Progress): Promise<void> {
  let carry = '';
  let lineNo = 0;
  let doc: string[] | null = null; // the document's text, which starts on line docLine + 1
  let docLine = 0;
  /** False when the line is the start of a multi-line document rather than a record. */
  const handle = (line: string): boolean => {
    lineNo++;
    const t = line.trim();
    if (t === '') return true;
    let v: unknown;
    try {
      v = JSON.parse(t);
    } catch {
      if (recs.rows === 0) return false;
      throw invalid(line, lineNo - 1, ' (in this JSON Lines file)');
    }
    if (!isRecord(v)) throw new EnclaveError('invalid-json', `Line ${lineNo} holds ${kindOf(v)}; each line must be a JSON object (a record).`, { line: lineNo });
    recs.add(v);
    return true;
  };
  for await (const c of input) {
    const text = carry + decoder.decode(c, { stream: true });
    carry = '';
    if (doc) { doc.push(text); continue; }
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      if (!handle(text.slice(start, nl))) { doc = [text.slice(start)]; docLine = lineNo - 1; break; }
      start = nl + 1;
    }
    if (!doc) carry = text.slice(start);
    progress.rows = recs.rows;
  }
  const rest = carry + decoder.decode();
  if (doc) return addDocument(doc.join('') + rest, recs, warnings, docLine);
  if (!handle(rest)) addDocument(rest, recs, warnings, lineNo - 1);
}
