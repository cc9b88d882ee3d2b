/**
 * JSON records: an array of objects, NDJSON / JSON Lines (one object per line, streamed line by line), or one
 * object (a single record, or a wrapper like {"data": [...]} whose array of records is used).
 * Columns are the union of keys in first-seen order; a record without a key gets a missing value there.
 */
import { EnclaveError } from '../errors.ts';
import { ColumnBuilder, normaliseHeader } from '../infer.ts';
import type { Column, Table } from '../table.ts';
import { TextBuilder } from './assemble.ts';
import { findJsonError, nestingDepth } from './json-error.ts';
import { ABSENT_RATIO, MAX_ABSENT_CELLS, MAX_COLUMNS, MAX_JSON_DEPTH, formatCount, tooManyColumns } from './limits.ts';
import { firstSignificantByte, readText } from './sniff.ts';
import { invalidUtf8Warning } from './text-check.ts';
import type { ByteSource, ReadOptions, ReadResult } from './source.ts';
import type { Progress } from './stream.ts';

type Rec = Record<string, unknown>;

function isRecord(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function kindOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/**
 * Collects records into columns. A key missing from a record is a missing cell, filled in lazily (when its column
 * next gets a value, or at the end), so the work per record is its own fields, not every column seen so far.
 */
class Records {
  private index = new Map<string, number>();
  private sinks: (ColumnBuilder | TextBuilder)[] = [];
  private keys: string[] = [];
  /** Per column, the row its sink's first cell is (the records before lacked the key), and the row after its last. */
  private first: number[] = [];
  private filled: number[] = [];
  /** Fields the records had (present cells, null values included). */
  private present = 0;
  rows = 0;
  constructor(private readonly inferTypes: boolean) {}

  /** `where`: the record's place for a message ("record 3", "line 7"). */
  add(rec: Rec, where: () => string): void {
    const r = this.rows;
    const keys = Object.keys(rec);
    let fresh = 0;
    for (const key of keys) if (!this.index.has(key)) fresh++;
    // Checked before anything is stored, so a refused record costs nothing.
    this.checkShape(r + 1, this.sinks.length + fresh, this.present + keys.length);
    for (const key of keys) {
      let c = this.index.get(key);
      if (c === undefined) {
        c = this.sinks.length;
        this.index.set(key, c);
        this.sinks.push(this.inferTypes ? new ColumnBuilder(key) : new TextBuilder(key));
        this.keys.push(key);
        this.first.push(r); // the r records before lacked this key: filled in at the end, in one go
        this.filled.push(r);
      }
      const sink = this.sinks[c];
      for (let k = this.filled[c]; k < r; k++) sink.pushMissing(); // records since its last value lacked this key
      const v = rec[key];
      if (typeof v === 'object' && v !== null && depthOf(v, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) throw tooDeep(`field "${key.slice(0, 100)}" of ${where()}`);
      if (sink instanceof ColumnBuilder) sink.pushValue(v);
      else if (v === null || v === undefined) sink.pushMissing();
      else sink.pushText(typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v));
      this.filled[c] = r + 1;
    }
    this.rows = r + 1;
    this.present += keys.length;
  }

  /**
   * Refuses a table wider than MAX_COLUMNS, or one of records so unlike one another that it would be mostly cells
   * they left out (MAX_ABSENT_CELLS): `rows`, `columns` and `present` as they would be with the next record.
   */
  private checkShape(rows: number, columns: number, present: number): void {
    if (columns > MAX_COLUMNS) throw tooManyColumns(columns, ` (fields, by record ${formatCount(rows)})`, true);
    const cells = rows * columns;
    const absent = cells - present;
    if (absent <= MAX_ABSENT_CELLS || absent <= ABSENT_RATIO * present) return;
    const perRecord = present / rows;
    throw new EnclaveError(
      'too-large',
      `The records in this file have ${formatCount(columns)} different fields but about ${perRecord < 10 ? perRecord.toFixed(1) : Math.round(perRecord)} each ` +
        `(by record ${formatCount(rows)}): as a table that is ${formatCount(cells)} cells, ${((100 * absent) / cells).toFixed(1)}% of them empty. ` +
        `Enclave reads records that leave out at most ${formatCount(MAX_ABSENT_CELLS)} cells (MAX_ABSENT_CELLS) when most of the table would be empty. ` +
        'Reshape the data to long format (one record per key and value), or keep the fields most records share.',
      { fields: columns, records: rows, absentCells: absent, limit: MAX_ABSENT_CELLS },
    );
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
      for (let k = this.filled[i]; k < this.rows; k++) s.pushMissing(); // the last records lacked this key
      s.prependMissing(this.first[i]);
      const col = s.finish();
      return col.name === names[i] ? col : { ...col, name: names[i] };
    });
    for (const s of this.sinks) if (s instanceof ColumnBuilder) warnings.push(...s.remarks((row) => `in record ${formatCount(row + 1)}`));
    return { rowCount: this.rows, columns };
  }
}

/** How deep a parsed value nests (1 for an object or array of scalars), counted without recursion; stops past `limit`. */
function depthOf(root: object, limit: number): number {
  let max = 0;
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (d > max && (max = d) > limit) return max;
    const items = Array.isArray(v) ? v : Object.values(v as Rec);
    for (const x of items) if (typeof x === 'object' && x !== null) stack.push([x, d + 1]);
  }
  return max;
}

function tooDeep(where: string): EnclaveError {
  return new EnclaveError(
    'invalid-json',
    `The value of ${where} nests objects and arrays more than ${formatCount(MAX_JSON_DEPTH)} levels deep; Enclave reads at most ${formatCount(MAX_JSON_DEPTH)} levels (MAX_JSON_DEPTH).`,
    { limit: MAX_JSON_DEPTH },
  );
}

/** The error for text that JSON.parse refused; `lineOffset` is how many lines of the file precede `text`. */
function invalid(text: string, lineOffset: number, where = ''): EnclaveError {
  const p = findJsonError(text);
  if (!p) {
    // Valid JSON that JSON.parse could not take: in engines whose parser recurses, nesting too deep for the stack.
    if (nestingDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) return tooDeep(`this JSON text${where || (lineOffset ? ` (from line ${lineOffset + 1})` : '')}`);
    return new EnclaveError('invalid-json', `This file is not valid JSON${where}.`);
  }
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
    if (key === undefined) return recs.add(obj, () => 'record 1');
    warnings.push(`Read the records from the "${key}" field of the top-level object.`);
    doc = obj[key];
  }
  if (!Array.isArray(doc)) throw new EnclaveError('invalid-json', `This file holds ${kindOf(doc)}, not records (an array of objects).`);
  for (let i = 0; i < doc.length; i++) {
    const item: unknown = doc[i];
    if (!isRecord(item)) {
      throw new EnclaveError('invalid-json', `Item ${i + 1} of the array is ${kindOf(item)}; every item must be an object (a record).`, { item: i + 1 });
    }
    recs.add(item, () => `record ${formatCount(i + 1)}`);
  }
}

export async function readJson(source: ByteSource, opts: ReadOptions = {}): Promise<ReadResult> {
  return readText(source, opts, async ({ head, input, check, progress }) => {
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
    const utf8 = invalidUtf8Warning(check);
    if (utf8) warnings.unshift(utf8);
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
    recs.add(v, () => `line ${formatCount(lineNo)}`);
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
