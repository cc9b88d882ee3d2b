/** What a ColumnBuilder hands over to another (a reader that parsed the end of a file elsewhere), and its modes. */

/** What a column holds so far; it only ever widens: empty → number | boolean | date → string. */
export type Mode = 'empty' | 'number' | 'boolean' | 'date' | 'string';

/** A ColumnBuilder's cells, as part() hands them to another builder's absorb(). */
export interface BuilderPart {
  mode: Mode;
  n: number;
  valid: Uint8Array;
  /** Number, boolean and date modes. */
  values: Float64Array | null;
  /** String mode: codes into `dictionary`, 0 where missing. */
  codes: Int32Array | null;
  dictionary: string[] | null;
  allIntegral: boolean;
  widened: boolean;
  /** Decimal separator its numbers use, with an example (decimal-comma files). */
  sep: number;
  commaExample: string;
  dotExample: string;
}
