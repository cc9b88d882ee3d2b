import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatIsoDate, formatNumber } from '../../src/lib/format.ts';

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

  it('formatNumber: missing as a dash, whole numbers with separators, large and tiny fractions in exponent notation', () => {
    expect(formatNumber(null)).toBe('—');
    expect(formatNumber(NaN)).toBe('—');
    expect(formatNumber(1234.56789)).toBe('1,234.5679');
    expect(formatNumber(1_200_000)).toBe('1,200,000');
    expect(formatNumber(2_000_000.5)).toBe('2.000e+6');
    expect(formatNumber(0.0001)).toBe('1.000e-4');
    expect(formatNumber(0)).toBe('0');
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
