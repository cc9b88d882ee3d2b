import { describe, expect, it } from 'vitest';
import { compactLabels, compactNumber, dateLabels, readableDate, readableIsoDate, readableNumber } from '../../src/lib/core/readable.ts';

describe('numbers people read', () => {
  it('counts carry thousands separators, never exponents: 3,000,000 rows', () => {
    expect(readableNumber(3_000_000)).toBe('3,000,000');
    expect(readableNumber(-1234)).toBe('-1,234');
    expect(readableNumber(200_000)).toBe('200,000');
    expect(readableNumber(1e15)).toBe('1,000,000,000,000,000');
  });

  it('fractions keep their whole part and six significant digits', () => {
    expect(readableNumber(2_000_000.25)).toBe('2,000,000'); // six significant digits, the whole part kept
    expect(readableNumber(2_000_000.25, 8)).toBe('2,000,000.3');
    expect(readableNumber(3_456_789.12)).toBe('3,456,789');
    expect(readableNumber(0.000123456)).toBe('0.000123456');
    expect(readableNumber(0.1 + 0.2)).toBe('0.3');
    expect(readableNumber(4.3567891)).toBe('4.35679');
  });

  it('exponents only where separators stop helping (below 1e-6, beyond 1e21), missing as a dash', () => {
    expect(readableNumber(1.5e-7)).toBe('1.5e-7');
    expect(readableNumber(2e22)).toBe('2e+22');
    expect(readableNumber(null)).toBe('—');
    expect(readableNumber(NaN)).toBe('—');
    expect(readableNumber(Infinity)).toBe('∞');
  });

  it('compact axis labels: 50M, 1.2k, 3.5B, small numbers as they are, negatives with a minus sign', () => {
    expect(compactNumber(50_000_000)).toBe('50M');
    expect(compactNumber(1200)).toBe('1.2k');
    expect(compactNumber(3_500_000_000)).toBe('3.5B');
    expect(compactNumber(999)).toBe('999');
    expect(compactNumber(999_999)).toBe('1M');
    expect(compactNumber(0.25)).toBe('0.25');
    expect(compactNumber(-2500)).toBe('−2.5k');
    expect(compactNumber(0)).toBe('0');
  });

  it('compact labels of neighbouring ticks stay distinct (1M and 1.05M, not 1M twice)', () => {
    expect(compactLabels([1_000_000, 1_050_000, 1_100_000])).toEqual(['1M', '1.05M', '1.1M']);
    expect(compactLabels([0, 10_000_000, 20_000_000, 30_000_000])).toEqual(['0', '10M', '20M', '30M']);
    expect(compactLabels([0, 0.25, 0.5, 0.75, 1])).toEqual(['0', '0.25', '0.5', '0.75', '1']);
    expect(new Set(compactLabels([1_234_500, 1_234_600, 1_234_700])).size).toBe(3);
  });

  it('dates read as dates, not ISO timestamps or raw milliseconds', () => {
    expect(readableDate(Date.UTC(2012, 0, 1))).toBe('2012-01-01');
    expect(readableDate(1_325_376_000_000)).toBe('2012-01-01'); // the raw milliseconds of 2012-01-01
    expect(readableDate(Date.UTC(2012, 0, 1, 13, 5, 9))).toBe('2012-01-01 13:05:09');
    expect(readableDate(Date.UTC(2012, 0, 1, 13, 5, 9, 250))).toBe('2012-01-01 13:05:09.250');
    expect(readableDate(NaN)).toBe('—');
    expect(readableIsoDate('2012-01-01T00:00:00.000Z')).toBe('2012-01-01');
    expect(readableIsoDate('Adelie')).toBe('Adelie');
  });

  it('date axis labels use the coarsest calendar unit that names every tick', () => {
    expect(dateLabels([Date.UTC(2012, 0, 1), Date.UTC(2013, 0, 1)])).toEqual(['2012', '2013']);
    expect(dateLabels([Date.UTC(2012, 0, 1), Date.UTC(2012, 3, 1)])).toEqual(['2012-01', '2012-04']);
    expect(dateLabels([Date.UTC(2012, 0, 1), Date.UTC(2012, 0, 8)])).toEqual(['2012-01-01', '2012-01-08']);
    expect(dateLabels([Date.UTC(2012, 0, 1, 6), Date.UTC(2012, 0, 1, 12)])).toEqual(['06:00:00', '12:00:00']);
  });
});
