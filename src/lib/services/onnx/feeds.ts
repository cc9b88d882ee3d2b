/**
 * Source rows in the exported model's input contract: per input column, float64 with NaN for a missing cell, or
 * strings with "" for a missing cell (a missing text cell has no other spelling in ONNX's string tensors).
 */
import { EnclaveError } from '../../core/errors.ts';
import type { Table } from '../../core/table.ts';

export type OnnxFeed = { type: 'float64'; data: Float64Array } | { type: 'string'; data: string[] };

export function onnxFeeds(table: Table, inputs: readonly { name: string }[]): Map<string, OnnxFeed> {
  const out = new Map<string, OnnxFeed>();
  const n = table.rowCount;
  for (const { name } of inputs) {
    const c = table.columns.find((x) => x.name === name);
    if (!c) throw new EnclaveError('invalid-argument', `The ONNX model needs the column "${name}", which these rows lack.`, { column: name });
    if (c.kind === 'numeric') out.set(name, { type: 'float64', data: Float64Array.from({ length: n }, (_, i) => (c.valid[i] ? c.values[i] : NaN)) });
    else out.set(name, { type: 'string', data: Array.from({ length: n }, (_, i) => (c.valid[i] ? c.dictionary[c.codes[i]] : '')) });
  }
  return out;
}
