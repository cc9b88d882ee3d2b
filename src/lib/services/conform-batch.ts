/**
 * A checked batch as the model's recipe expects it: only the input schema's columns, in its order, each of the
 * schema's kind. Numbers where text is expected become their text (a code such as "7"); an all-empty column, which a
 * reader may type either way, becomes an empty column of the schema's kind. Extra columns are left out, so none can
 * collide with a column the recipe creates. Run checkBatch first: a column missing or of the wrong type is refused.
 */
import { EnclaveError } from '../core/errors.ts';
import { asTexts, numericColumn, stringColumn } from '../core/table-ops.ts';
import type { Column, NumericType, StringType, Table } from '../core/table.ts';
import type { InputField } from './check-batch.ts';

export function conformBatch(inputSchema: readonly InputField[], batch: Table): Table {
  const byName = new Map(batch.columns.map((c) => [c.name, c]));
  const columns = inputSchema.map((f): Column => {
    const col = byName.get(f.name);
    if (!col) throw new EnclaveError('invalid-argument', `Column "${f.name}" is missing: the model needs it to predict.`, { column: f.name });
    if (col.kind === f.kind) return col;
    const empty = !col.valid.some((v) => v === 1);
    if (f.kind === 'string') return stringColumn(f.name, f.type as StringType, empty ? new Array(batch.rowCount).fill(null) : asTexts(col));
    if (empty) return numericColumn(f.name, f.type as NumericType, new Float64Array(batch.rowCount), new Uint8Array(batch.rowCount));
    throw new EnclaveError('invalid-argument', `Column "${f.name}" should hold ${f.type === 'datetime' ? 'dates' : 'numbers'}, but it holds text.`, { column: f.name });
  });
  return { rowCount: batch.rowCount, columns };
}
