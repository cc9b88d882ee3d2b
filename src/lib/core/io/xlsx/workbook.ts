/**
 * A workbook's structure: its sheets (name → part path, in order), whether its dates count from 1904, which cell
 * styles show a number as a date, and its shared strings. Keys from the file (sheet names, relationship ids) live in
 * Maps; shared strings in an array indexed by number.
 */
import { attributes, decodeText, partText, richText } from './xml.ts';
import { invalidXlsx } from './zip.ts';

export interface Workbook {
  /** Sheet name → the path of its part, in the workbook's order. */
  sheets: Map<string, string>;
  date1904: boolean;
}

/** Where a relationship's target lies: relative to the folder of the part that names it, or absolute from the root. */
export function resolveTarget(from: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts = from.split('/').slice(0, -1);
  for (const seg of target.split('/')) {
    if (seg === '..') parts.pop();
    else if (seg !== '.' && seg !== '') parts.push(seg);
  }
  return parts.join('/');
}

/** Relationship id → target path, from a .rels part. */
export function relationships(xml: string, owner: string): Map<string, string> {
  const out = new Map<string, string>();
  const REL = /<(?:\w+:)?Relationship\b([^>]*)\/?>/g;
  for (let m = REL.exec(xml); m; m = REL.exec(xml)) {
    const a = attributes(m[1]);
    const id = a.get('Id'), target = a.get('Target');
    if (id && target && a.get('TargetMode') !== 'External') out.set(id, resolveTarget(owner, target));
  }
  return out;
}

/** The relationships part of a part: xl/workbook.xml → xl/_rels/workbook.xml.rels. */
export function relsPath(part: string): string {
  const slash = part.lastIndexOf('/');
  return `${part.slice(0, slash + 1)}_rels/${part.slice(slash + 1)}.rels`;
}

export function readWorkbook(xml: string, rels: Map<string, string>): Workbook {
  const sheets = new Map<string, string>();
  const SHEET = /<(?:\w+:)?sheet\b([^>]*)\/?>/g;
  for (let m = SHEET.exec(xml); m; m = SHEET.exec(xml)) {
    const a = attributes(m[1]);
    const name = a.get('name');
    let id: string | undefined;
    for (const [k, v] of a) if (k === 'r:id' || k.endsWith(':id')) id = v;
    const path = id ? rels.get(id) : undefined;
    if (name !== undefined && path && !sheets.has(name)) sheets.set(name, path);
  }
  if (sheets.size === 0) throw invalidXlsx('its workbook lists no sheets.');
  const pr = /<(?:\w+:)?workbookPr\b([^>]*)\/?>/.exec(xml);
  const d = pr ? attributes(pr[1]).get('date1904') : undefined;
  return { sheets, date1904: d === '1' || d === 'true' };
}

/** The shared strings, in order. */
export function sharedStrings(xml: string | null): string[] {
  if (xml === null) return [];
  const out: string[] = [];
  const SI = /<(?:\w+:)?si\b[^>]*?(?:\/>|>([\s\S]*?)<\/(?:\w+:)?si>)/g;
  for (let m = SI.exec(xml); m; m = SI.exec(xml)) out.push(richText(m[1] ?? ''));
  return out;
}

/** Built-in number formats that show a date or a time (ECMA-376 Part 1, 18.8.30). */
const DATE_FORMAT_IDS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

/** Whether a custom format code shows a date or time: d, m, y, h or s outside quoted text, brackets and escapes. */
export function isDateFormatCode(code: string): boolean {
  const bare = code.replace(/"[^"]*"/g, '').replace(/\[[^\]]*\]/g, '').replace(/\\./g, '').replace(/[_*]./g, '');
  return /[dmyhs]/i.test(bare) && !/^(general|@)$/i.test(bare.trim());
}

/** For each cell style (index of cellXfs), whether it shows its number as a date. */
export function dateStyles(xml: string | null): boolean[] {
  if (xml === null) return [];
  const custom = new Map<number, boolean>();
  const FMT = /<(?:\w+:)?numFmt\b([^>]*)\/?>/g;
  for (let m = FMT.exec(xml); m; m = FMT.exec(xml)) {
    const a = attributes(m[1]);
    const id = Number(a.get('numFmtId'));
    if (Number.isInteger(id)) custom.set(id, isDateFormatCode(decodeText(a.get('formatCode') ?? '')));
  }
  const xfs = /<(?:\w+:)?cellXfs\b[^>]*>([\s\S]*?)<\/(?:\w+:)?cellXfs>/.exec(xml);
  if (!xfs) return [];
  const out: boolean[] = [];
  const XF = /<(?:\w+:)?xf\b([^>]*?)\/?>/g;
  for (let m = XF.exec(xfs[1]); m; m = XF.exec(xfs[1])) {
    const id = Number(attributes(m[1]).get('numFmtId') ?? 0);
    out.push(custom.get(id) ?? DATE_FORMAT_IDS.has(id));
  }
  return out;
}

/** An Excel date serial as milliseconds since the Unix epoch (1900 system with Lotus's 29 Feb 1900, or 1904). */
export function serialToMs(serial: number, date1904: boolean): number {
  const days = date1904 ? serial + 1462 : serial < 60 ? serial + 1 : serial;
  return Math.round((days - 25569) * 86_400_000);
}

export { partText };
