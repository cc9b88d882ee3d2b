/**
 * Numbers too large for a double (1e309), or infinite typed values: read as missing, counted, the first located for
 * the warning, and each one's text kept by row (up to a limit) so that a widening to text can restore it.
 */

/** Overflowed texts a column keeps for a widening (past this, those cells stay missing as text too). */
const KEPT_TEXTS = 4096;

export class Overflows {
  count = 0;
  /** The first: its row, text, and whether it came typed (JSON, Parquet) rather than as text. */
  private first: { row: number; text: string; typed: boolean } | null = null;
  private texts: Map<number, string> | null = null;

  /** Records one at `row`; returns true for the column's first. */
  add(row: number, text: string, typed: boolean): boolean {
    const isFirst = this.first === null;
    if (isFirst) this.first = { row, text, typed };
    this.count++;
    const texts = (this.texts ??= new Map());
    if (texts.size < KEPT_TEXTS) texts.set(row, text);
    return isFirst;
  }

  /** The text of the overflowed cell at `row`, if kept. */
  textAt(row: number): string | undefined {
    return this.texts?.get(row);
  }

  /** `n` cells were put before all the others: every row moves by n. */
  shift(n: number): void {
    if (this.first) this.first.row += n;
    if (this.texts) this.texts = new Map([...this.texts].map(([r, t]) => [r + n, t]));
  }

  /** The warning for column `name` (null when none overflowed); `where(row)` names a row ("on line 5"). */
  remark(name: string, where: (row: number) => string): string | null {
    const o = this.first;
    if (!o) return null;
    const one = this.count === 1;
    const what = o.typed
      ? `${formatInt(this.count)} number${one ? ' is' : 's are'} infinite or too large for a 64-bit float (the first ${where(o.row)})`
      : `${formatInt(this.count)} number${one ? ' is' : 's are'} too large for a 64-bit float (the first, "${o.text.slice(0, 40)}", ${where(o.row)})`;
    return `Column "${name}": ${what}; ${one ? 'it was read as a missing value' : 'they were read as missing values'}.`;
  }
}

function formatInt(n: number): string {
  return n.toLocaleString('en-US');
}
