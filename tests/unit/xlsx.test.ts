/**
 * Excel workbooks: a file written by openpyxl read as pandas reads it, workbooks built here from hand-written XML
 * (fflate's zip), and the hostile files of the data-safety checks (zip bomb, a row past Excel's limits, __proto__
 * keys, damaged XML).
 */
import { readFileSync } from 'node:fs';
import { strToU8, zipSync, type Zippable } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readTable } from '../../src/lib/core/io/index.ts';
import { previewImport } from '../../src/lib/core/io/preview.ts';
import { bytesSource } from '../../src/lib/core/io/source.ts';
import { column, rowArrays, type NumericColumn, type StringColumn } from '../../src/lib/core/table.ts';
import { fails } from './errors.ts';

const CT = '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>';
const ROOT_RELS = '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>';

/** A workbook of the given sheets (name → sheetData inner XML), shared strings and styles. */
function book(sheets: [string, string][], opts: { strings?: string[]; styles?: string; date1904?: boolean; raw?: Zippable } = {}): Uint8Array {
  const wb = `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">${opts.date1904 ? '<workbookPr date1904="1"/>' : ''}<sheets>${sheets.map(([n], i) => `<sheet name="${n}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('')}</sheets></workbook>`;
  const rels = `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${sheets.map((_, i) => `<Relationship Id="rId${i + 1}" Target="worksheets/sheet${i + 1}.xml"/>`).join('')}<Relationship Id="rS" Target="sharedStrings.xml"/><Relationship Id="rT" Target="styles.xml"/></Relationships>`;
  const files: Zippable = {
    '[Content_Types].xml': strToU8(CT),
    '_rels/.rels': strToU8(ROOT_RELS),
    'xl/workbook.xml': strToU8(wb),
    'xl/_rels/workbook.xml.rels': strToU8(rels),
    ...(opts.raw ?? {}),
  };
  sheets.forEach(([, data], i) => (files[`xl/worksheets/sheet${i + 1}.xml`] = strToU8(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${data}</sheetData></worksheet>`)));
  if (opts.strings) files['xl/sharedStrings.xml'] = strToU8(`<sst>${opts.strings.map((s) => `<si><t>${s}</t></si>`).join('')}</sst>`);
  if (opts.styles) files['xl/styles.xml'] = strToU8(opts.styles);
  return zipSync(files);
}

/** The archive with the size it declares for `path` (local header and central directory) set to `size`. */
function declare(bytes: Uint8Array, path: string, size: number): Uint8Array {
  const name = strToU8(path);
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  for (let i = 0; i < out.length - 4; i++) {
    const sig = view.getUint32(i, true);
    const central = sig === 0x02014b50, local = sig === 0x04034b50;
    if (!central && !local) continue;
    const at = i + (central ? 46 : 30);
    if (name.every((b, k) => out[at + k] === b)) view.setUint32(i + (central ? 24 : 22), size, true);
  }
  return out;
}

const DATE_STYLES = '<styleSheet><numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy\\ hh:mm"/></numFmts><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/></cellXfs></styleSheet>';
const read = (bytes: Uint8Array, opts = {}) => readTable(bytesSource('book.xlsx', bytes), opts);
const texts = (c: StringColumn) => Array.from(c.codes, (k, i) => (c.valid[i] ? c.dictionary[k] : null));

describe('Excel workbooks', () => {
  it('a workbook written by openpyxl reads as pandas read_excel(sheet_name="Data", skiprows=1) does', async () => {
    const bytes = new Uint8Array(readFileSync('tests/fixtures/openpyxl.xlsx'));
    // pandas: {'name': ['café', 'thé', 'a & <b>'], 'amount': [1.5, 2.0, nan], 'when': [1998-06-12, 2000-02-01 13:30, NaT],
    //          'ok': [True, False, True], '__proto__': ['constructor', nan, 'x']}; when in ms: [897609600000, 949411800000]
    const { table, format } = await read(bytes, { sheet: 'Data', skipLines: 1 });
    expect(format).toBe('xlsx');
    expect(table.columns.map((c) => c.name)).toEqual(['name', 'amount', 'when', 'ok', '__proto__']);
    expect(texts(column(table, 'name') as StringColumn)).toEqual(['café', 'thé', 'a & <b>']);
    const amount = column(table, 'amount') as NumericColumn;
    expect([amount.values[0], amount.values[1], amount.valid[2]]).toEqual([1.5, 2, 0]);
    const when = column(table, 'when') as NumericColumn;
    expect(when.type).toBe('datetime');
    expect([when.values[0], when.values[1], when.valid[2]]).toEqual([897609600000, 949411800000, 0]);
    expect(column(table, 'ok')!.type).toBe('boolean');
    expect(texts(column(table, '__proto__') as StringColumn)).toEqual(['constructor', null, 'x']);
    expect(Object.prototype).not.toHaveProperty('constructor', 'constructor');
    // The first sheet by default; an unknown sheet is refused naming the sheets.
    expect((await fails(read(bytes))).message).toContain('nothing here');
    expect((await fails(read(bytes, { sheet: 'Nope' }))).message).toContain('its sheets: "Notes", "Data"');
  });

  it('shared and inline strings, date styles (built-in and custom), the 1904 system, a value right of the header', async () => {
    const sheet = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>d</t></is></c><c r="C1" t="s"><v>1</v></c></row>' +
      '<row r="2"><c r="A2"><v>1.25</v></c><c r="B2" s="1"><v>35958</v></c><c r="C2" s="2"><v>36557.5625</v></c><c r="D2" t="str"><v>note</v></c></row>' +
      '<row r="4"><c r="A4"><v>2</v></c><c r="B4" s="1"><v>1</v></c></row>';
    const { table, warnings } = await read(book([['S', sheet]], { strings: ['x', 'when &amp; where'], styles: DATE_STYLES }));
    expect(table.columns.map((c) => c.name)).toEqual(['x', 'd', 'when & where', 'column_4']);
    expect(warnings.join(' ')).toContain('Column 4 has no name');
    expect(table.rowCount).toBe(2); // row 3 is blank: not kept
    // Excel serial 35958 = 1998-06-12, 36557.5625 = 2000-02-01 13:30, 1 = 1900-01-01 (Python: datetime(1899,12,30)+timedelta(days=…))
    expect(Array.from((column(table, 'd') as NumericColumn).values)).toEqual([Date.UTC(1998, 5, 12), Date.UTC(1900, 0, 1)]);
    expect((column(table, 'when & where') as NumericColumn).values[0]).toBe(Date.UTC(2000, 1, 1, 13, 30));
    const b1904 = await read(book([['S', '<row r="1"><c r="A1" t="inlineStr"><is><t>d</t></is></c></row><row r="2"><c r="A2" s="1"><v>0</v></c></row>']], { styles: DATE_STYLES, date1904: true }));
    expect((column(b1904.table, 'd') as NumericColumn).values[0]).toBe(Date.UTC(1904, 0, 1));
  });

  it('header row and no header row', async () => {
    const sheet = '<row r="1"><c r="A1" t="inlineStr"><is><t>title</t></is></c></row><row r="3"><c r="A3"><v>1</v></c><c r="B3"><v>2</v></c></row><row r="4"><c r="A4"><v>3</v></c><c r="B4"><v>4</v></c></row>';
    const headed = await read(book([['S', sheet]]), { skipLines: 2 });
    expect(headed.table.columns.map((c) => c.name)).toEqual(['1', '2']);
    const bare = await read(book([['S', sheet]]), { skipLines: 1, header: false });
    expect(bare.table.columns.map((c) => c.name)).toEqual(['column_1', 'column_2']);
    expect(rowArrays(bare.table)).toEqual([[1, 2], [3, 4]]);
  });

  it('the preview lists the sheets and shows the first rows only', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => `<row r="${i + 2}"><c r="A${i + 2}"><v>${i}</v></c></row>`).join('');
    const p = await previewImport(bytesSource('b.xlsx', book([['One', '<row r="1"><c r="A1" t="inlineStr"><is><t>n</t></is></c></row>' + rows], ['Two', '']])), {});
    expect(p.sheets).toEqual(['One', 'Two']);
    expect(p.columns.map((c) => c.name)).toEqual(['n']);
    expect(p.rows.length).toBe(20);
    const two = await previewImport(bytesSource('b.xlsx', book([['One', ''], ['Two', '']])), { sheet: 'Two' });
    expect(two.error?.code).toBe('empty-file');
    // A sheet that cannot be read still lets the person pick another.
    expect(two.sheets).toEqual(['One', 'Two']);
    const notes = await previewImport(bytesSource('b.xlsx', new Uint8Array(readFileSync('tests/fixtures/openpyxl.xlsx'))), {});
    expect([notes.error?.code, notes.sheets, notes.sheet]).toEqual(['header-only', ['Notes', 'Data'], 'Notes']);
  });

  describe('hostile files', () => {
    it('a zip bomb is refused by its declared size before anything is inflated', async () => {
      // 64 MiB of zeros deflate to 64 KiB; the archive says the part unpacks to 3 GB (a bomb's honest header).
      const bytes = declare(zipSync({ '_rels/.rels': strToU8(ROOT_RELS), 'xl/workbook.xml': new Uint8Array(64 << 20) }, { level: 1 }), 'xl/workbook.xml', 3_000_000_000);
      expect(bytes.byteLength).toBeLessThan(1 << 20);
      const e = await fails(read(bytes));
      expect(e.code).toBe('too-large');
      expect(e.message).toMatch(/xl\/workbook\.xml unpacks to 2\.8 GB.*checked before unpacking/);
    });

    it('a part that inflates past its declared size is cut there, and refused as damaged', async () => {
      const e = await fails(read(declare(book([['S', '<row r="1"><c r="A1"><v>1</v></c></row>']]), 'xl/worksheets/sheet1.xml', 40)));
      expect(e.code).toBe('invalid-xlsx');
    });

    it('a sheet claiming row 1,000,000,000 is refused at once; a dimension claiming it costs nothing', async () => {
      const far = await fails(read(book([['S', '<row r="1"><c r="A1"><v>1</v></c></row><row r="1000000000"><c r="A1000000000"><v>2</v></c></row>']])));
      expect(far.code).toBe('invalid-xlsx');
      expect(far.message).toContain("row 1,000,000,000 lies past Excel's last row");
      const wide = await fails(read(book([['S', '<row r="1"><c r="ZZZZ1"><v>1</v></c></row>']])));
      expect(wide.message).toContain("past Excel's last column");
      const dim = book([['S', '<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row><row r="2"><c r="A2"><v>1</v></c></row>']], {});
      expect((await read(dim)).table.rowCount).toBe(1);
    });

    it('one value far right of 3,000 rows (a table of 49 million mostly empty cells) is refused before any column is built', async () => {
      const rows = Array.from({ length: 3000 }, (_, i) => `<row r="${i + 2}"><c r="A${i + 2}"><v>${i}</v></c></row>`).join('');
      const e = await fails(read(book([['S', '<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="XFD1"><v>1</v></c></row>' + rows]])));
      expect(e.code).toBe('too-large');
      expect(e.message).toContain('as far right as column 16,384');
    });

    it('__proto__ and constructor as sheet names, headers, shared strings and zip entries stay data', async () => {
      const sheet = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" t="s"><v>0</v></c></row>';
      const bytes = book([['__proto__', sheet]], { strings: ['__proto__', 'constructor'], raw: { __proto__: strToU8('x') } as unknown as Zippable });
      const { table } = await read(bytes, { sheet: '__proto__' });
      expect(table.columns.map((c) => c.name)).toEqual(['__proto__', 'constructor']);
      expect(rowArrays(table)).toEqual([['constructor', '__proto__']]);
      expect(({} as Record<string, unknown>).x).toBeUndefined();
    });

    it('damaged XML and archives are refused with invalid-xlsx, never a crash', async () => {
      const cases: Uint8Array[] = [
        book([['S', '<row r="1"><c r="A1"><v>1</v></c>']]), // a row that never ends
        book([['S', '<row r="1"><c r="A1" t="s"><v>7</v></c></row>']], { strings: ['a'] }), // no such shared string
        book([['S', '<row r="2"></row><row r="1"><c r="A1"><v>1</v></c></row>']]), // rows out of order
        book([['S', '<row r="1"><c r="A1"><v>1</v></c></row>']], { raw: { 'xl/workbook.xml': strToU8('<notaworkbook/>') } }),
        book([['S', '<row r="1"><c r="A1"><v>1</v></c></row>']], { raw: { 'xl/workbook.xml': new Uint8Array([0xff, 0xfe, 0x00]) } }),
        zipSync({ 'a.txt': strToU8('hello') }),
        new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]),
      ];
      for (const bytes of cases) {
        const e = await fails(read(bytes));
        expect(e.code).toBe('invalid-xlsx');
        expect(e.message).toMatch(/^This Excel file cannot be read: /);
      }
    });
  });
});
