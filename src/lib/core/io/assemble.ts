/**
 * Turns parsed records into a Table, whatever parser produced them: header normalisation, field-count checks
 * (extra fields are an error, missing ones are padded), and the empty / header-only rules.
 */
import { EnclaveError } from '../errors.ts';
import { ColumnBuilder, normaliseHeader, stringType, type BuilderPart } from '../infer.ts';
import { Dictionary } from '../infer/dictionary.ts';
import { I32, prependZeros, U8 } from '../typed-buffers.ts';
import type { Column, Table } from '../table.ts';
import { MAX_COLUMNS, tooManyColumns } from './limits.ts';
import { emptyFileError } from './sniff.ts';

/** What a parser pushes cells into: a ColumnBuilder, or a TextBuilder when type inference is off. */
export interface CellSink {
  pushText(s: string): void;
  pushMissing(): void;
  finish(): Column;
}

/** Keeps every cell's text verbatim in a string column (inferTypes: false). */
export class TextBuilder implements CellSink {
  // Small at first, doubled as cells come: a file of many columns and few rows costs memory for its cells only.
  private codes = new I32(16);
  private valid = new U8(16);
  private dict = new Dictionary();
  constructor(readonly name: string) {}

  pushText(s: string): void {
    this.codes.push(this.dict.code(s));
    this.valid.push(1);
  }
  pushMissing(): void {
    this.codes.push(0);
    this.valid.push(0);
  }
  /** `n` missing cells before the first (a JSON key that earlier records lacked). */
  prependMissing(n: number): void {
    if (n <= 0) return;
    prependZeros(this.codes, n);
    prependZeros(this.valid, n);
  }
  finish(): Column {
    const valid = this.valid.take();
    let present = 0;
    for (let i = 0; i < valid.length; i++) present += valid[i];
    const { list, totalLength, withSpace } = this.dict;
    const type = stringType(this.name, list, present, totalLength, withSpace);
    return { kind: 'string', name: this.name, type, codes: this.codes.take(), dictionary: list, valid };
  }
}

/** What an assembler read of a file's later part (see TableAssembler.part/absorb). */
export interface TablePart {
  rows: number;
  /** It noted a warning or padded a short row: its line numbers would be wrong here, so it is read again instead. */
  remarked: boolean;
  columns: BuilderPart[];
}

/** Short rows are named one by one up to this many; the rest are summarised. */
const SHORT_ROW_WARNINGS = 5;

export function describeDelimiter(d: string): string {
  return d === '\t' ? 'tab' : d === ',' ? 'comma' : d === ';' ? 'semicolon' : d === '|' ? 'pipe' : `"${d}"`;
}

/** Warnings are listed by line, and on one line in this order (so both CSV engines list them alike). */
export const NOTE = { header: 0, strayQuote: 1, shortRow: 3 } as const;

export class TableAssembler {
  /** Column names after normalisation; null until the header row arrives. */
  names: string[] | null = null;
  sinks: CellSink[] = [];
  /** The same builders as `sinks` when inferring types (the fast CSV path pushes numbers into them directly). */
  typed: ColumnBuilder[] | null = null;
  ncols = 0;
  rows = 0;
  private headerLine = 0;
  private shortRows = 0;
  private notes: { line: number; rank: number; text: string }[] = [];
  /** The physical line of the record being pushed (from check()), and of each row where a column first overflowed. */
  private line = 0;
  private overflowLines = new Map<number, number>();

  constructor(
    private readonly inferTypes: boolean,
    readonly warnings: string[],
    private readonly delimiter = ',',
    private readonly options: { header?: boolean; decimalComma?: boolean } = {},
  ) {}

  /** The first record: the header row, or (options.header false) the first data row of columns named column_N. */
  header(raw: string[], line: number): void {
    if (raw.length > MAX_COLUMNS) throw tooManyColumns(raw.length, ` (its header, line ${line})`);
    const headerless = this.options.header === false;
    const { names, renamed } = headerless ? { names: raw.map((_, i) => `column_${i + 1}`), renamed: [] } : normaliseHeader(raw);
    for (const r of renamed) {
      if (r.from.trim() === '') this.note(line, NOTE.header, `Column ${r.index + 1} has no name in the header (line ${line}); it was named "${r.to}".`);
      else if (r.from.trim() !== r.to) this.note(line, NOTE.header, `Column ${r.index + 1} repeats the name "${r.from.trim()}" (line ${line}); it was renamed "${r.to}".`);
    }
    this.names = names;
    this.ncols = names.length;
    this.headerLine = line;
    if (this.inferTypes) {
      this.typed = names.map((n) => this.builder(n));
      this.sinks = this.typed;
    } else {
      this.sinks = names.map((n) => new TextBuilder(n));
    }
    if (headerless) {
      this.line = line;
      for (let i = 0; i < raw.length; i++) this.sinks[i].pushText(raw[i]);
      this.end(raw.length);
    }
  }

  /**
   * Starts without a header row, with these column names (already normalised): a reader of a file's later part,
   * whose header was read elsewhere.
   */
  preset(names: string[]): void {
    this.names = names;
    this.ncols = names.length;
    this.typed = names.map((n) => this.builder(n));
    this.sinks = this.typed;
  }

  /**
   * A column's builder: decimal commas allowed unless the comma is the delimiter; the line of a row where a column
   * first meets a number too large for a double is noted (this.rows is that row while its cells are pushed).
   */
  private builder(name: string): ColumnBuilder {
    const decimalComma = this.options.decimalComma;
    return new ColumnBuilder(name, 16, {
      decimalComma: decimalComma ?? this.delimiter !== ',',
      commaIsDecimal: decimalComma === true,
      onFirstOverflow: () => this.overflowLines.set(this.rows, this.line),
    });
  }

  /** Whether anything was noted (a warning to come) or padded so far. */
  get remarked(): boolean {
    return this.notes.length > 0 || this.shortRows > 0 || this.overflowLines.size > 0;
  }

  /** This assembler's rows and columns, for absorb() of another (it must have been preset with the same names). */
  part(): TablePart {
    return { rows: this.rows, remarked: this.remarked, columns: this.typed!.map((b) => b.part()) };
  }

  /**
   * Appends the rows of `part` (the rest of the file, read elsewhere from a record boundary) when that gives exactly
   * the table reading them here would: the part raised no warning, and every column can absorb its part. Returns
   * false, changing nothing, otherwise.
   */
  absorb(part: TablePart): boolean {
    const typed = this.typed;
    if (!typed || part.remarked || part.columns.length !== typed.length) return false;
    if (!typed.every((b, i) => b.canAbsorb(part.columns[i]))) return false;
    typed.forEach((b, i) => b.absorb(part.columns[i]));
    this.rows += part.rows;
    return true;
  }

  /** Makes room for `rows` data rows in all in every column (a parser's estimate from the file size), at most once per size. */
  reserve(rows: number): void {
    if (this.typed) for (const b of this.typed) b.reserve(rows);
  }

  /** Checks a data record of `n` fields starting on physical line `line`; returns how many fields to store. */
  check(n: number, line: number): number {
    this.line = line;
    if (n > this.ncols) {
      throw new EnclaveError(
        'ragged-rows',
        `Line ${line} has ${n} fields but the header (line ${this.headerLine}) has ${this.ncols}. ` +
          `A value probably contains an unquoted ${describeDelimiter(this.delimiter)}; put quotes around it or fix that line.`,
        { line, fields: n, expected: this.ncols },
      );
    }
    if (n < this.ncols) {
      if (++this.shortRows <= SHORT_ROW_WARNINGS) {
        const gap = this.ncols - n;
        this.note(line, NOTE.shortRow, `Line ${line} has ${n} field${n === 1 ? '' : 's'} but the header has ${this.ncols}; the last ${gap === 1 ? 'one was' : `${gap} were`} filled in as missing.`);
      }
    }
    return n;
  }

  /** A warning about one line of the file. */
  note(line: number, rank: number, text: string): void {
    this.notes.push({ line, rank, text });
  }

  /** Ends a record of which the first `stored` cells were pushed: the rest become missing values. */
  end(stored: number): void {
    for (let i = stored; i < this.ncols; i++) this.sinks[i].pushMissing();
    this.rows++;
  }

  finish(): Table {
    this.notes.sort((a, b) => a.line - b.line || a.rank - b.rank); // stable: same line and rank keep their order
    for (const n of this.notes) this.warnings.push(n.text);
    this.notes = [];
    if (!this.names) throw emptyFileError();
    if (this.rows === 0) {
      const shown = this.names.slice(0, 8).join(', ') + (this.names.length > 8 ? ', ...' : '');
      throw new EnclaveError('header-only', `This file has a header row (line ${this.headerLine}: ${shown}) but no data rows.`, {
        columns: this.names,
      });
    }
    if (this.shortRows > SHORT_ROW_WARNINGS) {
      this.warnings.push(`${this.shortRows - SHORT_ROW_WARNINGS} more lines had fewer fields than the header; their missing fields were filled in as missing.`);
    }
    const columns = this.sinks.map((s) => s.finish());
    const advice = this.delimiter === ',' ? 'Save the file with ";" as its delimiter to read them as numbers.' : '';
    for (const b of this.typed ?? []) this.warnings.push(...b.remarks((row) => `on line ${this.overflowLines.get(row) ?? '?'}`, advice));
    return { rowCount: this.rows, columns };
  }
}
