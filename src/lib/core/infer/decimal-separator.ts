/**
 * How a number column writes its decimals, tracked only where a decimal comma can be one (a file whose delimiter is
 * not a comma): all with a comma (1,5: numbers), all with a point, or both (1,5 and 2.5: which is the decimal and which
 * a thousands separator? The column is text).
 */
import { decimalCommaExample, parseDecimalComma } from '../decimal-comma.ts';

export const NO_SEP = 0, DOT = 1, COMMA = 2;

export class DecimalSeparator {
  /** The separator of the numbers so far (NO_SEP, DOT, COMMA), an example of each, and whether they mixed. */
  sep = NO_SEP;
  commaExample = '';
  dotExample = '';
  mixed = false;

  /**
   * A number cell written with `sep` (DOT or COMMA; `text` as written). Returns false when the column now mixes the
   * two, and must become text.
   */
  see(sep: number, text: string): boolean {
    if (sep === NO_SEP || sep === this.sep) return true;
    if (sep === COMMA) this.commaExample ||= text.trim();
    else this.dotExample ||= text.trim();
    if (this.sep !== NO_SEP) {
      this.mixed = true;
      return false;
    }
    this.sep = sep;
    return true;
  }

  /** Whether a part read elsewhere writes its decimals as this one does (or either has none yet). */
  agrees(part: { sep: number }): boolean {
    return this.sep === NO_SEP || part.sep === NO_SEP || this.sep === part.sep;
  }

  /** Takes a following part's separator and examples, when this column had none yet. */
  adopt(part: { sep: number; commaExample: string; dotExample: string }): void {
    if (this.sep !== NO_SEP || part.sep === NO_SEP) return;
    this.sep = part.sep;
    this.commaExample = part.commaExample;
    this.dotExample = part.dotExample;
  }

  /**
   * What a person should know: decimal commas read as decimals, a mix read as text, or text that looks like
   * decimal-comma numbers (`texts`: a text column's dictionary; `isNumber`, the reader's own test).
   */
  remarks(name: string, numeric: boolean, texts: string[] | null, isNumber: (t: string) => boolean, advice: string): string[] {
    const out: string[] = [];
    if (numeric && this.sep === COMMA) {
      out.push(`Column "${name}" writes decimals with a comma ("${this.commaExample}"): read as numbers (${parseDecimalComma(this.commaExample)}).`);
    }
    if (this.mixed) {
      out.push(`Column "${name}" has numbers with a decimal comma ("${this.commaExample}") and with a decimal point ("${this.dotExample}"), so it was read as text. Make them all one way to read it as numbers.`);
    } else if (texts) {
      const example = decimalCommaExample(texts, isNumber);
      if (example) out.push(`Column "${name}" looks like numbers written with a decimal comma ("${example}"); it was read as text.${advice ? ` ${advice}` : ''}`);
    }
    return out;
  }
}
