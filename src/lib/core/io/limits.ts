/**
 * Shapes a reader refuses, whatever the file's size: each limit is far beyond real tabular data, and each refusal
 * names its limit. Below them, a reader's time and memory grow with the cells a file holds, not with its shape.
 */
import { EnclaveError } from '../errors.ts';

/**
 * The most columns a table may have. Spreadsheets stop at 16,384 (Excel) and wide real data (gene expression, one
 * column per gene) has some 20,000–60,000; every column costs a builder, a profile and a stored chunk per 65,536 rows,
 * and the studio's views list columns one by one.
 */
export const MAX_COLUMNS = 65_536;

/**
 * The most cells records may leave out when their keys differ (JSON): each absent key is a missing cell in the
 * table, so 10,000 records each with its own key make a table of 100,000,000 cells from 10,000 values. Refused past
 * this many absent cells when they also outnumber the present ones ABSENT_RATIO times (a table mostly of holes).
 */
export const MAX_ABSENT_CELLS = 20_000_000;
export const ABSENT_RATIO = 10;

/**
 * The deepest a JSON value may nest (objects and arrays inside one another). A nested value is kept as its JSON text
 * in one cell; JavaScript engines write and read JSON recursively, and past a few thousand levels run out of stack.
 * Python's json module stops near 1,000 for the same reason.
 */
export const MAX_JSON_DEPTH = 1000;

/** 1234567 → "1,234,567" (the same in every locale, so messages and tests agree). */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** `atLeast`: the count is where reading stopped (the file has more). */
export function tooManyColumns(columns: number, where: string, atLeast = false): EnclaveError {
  return new EnclaveError(
    'too-large',
    `This file has ${atLeast ? 'more than ' : ''}${formatCount(columns)} columns${where}; Enclave reads at most ${formatCount(MAX_COLUMNS)} (MAX_COLUMNS). ` +
      'Keep the columns you need, or reshape the data to long format (one row per observation and variable).',
    { columns, limit: MAX_COLUMNS },
  );
}
