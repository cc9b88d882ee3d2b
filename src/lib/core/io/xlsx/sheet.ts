/**
 * A worksheet's rows, scanned from its XML: <row r="…"> elements in document order, each with its <c> cells (a
 * reference such as "C7", a type, a style, a <v> value or an inline string). Blank rows are not kept: a sheet that
 * claims row 1,000,000,000 costs nothing for the rows it does not have, and a row or column past Excel's own limits
 * is refused as damaged.
 */
import { decodeText, richText } from './xml.ts';
import { invalidXlsx } from './zip.ts';
import { serialToMs } from './workbook.ts';

/** Excel's limits: 1,048,576 rows and 16,384 columns (XFD). */
export const MAX_ROW = 1_048_576;
export const MAX_COL = 16_384;

export type CellValue = string | number | boolean | Date | null;

export interface SheetContext {
  strings: string[];
  dateStyles: boolean[];
  date1904: boolean;
}

/** "AB12" → column index 27 (0-based); -1 when there is no reference. */
function columnOf(ref: string | undefined, row: number): number {
  if (!ref) return -1;
  let col = 0, i = 0;
  for (; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c < 65 || c > 90) break;
    col = col * 26 + (c - 64);
    if (col > MAX_COL) throw invalidXlsx(`its cell ${ref.slice(0, 12)} lies past Excel's last column (XFD).`);
  }
  if (i === 0) throw invalidXlsx(`a cell reference "${ref.slice(0, 12)}" is not a cell.`);
  const r = Number(ref.slice(i));
  if (ref.slice(i) !== '' && r !== row) throw invalidXlsx(`its cell ${ref.slice(0, 12)} sits in row ${row}.`);
  return col - 1;
}

const ROW = /<(?:\w+:)?row\b([^>]*?)(\/>|>)/g;
const ROW_END = /<\/(?:\w+:)?row>/g;
const CELL = /<(?:\w+:)?c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/(?:\w+:)?c>)/g;
const V = /<(?:\w+:)?v>([\s\S]*?)<\/(?:\w+:)?v>/;
const IS = /<(?:\w+:)?is>([\s\S]*?)<\/(?:\w+:)?is>/;
const ATTR_R = /\br="([^"]*)"/, ATTR_T = /\bt="([^"]*)"/, ATTR_S = /\bs="([^"]*)"/;

/**
 * Calls `row(number, cells)` for each row that has a value, in order, until it returns false. `cells` is sparse:
 * index = column. Throws invalid-xlsx for XML it cannot follow (a row that never ends, a cell past the limits).
 */
export function scanRows(xml: string, ctx: SheetContext, row: (r: number, cells: CellValue[]) => boolean): void {
  const start = xml.search(/<(?:\w+:)?sheetData\b/);
  if (start < 0) throw invalidXlsx('a sheet has no <sheetData> (it is damaged).');
  const end = xml.indexOf('sheetData>', start + 10);
  const selfClosed = /^<(?:\w+:)?sheetData\s*\/>/.test(xml.slice(start, start + 40));
  if (end < 0 && !selfClosed) throw invalidXlsx('a sheet ends before its rows do (it is damaged or cut short).');
  if (selfClosed) return;
  let last = 0;
  ROW.lastIndex = start;
  for (let m = ROW.exec(xml); m && m.index < end; m = ROW.exec(xml)) {
    const r = m[1].match(ATTR_R) ? Number(ATTR_R.exec(m[1])![1]) : last + 1;
    if (!Number.isInteger(r) || r < 1) throw invalidXlsx(`a row number "${ATTR_R.exec(m[1])?.[1]?.slice(0, 12)}" is not a row.`);
    if (r > MAX_ROW) throw invalidXlsx(`its row ${r.toLocaleString('en-US')} lies past Excel's last row (${MAX_ROW.toLocaleString('en-US')}).`);
    if (r <= last) throw invalidXlsx(`its rows are out of order (row ${r} after row ${last}).`);
    last = r;
    if (m[2] === '/>') continue;
    ROW_END.lastIndex = ROW.lastIndex;
    const close = ROW_END.exec(xml);
    if (!close || close.index > end) throw invalidXlsx(`its row ${r} never ends (it is damaged or cut short).`);
    const body = xml.slice(ROW.lastIndex, close.index);
    ROW.lastIndex = close.index + close[0].length;
    const cells = cellsOf(body, r, ctx);
    if (cells && !row(r, cells)) return;
  }
}

/** A row's values (sparse), or null when it has none. */
function cellsOf(body: string, r: number, ctx: SheetContext): CellValue[] | null {
  const out: CellValue[] = [];
  let any = false;
  let next = 0;
  CELL.lastIndex = 0;
  for (let m = CELL.exec(body); m; m = CELL.exec(body)) {
    const attrs = m[1];
    const col = columnOf(ATTR_R.exec(attrs)?.[1], r);
    const at = col < 0 ? next : col;
    if (at >= MAX_COL) throw invalidXlsx(`its row ${r} has more than ${MAX_COL.toLocaleString('en-US')} cells.`);
    next = at + 1;
    const v = valueOf(ATTR_T.exec(attrs)?.[1] ?? 'n', Number(ATTR_S.exec(attrs)?.[1] ?? 0), m[2] ?? '', ctx);
    if (v === null) continue;
    out[at] = v;
    any = true;
  }
  return any ? out : null;
}

function valueOf(type: string, style: number, inner: string, ctx: SheetContext): CellValue {
  if (type === 'inlineStr') {
    const is = IS.exec(inner);
    return is ? richText(is[1]) : null;
  }
  const v = V.exec(inner);
  if (!v) return null;
  const text = decodeText(v[1]);
  switch (type) {
    case 's': {
      const i = Number(text);
      if (!Number.isInteger(i) || i < 0 || i >= ctx.strings.length) throw invalidXlsx(`a cell names shared string ${text.slice(0, 12)}, which the file does not have.`);
      return ctx.strings[i];
    }
    case 'str': return text;
    case 'b': return text === '1' || text === 'true';
    case 'e': return null; // #N/A, #DIV/0!: no value
    case 'd': return text; // ISO 8601 text: the column's reader takes it as a date
    default: {
      const n = Number(text);
      if (text.trim() === '' || Number.isNaN(n)) return text;
      return ctx.dateStyles[style] && Number.isFinite(n) ? new Date(serialToMs(n, ctx.date1904)) : n;
    }
  }
}
