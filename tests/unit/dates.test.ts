/**
 * What is and is not a date, against real parsers' rules. Reference values computed once with Python 3.11.7 and
 * pandas 3.0.6 and pasted here (a naive time is taken as UTC, as Enclave does):
 *   ISO forms:         datetime.fromisoformat(s), converted to UTC (fractions truncated: Python to µs, Enclave to ms)
 *   where Python 3.11 is laxer than RFC 3339 §5.6 (offset minutes 60, '.' without digits) RFC 3339's grammar decides:
 *                      time-numoffset = ("+" / "-") time-hour ":" time-minute, time-minute 00-59; time-secfrac = "." 1*DIGIT
 *   month-name forms:  pd.to_datetime(s, format=F) with F as listed (strptime: %b = Jan…Dec, %B = January…, any case)
 */
import { describe, expect, it } from 'vitest';
import { ColumnBuilder, parseDate } from '../../src/lib/core/infer.ts';
import { readCsv } from '../../src/lib/core/io/csv.ts';
import { bytesSource } from '../../src/lib/core/io/source.ts';
import { rows } from '../../src/lib/core/table.ts';

/** [text, the UTC instant as ISO (null: not a date), the reference that says so] */
const CASES: [string, string | null, string][] = [
  ['2024-01-31', '2024-01-31T00:00:00.000Z', 'fromisoformat'],
  ['2024-02-30', null, 'fromisoformat: day is out of range for month'],
  ['2024-02-29', '2024-02-29T00:00:00.000Z', 'fromisoformat'],
  ['2023-02-29', null, 'fromisoformat: day is out of range for month'],
  ['2024-01-31T10:20', '2024-01-31T10:20:00.000Z', 'fromisoformat'],
  ['2024-01-31 10:20:30', '2024-01-31T10:20:30.000Z', 'fromisoformat'],
  ['2024-01-31t10:20:30', '2024-01-31T10:20:30.000Z', 'fromisoformat'],
  ['2024-01-31T23:59:59.9995Z', '2024-01-31T23:59:59.999Z', 'fromisoformat: 23:59:59.999500'],
  ['2024-01-31T10:20:30.5', '2024-01-31T10:20:30.500Z', 'fromisoformat'],
  ['2024-01-31T10:20:30.123456789Z', '2024-01-31T10:20:30.123Z', 'fromisoformat: .123456'],
  ['2024-01-31T10:20:30.1234567891234Z', '2024-01-31T10:20:30.123Z', 'fromisoformat: .123456'],
  ['2024-01-31T10:20:30+99:99', null, 'fromisoformat: offset must be strictly between -24h and 24h'],
  ['2024-01-31T10:20:30+24:00', null, 'fromisoformat: offset must be strictly between -24h and 24h'],
  ['2024-01-31T10:20:30+23:59', '2024-01-30T10:21:30.000Z', 'fromisoformat'],
  ['2024-01-31T10:20:30-05:00', '2024-01-31T15:20:30.000Z', 'fromisoformat'],
  ['2024-01-31T10:20:30+0530', '2024-01-31T04:50:30.000Z', 'fromisoformat'],
  ['2024-01-31T10:20:30+05', '2024-01-31T05:20:30.000Z', 'fromisoformat'],
  ['2024-01-31T10:20+01:00', '2024-01-31T09:20:00.000Z', 'fromisoformat'],
  ['2024-01-31T10:20:30+01:60', null, 'RFC 3339: time-minute 00-59 (fromisoformat accepts it)'],
  ['2024-01-31T10:20:30.Z', null, 'RFC 3339: time-secfrac = "." 1*DIGIT (fromisoformat accepts it)'],
  ['2024-01-31T24:00', null, 'fromisoformat: hour must be in 0..23'],
  ['2024-01-31T10:60', null, 'fromisoformat: minute must be in 0..59'],
  ['2024-01-31T10:20:60', null, 'fromisoformat: second must be in 0..59'],
  ['Jun 12 1998', '1998-06-12T00:00:00.000Z', 'to_datetime %b %d %Y'],
  ['Jun 12, 1998', '1998-06-12T00:00:00.000Z', 'to_datetime %b %d, %Y'],
  ['June 12, 1998', '1998-06-12T00:00:00.000Z', 'to_datetime %B %d, %Y'],
  ['June 12 1998', '1998-06-12T00:00:00.000Z', 'to_datetime %B %d %Y'],
  ['12 Jun 1998', '1998-06-12T00:00:00.000Z', 'to_datetime %d %b %Y'],
  ['12 June 1998', '1998-06-12T00:00:00.000Z', 'to_datetime %d %B %Y'],
  ['12 Jun, 1998', '1998-06-12T00:00:00.000Z', 'to_datetime %d %b, %Y'],
  ['12-Jun-1998', '1998-06-12T00:00:00.000Z', 'to_datetime %d-%b-%Y'],
  ['jun 12 1998', '1998-06-12T00:00:00.000Z', 'to_datetime %b %d %Y'],
  ['JUN 12 1998', '1998-06-12T00:00:00.000Z', 'to_datetime %b %d %Y'],
  ['Jun 1 1998', '1998-06-01T00:00:00.000Z', 'to_datetime %b %d %Y'],
  ['Feb 29 2000', '2000-02-29T00:00:00.000Z', 'to_datetime %b %d %Y'],
  ['Jun 31 1998', null, 'to_datetime %b %d %Y: ValueError'],
  ['Feb 29 1900', null, 'to_datetime %b %d %Y: ValueError'],
  ['Sept 12 1998', null, 'to_datetime %b %d %Y: ValueError (only dateutil knows "Sept")'],
  ['Jun 12 98', null, 'to_datetime %b %d %Y: ValueError'],
  ['Junе 12 1998', null, 'to_datetime %b %d %Y: ValueError (a Cyrillic е)'],
];

describe('parseDate follows real date parsers', () => {
  it.each(CASES)('%s → %s (%s)', (text, expected) => {
    const t = parseDate(text);
    if (expected === null) expect(t).toBeNaN();
    else expect(new Date(t).toISOString()).toBe(expected);
  });

  it('an offset out of range no longer shifts the time (+99:99 moved it four days)', () => {
    expect(parseDate('2024-01-31T10:20:30+99:99')).toBeNaN();
  });

  it('a column of month-name dates is a datetime column, not text', () => {
    const b = new ColumnBuilder('d');
    for (const s of ['Jun 12 1998', 'Jul 4 2001', 'Dec 31 1999']) b.pushText(s);
    const col = b.finish();
    expect(col.type).toBe('datetime');
  });

  it('one time with a 4-digit fraction no longer turns a whole column to text', async () => {
    const { table } = await readCsv(bytesSource('t.csv', 'at\n2024-01-31T10:00:00Z\n2024-01-31T23:59:59.9995Z\n'));
    expect(table.columns[0].type).toBe('datetime');
    expect(rows(table).map((r) => r.at)).toEqual(['2024-01-31T10:00:00.000Z', '2024-01-31T23:59:59.999Z']);
  });
});
