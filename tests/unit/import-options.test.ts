/**
 * Import options (skip lines, no header, delimiter, decimal comma, encoding, date formats) against pandas.
 * Expected values were computed once with /usr/bin/python3 and pandas 2 and pasted here, e.g.
 *   pd.read_csv('breast_cancer.csv', skiprows=1, header=None) → shape (569, 31), column 0 sums to 8038.429
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readTable } from '../../src/lib/core/io/index.ts';
import { bytesSource } from '../../src/lib/core/io/source.ts';
import { checkImportOptions, parseDateFormatFlag } from '../../src/lib/core/io/import-options.ts';
import { column, rowArrays, type NumericColumn, type StringColumn, type Table } from '../../src/lib/core/table.ts';
import { fails } from './errors.ts';

const SKLEARN = 'tests/fixtures/sklearn';
const latin1 = (s: string) => Uint8Array.from(s, (ch) => ch.charCodeAt(0));
const num = (t: Table, name: string) => column(t, name) as NumericColumn;
const str = (t: Table, name: string) => column(t, name) as StringColumn;
const texts = (c: StringColumn) => Array.from(c.codes, (k) => c.dictionary[k]);
const sum = (c: NumericColumn) => c.values.reduce((a, b) => a + b, 0);

describe('scikit-learn files with a count line', () => {
  const file = (name: string, chunk?: number) => bytesSource(name, new Uint8Array(readFileSync(`${SKLEARN}/${name}`)), chunk);

  it('breast_cancer.csv is refused as it is, and reads with skip 1 line and no header row as pandas does', async () => {
    expect((await fails(readTable(file('breast_cancer.csv')))).code).toBe('ragged-rows');
    // pandas: read_csv(skiprows=1, header=None) → (569, 31); column 0 sums to 8038.429, first 17.99; column 30 sums to 357
    for (const chunk of [1 << 16, 97]) {
      const { table } = await readTable(file('breast_cancer.csv', chunk), { skipLines: 1, header: false });
      expect(table.rowCount).toBe(569);
      expect(table.columns.length).toBe(31);
      expect(num(table, 'column_1').values[0]).toBe(17.99);
      expect(sum(num(table, 'column_1'))).toBeCloseTo(8038.429, 9);
      expect(sum(num(table, 'column_31'))).toBe(357);
    }
  });

  it('iris.csv with skip 1 line and no header row: 150 rows of 5 numbers, as pandas', async () => {
    // pandas: read_csv(skiprows=1, header=None) → (150, 5); column 0 sums to 876.5; first row [5.1, 3.5, 1.4, 0.2, 0]
    const { table } = await readTable(file('iris.csv'), { skipLines: 1, header: false });
    expect(table.rowCount).toBe(150);
    expect(rowArrays(table, 0, 1)[0]).toEqual([5.1, 3.5, 1.4, 0.2, 0]);
    expect(sum(num(table, 'column_1'))).toBeCloseTo(876.5, 9);
  });
});

describe('import options', () => {
  it('skipped lines count in line numbers: an error names the physical line of the file', async () => {
    const e = await fails(readTable(bytesSource('s.csv', 'title line\r\nsecond\r\na,b\r\n1,2\r\n3,4,5\r\n'), { skipLines: 2 }));
    expect(e.code).toBe('ragged-rows');
    expect(e.message).toMatch(/^Line 5 has 3 fields but the header \(line 3\)/);
  });

  it('skip lines across chunk boundaries and CRLF split between chunks', async () => {
    const text = 'junk 1\r\njunk 2\r\na,b\r\n1,x\r\n2,y\r\n';
    for (const chunk of [1, 2, 3, 7, 64]) {
      const { table } = await readTable(bytesSource('s.csv', text, chunk), { skipLines: 2 });
      expect(table.columns.map((c) => c.name)).toEqual(['a', 'b']);
      expect(texts(str(table, 'b'))).toEqual(['x', 'y']);
    }
  });

  it('no header row: the first line is data and the columns are column_1, column_2 (pandas header=None: [1, 3], [2, 4])', async () => {
    for (const engine of ['fast', 'papa'] as const) {
      const { table } = await readTable(bytesSource('h.csv', '1,2\n3,4\n'), { header: false, engine });
      expect(table.columns.map((c) => c.name)).toEqual(['column_1', 'column_2']);
      expect(Array.from(num(table, 'column_1').values)).toEqual([1, 3]);
      expect(Array.from(num(table, 'column_2').values)).toEqual([2, 4]);
    }
  });

  it('a Latin-1 file with ";" and decimal commas: café read right and 1,5 as 1.5 (pandas encoding latin-1, sep ";", decimal ",")', async () => {
    const bytes = latin1('name;value\ncaf\xe9;1,5\nth\xe9;2,25\n');
    // Without the option the é is not UTF-8 and is replaced.
    const plain = await readTable(bytesSource('l.csv', bytes));
    expect(texts(str(plain.table, 'name'))[0]).toBe('caf\uFFFD');
    // pandas: {'name': ['café', 'thé'], 'value': [1.5, 2.25]}
    const { table, warnings, encoding } = await readTable(bytesSource('l.csv', bytes, 5), { encoding: 'windows-1252', delimiter: ';', decimalComma: true });
    expect(encoding).toBe('windows-1252');
    expect(texts(str(table, 'name'))).toEqual(['café', 'thé']);
    expect(Array.from(num(table, 'value').values)).toEqual([1.5, 2.25]);
    expect(warnings.join(' ')).not.toMatch(/UTF-8/);
  });

  it('decimal comma said by the person: 1,234 is 1.234 (pandas decimal=","), not left as an ambiguous thousand', async () => {
    const text = 'a;b\n1,234;x\n';
    expect(str((await readTable(bytesSource('d.csv', text))).table, 'a').kind).toBe('string');
    const { table } = await readTable(bytesSource('d.csv', text), { decimalComma: true });
    expect(num(table, 'a').values[0]).toBe(1.234);
  });

  it('decimal comma off: 1,5 in a ";" file stays text', async () => {
    const { table } = await readTable(bytesSource('d.csv', 'a;b\n1,5;x\n2,5;y\n'), { decimalComma: false });
    expect(column(table, 'a')!.kind).toBe('string');
  });

  it('a chosen delimiter wins over the guess', async () => {
    const { table, delimiter } = await readTable(bytesSource('p.csv', 'a|b,c\n1|2,3\n'), { delimiter: '|' });
    expect(delimiter).toBe('|');
    expect(table.columns.map((c) => c.name)).toEqual(['a', 'b,c']);
  });

  it('UTF-16 with a byte order mark is read (LE and BE), and UTF-16 without one with the encoding named', async () => {
    const le = (s: string, bom = true) => {
      const out = new Uint8Array((bom ? 2 : 0) + s.length * 2);
      if (bom) out.set([0xff, 0xfe]);
      for (let i = 0; i < s.length; i++) out[(bom ? 2 : 0) + 2 * i] = s.charCodeAt(i);
      return out;
    };
    const be = (s: string) => {
      const out = new Uint8Array(2 + s.length * 2);
      out.set([0xfe, 0xff]);
      for (let i = 0; i < s.length; i++) out[3 + 2 * i] = s.charCodeAt(i);
      return out;
    };
    // pandas: read_csv(encoding='utf-16') of 'a,b\nü,1\n' → {'a': ['ü'], 'b': [1]}
    for (const [bytes, opts] of [[le('a,b\nü,1\n'), {}], [be('a,b\nü,1\n'), {}], [le('a,b\nü,1\n', false), { encoding: 'utf-16le' as const }]] as const) {
      const { table } = await readTable(bytesSource('u.csv', bytes, 3), opts);
      expect(texts(str(table, 'a'))).toEqual(['ü']);
      expect(num(table, 'b').values[0]).toBe(1);
    }
  });

  it('date formats: 12/06/1998 day-first and month-first, and "Jun 12 1998", as pandas to_datetime(format=…)', async () => {
    const text = 'd;m;x\n12/06/1998;Jun 12 1998;1\n01/02/2000;Dec 1 2001;2\n';
    const { table } = await readTable(bytesSource('t.csv', text), { dateFormats: [{ column: 'd', format: 'DD/MM/YYYY' }, { column: 'm', format: 'MMM D YYYY' }] });
    // pandas: %d/%m/%Y → [897609600000, 949363200000]; %b %d %Y → [897609600000, 1007164800000]
    expect(num(table, 'd').type).toBe('datetime');
    expect(Array.from(num(table, 'd').values)).toEqual([897609600000, 949363200000]);
    expect(Array.from(num(table, 'm').values)).toEqual([897609600000, 1007164800000]);
    const us = await readTable(bytesSource('t.csv', text), { dateFormats: [{ column: 'd', format: 'MM/DD/YYYY' }] });
    // pandas: %m/%d/%Y → [912902400000, 946771200000]
    expect(Array.from(num(us.table, 'd').values)).toEqual([912902400000, 946771200000]);
  });

  it('date formats: values that do not fit are missing and counted; none fitting, or an unknown column, is refused', async () => {
    const { table, warnings } = await readTable(bytesSource('t.csv', 'd\n31/12/1999\n31/02/1999\n'), { dateFormats: [{ column: 'd', format: 'DD/MM/YYYY' }] });
    expect(Array.from(num(table, 'd').valid)).toEqual([1, 0]);
    expect(warnings.join(' ')).toContain('1 value of column "d" is not a date in the format DD/MM/YYYY (the first: "31/02/1999")');
    expect((await fails(readTable(bytesSource('t.csv', 'd\nx\n'), { dateFormats: [{ column: 'd', format: 'DD/MM/YYYY' }] }))).message).toMatch(/No value of column "d" is a date/);
    expect((await fails(readTable(bytesSource('t.csv', 'd\nx\n'), { dateFormats: [{ column: 'e', format: 'DD/MM/YYYY' }] }))).message).toMatch(/does not have/);
  });

  it('options from outside are checked field by field', () => {
    expect(checkImportOptions({ skipLines: 1, header: false, encoding: 'latin1', delimiter: ';', junk: 1 })).toEqual({ skipLines: 1, header: false, encoding: 'windows-1252', delimiter: ';' });
    for (const bad of [{ skipLines: -1 }, { skipLines: 1.5 }, { header: 'no' }, { delimiter: 'ab' }, { encoding: 'ebcdic' }, { dateFormats: [{ column: 'd', format: 'hello' }] }, [1]]) {
      expect(() => checkImportOptions(bad)).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    }
    expect(parseDateFormatFlag('Col=MMM D YYYY')).toEqual({ column: 'Col', format: 'MMM D YYYY' });
    expect(parseDateFormatFlag('a=b=DD.MM.YY')).toEqual({ column: 'a=b', format: 'DD.MM.YY' });
  });
});
