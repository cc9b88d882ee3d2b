import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatIsoDate, formatNumber, formatSignificant, formatValue } from '../../src/lib/format.ts';

describe('format', () => {
  it('formatDuration: ms under a second, seconds under a minute, then minutes and seconds', () => {
    expect(formatDuration(0)).toBe('0 ms');
    expect(formatDuration(38.4)).toBe('38 ms');
    expect(formatDuration(999.4)).toBe('999 ms');
    expect(formatDuration(1000)).toBe('1.0 s');
    expect(formatDuration(2449)).toBe('2.4 s');
    expect(formatDuration(185_000)).toBe('3 min 5 s');
    expect(formatDuration(NaN)).toBe('—');
    expect(formatDuration(-1)).toBe('—');
  });

  it('formatNumber: missing as a dash, numbers with separators and four decimals at most, never an exponent people must decode', () => {
    expect(formatNumber(null)).toBe('—');
    expect(formatNumber(NaN)).toBe('—');
    expect(formatNumber(1234.56789)).toBe('1,234.5679');
    expect(formatNumber(1_200_000)).toBe('1,200,000');
    expect(formatNumber(3_000_000)).toBe('3,000,000');
    expect(formatNumber(2_000_000.5)).toBe('2,000,000.5');
    expect(formatNumber(3_456_789.123456)).toBe('3,456,789.1235');
    expect(formatNumber(0.0001)).toBe('0.0001');
    expect(formatNumber(0.123456)).toBe('0.1235');
    expect(formatNumber(0)).toBe('0');
  });

  it('formatValue: a datetime column reads as a date, with its time only when it has one', () => {
    expect(formatValue(Date.UTC(2012, 0, 1), 'datetime')).toBe('2012-01-01');
    expect(formatValue(Date.UTC(2012, 0, 1, 13, 5, 9), 'datetime')).toBe('2012-01-01 13:05:09');
    expect(formatValue(NaN, 'datetime')).toBe('—');
    expect(formatValue(1_325_376_000_000, 'float')).toBe('1,325,376,000,000');
  });

  it('formatSignificant: a metric such as an RMSE of 123,456.7 reads 123,457 (never 1.235e+5); small ones keep their digits', () => {
    expect(formatSignificant(123_456.7)).toBe('123,457');
    expect(formatSignificant(0.0123456)).toBe('0.01235');
    expect(formatSignificant(-0.0123456, 3)).toBe('-0.0123');
    expect(formatSignificant(null)).toBe('—');
  });

  it('formatIsoDate: a date at midnight, else date and time (UTC); other text unchanged', () => {
    expect(formatIsoDate('2024-01-27T00:00:00.000Z')).toBe('2024-01-27');
    expect(formatIsoDate('2024-01-27T13:05:09.000Z')).toBe('2024-01-27 13:05:09');
    expect(formatIsoDate('2024-01-27T13:05:09.250Z')).toBe('2024-01-27 13:05:09.250');
    expect(formatIsoDate('not a date')).toBe('not a date');
  });

  it('formatBytes: binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.0 GB');
  });
});
