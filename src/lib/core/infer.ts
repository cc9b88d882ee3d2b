/**
 * Cell-level parsing and column type inference, shared by every reader (CSV, JSON, Parquet). The entry module; the
 * pieces are in infer/: cells.ts (missing tokens, numbers, booleans; dates: parse-date.ts), column-builder.ts (which
 * cell is what, widening to text) over column-store.ts (typed storage, handing a part over), column-type.ts (the
 * finished column's type), decimal-separator.ts and overflow.ts (what a reader tells the person), header.ts.
 */
export { isMissingToken, MISSING_TOKENS, parseBoolean, parseNumber } from './infer/cells.ts';
export { parseDate } from './parse-date.ts';
export { parseDecimalComma } from './decimal-comma.ts';
export type { BuilderPart, Mode } from './infer/builder-part.ts';
export { ColumnBuilder, type ColumnOptions } from './infer/column-builder.ts';
export { stringType } from './infer/column-type.ts';
export { normaliseHeader } from './infer/header.ts';
