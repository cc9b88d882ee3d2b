import { describe, expect, it } from 'vitest';
import {
  ColumnBuilder, isMissingToken, MISSING_TOKENS, normaliseHeader, parseBoolean, parseDate, parseNumber,
} from '../../src/lib/core/infer.ts';
import { readCsv } from '../../src/lib/core/io/csv.ts';
import { bytesSource } from '../../src/lib/core/io/source.ts';
import { cell, missingCount, type Column } from '../../src/lib/core/table.ts';

function build(cells: string[], name = 'x'): Column {
  const b = new ColumnBuilder(name);
  for (const c of cells) b.pushText(c);
  return b.finish();
}
const values = (c: Column) => Array.from(c.valid, (_, i) => cell(c, i));

describe('cell parsers', () => {
  it('parseNumber: plain decimals only', () => {
    expect([parseNumber('42'), parseNumber('-3.5'), parseNumber('+.5'), parseNumber('1e3'), parseNumber(' 7 '), parseNumber('5.')]).toEqual([42, -3.5, 0.5, 1000, 7, 5]);
    for (const s of ['1,234', '0x10', 'Infinity', '1.2.3', '', '-', '.', '12a']) expect(parseNumber(s)).toBeNaN();
  });
  it('parseDate: ISO dates and date-times, UTC unless an offset is given; impossible dates rejected', () => {
    expect(parseDate('2024-01-31')).toBe(Date.UTC(2024, 0, 31));
    expect(parseDate('2024/01/31 10:20')).toBe(Date.UTC(2024, 0, 31, 10, 20));
    expect(parseDate('2024-01-31T10:20:30.25Z')).toBe(Date.UTC(2024, 0, 31, 10, 20, 30, 250));
    expect(parseDate('2024-01-31T10:20:30+05:30')).toBe(Date.UTC(2024, 0, 31, 4, 50, 30));
    for (const s of ['2023-02-30', '2024-13-01', '2024-01-31T25:00', '31/01/2024', 'today']) expect(parseDate(s)).toBeNaN();
  });
  it('parseBoolean', () => {
    expect(['true', 'FALSE', 'True'].map(parseBoolean)).toEqual([1, 0, 1]);
    expect(parseBoolean('yes')).toBeNaN();
  });
});

describe('missing tokens', () => {
  it.each(['', 'NA', 'N/A', 'null', 'NaN', '?', 'n/a', 'NULL', 'None', '#N/A', '  NA ', '   ', ' '.repeat(12), '\tnull\t\t\t\t\t\t\t'])(
    '%j is missing',
    (tok) => {
      expect(isMissingToken(tok)).toBe(true);
      const c = build(['1', tok, '2']);
      expect(c.type).toBe('integer');
      expect(missingCount(c)).toBe(1);
    },
  );
  it('the issue\'s tokens are all in MISSING_TOKENS', () => {
    for (const t of ['', 'NA', 'N/A', 'null', 'NaN', '?']) expect(MISSING_TOKENS.has(t)).toBe(true);
  });
  it('near-misses are values, not missing', () => {
    for (const s of ['.', '-', 'NAN!', 'nil', '0', 'Na N']) expect(isMissingToken(s)).toBe(false);
  });
});

describe('type inference', () => {
  it('integer, float, boolean, datetime', () => {
    expect(build(['1', '2', '-3']).type).toBe('integer');
    expect(build(['1', '2.5', 'NA']).type).toBe('float');
    expect(build(['true', 'false', '', 'TRUE']).type).toBe('boolean');
    const d = build(['2024-01-01', '2024-02-29 12:00', 'N/A']);
    expect(d.type).toBe('datetime');
    expect(values(d)).toEqual(['2024-01-01T00:00:00.000Z', '2024-02-29T12:00:00.000Z', null]);
  });
  it('categorical: few distinct strings', () => {
    const c = build(Array.from({ length: 100 }, (_, i) => ['red', 'green', 'blue'][i % 3]));
    expect(c.type).toBe('categorical');
    expect(c.kind === 'string' && c.dictionary).toEqual(['red', 'green', 'blue']);
  });
  it('text: many distinct multi-word values', () => {
    expect(build(Array.from({ length: 50 }, (_, i) => `a sentence number ${i} with words`)).type).toBe('text');
  });
  it('identifier: all-distinct codes, or distinct integers under an id-like name', () => {
    expect(build(Array.from({ length: 50 }, (_, i) => `SKU${1000 + i}`)).type).toBe('identifier');
    expect(build(['10', '11', '12'], 'customer_id').type).toBe('identifier');
    expect(build(['10', '11', '12'], 'count').type).toBe('integer');
    expect(build(['10', '10', '12'], 'customer_id').type).toBe('integer'); // repeats: not a key
  });
  it('widening to text keeps the original text of earlier values', () => {
    const c = build(['1.50', '2', 'TRUE'.toLowerCase(), 'x']);
    expect(c.type).toBe('categorical');
    expect(values(c)).toEqual(['1.50', '2', 'true', 'x']);
    expect(values(build(['TRUE', 'False', 'maybe']))).toEqual(['TRUE', 'False', 'maybe']);
    expect(values(build(['2024-01-01', 'soon']))).toEqual(['2024-01-01', 'soon']);
  });
  it('an all-missing column is numeric with every value missing', () => {
    const c = build(['', 'NA', '?']);
    expect(c.kind).toBe('numeric');
    expect(missingCount(c)).toBe(3);
  });
  it('pushValue: typed values from JSON/Parquet', () => {
    const b = new ColumnBuilder('v');
    for (const v of [1, 2n, null, undefined, NaN, 3.5]) b.pushValue(v);
    const c = b.finish();
    expect([c.type, values(c)]).toEqual(['float', [1, 2, null, null, null, 3.5]]);
    const o = new ColumnBuilder('o');
    for (const v of [{ a: 1 }, [1, 2], 'x']) o.pushValue(v);
    expect(values(o.finish())).toEqual(['{"a":1}', '[1,2]', 'x']);
    const d = new ColumnBuilder('d');
    d.pushValue(new Date(Date.UTC(2020, 0, 1)));
    d.pushValue(new Date(NaN));
    expect(values(d.finish())).toEqual(['2020-01-01T00:00:00.000Z', null]);
  });
});

describe('tryPushNumber (the fast CSV path) matches pushText exactly', () => {
  it('on columns that stay numeric, widen early, or widen after many distinct values', () => {
    const cases: string[][] = [
      ['1', '2', '1.50', '1.5', '-0', '0', '3'],
      ['1.50', '2', 'x', '1.5'],
      Array.from({ length: 6000 }, (_, i) => String((i * 7919) % 5003 / 10)).concat(['late', '1.10']),
      ['true', '1', '2'],
      ['', '5', '5', '6'],
    ];
    for (const cells of cases) {
      const a = new ColumnBuilder('c');
      const b = new ColumnBuilder('c');
      for (const s of cells) {
        a.pushText(s);
        const n = /^[+-]?(\d+\.?\d*|\.\d+)$/.test(s) ? Number(s) : NaN;
        if (Number.isNaN(n) || !b.tryPushNumber(n)) b.pushText(s);
      }
      expect(b.finish()).toEqual(a.finish());
    }
  });
});

describe('normaliseHeader', () => {
  it('names empty columns and de-duplicates', () => {
    const { names, renamed } = normaliseHeader(['a', '', 'a', ' b ', 'a.1', 'a']);
    expect(names).toEqual(['a', 'column_2', 'a.2', 'b', 'a.1', 'a.3']);
    expect(renamed.map((r) => r.index)).toEqual([1, 2, 3, 5]);
  });
});

describe('inference through the CSV reader', () => {
  it.each(['papa', 'fast'] as const)('every type in one file (%s)', async (engine) => {
    const lines = ['id,qty,price,ok,when,color,comment,code'];
    for (let i = 0; i < 60; i++) {
      lines.push([i + 1, i % 9, (i * 1.25).toFixed(2), i % 2 ? 'true' : 'false', `2024-03-${String((i % 28) + 1).padStart(2, '0')}`,
        ['red', 'blue'][i % 2], `"comment ${i}, with several words"`, `X${1000 + i}`].join(','));
    }
    lines.push('61,NA,N/A,null,,NaN,?,X2000');
    const { table } = await readCsv(bytesSource('t.csv', lines.join('\n')), { engine });
    expect(Object.fromEntries(table.columns.map((c) => [c.name, c.type]))).toEqual({
      id: 'identifier', qty: 'integer', price: 'float', ok: 'boolean', when: 'datetime', color: 'categorical', comment: 'text', code: 'identifier',
    });
    expect(table.columns.map(missingCount)).toEqual([0, 1, 1, 1, 1, 1, 1, 0]);
  });
});
