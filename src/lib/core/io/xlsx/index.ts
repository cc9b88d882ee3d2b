/**
 * Excel workbooks (.xlsx, .xlsm): one sheet (the first, or the one named) read into a Table, in the worker. The file
 * is read whole (a ZIP's directory is at its end), only the parts needed are inflated, each refused by its declared
 * size before inflating (zip.ts); the XML is scanned, never evaluated (xml.ts). Cells keep their types: numbers,
 * text, booleans, and numbers styled as dates become dates. Options: the sheet, rows to skip above the header row,
 * no header row.
 */
import { EnclaveError, throwIfAborted } from '../../errors.ts';
import { rowArrays } from '../../table.ts';
import { TableAssembler } from '../assemble.ts';
import { ABSENT_RATIO, MAX_ABSENT_CELLS, formatCount } from '../limits.ts';
import type { ImportOptions } from '../import-options.ts';
import { extensionOf, type ByteSource, type ReadOptions, type ReadResult } from '../source.ts';
import { checkSize, Progress, readAll } from '../stream.ts';
import { scanRows, type CellValue } from './sheet.ts';
import { dateStyles, readWorkbook, relationships, relsPath, sharedStrings } from './workbook.ts';
import { partText } from './xml.ts';
import { unzipParts } from './zip.ts';
import type { ImportPreview } from '../preview.ts';

const XLSX_EXT = new Set(['xlsx', 'xlsm']);

export function isXlsxName(name: string): boolean {
  return XLSX_EXT.has(extensionOf(name));
}

interface Opened {
  names: string[];
  sheets: Map<string, string>;
  rels: Map<string, string>;
  date1904: boolean;
}

/** The workbook's sheets (and where its parts are), before any sheet is read. */
function open(bytes: Uint8Array): Opened {
  // The package's root relationships name the workbook part (xl/workbook.xml in files Excel writes).
  const root = unzipParts(bytes, (p) => p === '_rels/.rels');
  const rootRels = root.has('_rels/.rels') ? relationships(partText(root.get('_rels/.rels'), '_rels/.rels', 'Relationships'), '') : new Map<string, string>();
  let wbPath = 'xl/workbook.xml';
  for (const target of rootRels.values()) if (/workbook\d*\.xml$/i.test(target)) wbPath = target;
  const first = unzipParts(bytes, (p) => p === wbPath || p === relsPath(wbPath));
  const rels = relationships(partText(first.get(relsPath(wbPath)), relsPath(wbPath), 'Relationships'), wbPath);
  const wb = readWorkbook(partText(first.get(wbPath), wbPath, 'workbook'), rels);
  return { names: [...wb.sheets.keys()], sheets: wb.sheets, rels, date1904: wb.date1904 };
}

function parse(bytes: Uint8Array, opened: Opened, opts: ImportOptions, maxRows = Infinity): { sheet: string; result: ReadResult } {
  const { names, rels: wbRels } = opened;
  const sheet = opts.sheet ?? names[0];
  const sheetPath = opened.sheets.get(sheet);
  if (sheetPath === undefined) {
    throw new EnclaveError('invalid-argument', `This workbook has no sheet named "${sheet}" (its sheets: ${names.map((n) => `"${n}"`).join(', ')}).`, { sheets: names });
  }
  let stringsPath = 'xl/sharedStrings.xml', stylesPath = 'xl/styles.xml';
  for (const t of wbRels.values()) {
    if (/sharedStrings\d*\.xml$/i.test(t)) stringsPath = t;
    if (/styles\d*\.xml$/i.test(t)) stylesPath = t;
  }
  const parts = unzipParts(bytes, (p) => p === sheetPath || p === stringsPath || p === stylesPath);
  const ctx = {
    strings: sharedStrings(parts.has(stringsPath) ? partText(parts.get(stringsPath), stringsPath, 'sst') : null),
    dateStyles: dateStyles(parts.has(stylesPath) ? partText(parts.get(stylesPath), stylesPath, 'styleSheet') : null),
    date1904: opened.date1904,
  };
  const xml = partText(parts.get(sheetPath), sheetPath, 'worksheet');
  parts.clear();

  const skip = opts.skipLines ?? 0;
  const header = opts.header ?? true;
  // First pass: how wide the table is (the widest row with values), so a value right of the header is a column too.
  let width = 0, dataRows = 0, present = 0;
  scanRows(xml, ctx, (r, cells) => {
    if (r <= skip) return true;
    width = Math.max(width, cells.length);
    for (const c of cells) if (c !== undefined) present++; // a sparse row: its holes are undefined
    return ++dataRows <= maxRows;
  });
  // One value far to the right makes every row that wide: refused when the table would be mostly empty cells (as
  // JSON records that each have keys of their own are), before any column is built.
  const absent = width * dataRows - present;
  if (absent > MAX_ABSENT_CELLS && absent > ABSENT_RATIO * present) {
    throw new EnclaveError(
      'too-large',
      `The sheet "${sheet}" has values as far right as column ${formatCount(width)} but about ${Math.round(present / Math.max(1, dataRows))} per row: as a table that is ` +
        `${formatCount(width * dataRows)} cells, almost all empty. Enclave reads at most ${formatCount(MAX_ABSENT_CELLS)} empty cells (MAX_ABSENT_CELLS) when most of the table would be empty. ` +
        'Delete the stray values on the right, or save the columns you need as CSV.',
      { columns: width, rows: dataRows, absentCells: absent, limit: MAX_ABSENT_CELLS },
    );
  }
  const warnings: string[] = [];
  const asm = new TableAssembler(true, warnings, ',');
  let rows = 0;
  scanRows(xml, ctx, (r, cells) => {
    if (r <= skip) return true;
    if (!asm.names) {
      if (header) {
        asm.header(Array.from({ length: width }, (_, i) => headerText(cells[i])), r);
        return true;
      }
      asm.preset(Array.from({ length: width }, (_, i) => `column_${i + 1}`));
    }
    const typed = asm.typed!;
    for (let i = 0; i < width; i++) typed[i].pushValue(cells[i] ?? null);
    asm.end(width);
    return ++rows < maxRows;
  });
  if (!asm.names) throw new EnclaveError('empty-file', `The sheet "${sheet}" has no values${skip ? ` below row ${skip}` : ''}.`);
  const table = asm.finish();
  return { sheet, result: { table, format: 'xlsx', warnings } };
}

/** A header cell as a column name: text as it is, a date as its day, a number as written. */
function headerText(v: CellValue | undefined): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return String(v);
}

export async function readXlsx(source: ByteSource, opts: ReadOptions = {}): Promise<ReadResult> {
  checkSize(source, opts.maxBytes);
  const progress = new Progress(source.size, opts.onProgress);
  const bytes = await readAll(source, opts, progress);
  throwIfAborted(opts.signal);
  const { result } = parse(bytes, open(bytes), opts);
  progress.rows = result.table.rowCount;
  progress.end();
  return result;
}

/** The first `rows` rows of the chosen sheet, and the workbook's sheets. */
export async function readXlsxPreview(source: ByteSource, opts: ImportOptions, rows: number): Promise<ImportPreview> {
  const bytes = await readAll(source, {});
  const base: ImportPreview = { format: 'xlsx', lines: [], columns: [], rows: [], complete: false, error: null, warnings: [], suggestion: null };
  let sheets: string[] | undefined;
  try {
    const opened = open(bytes);
    sheets = opened.names;
    const { sheet, result } = parse(bytes, opened, opts, rows);
    const t = result.table;
    return { ...base, sheets, sheet, columns: t.columns.map((c) => ({ name: c.name, type: c.type })), rows: rowArrays(t, 0, rows), complete: t.rowCount < rows, warnings: result.warnings };
  } catch (e) {
    const err = e instanceof EnclaveError ? e : new EnclaveError('invalid-xlsx', `This Excel file cannot be read: ${e instanceof Error ? e.message : String(e)}`);
    return { ...base, sheets, sheet: opts.sheet ?? sheets?.[0], error: { code: err.code, message: err.message } };
  }
}
