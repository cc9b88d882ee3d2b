/**
 * The import helper: the parts of an import that can run beside the data worker's, on a thread (and core) of their
 * own. While the data worker reads the start of a large CSV, this reads the rest ('part'); while it profiles the
 * table, this hashes it (crypto.subtle.digest runs on the calling thread in Chromium) and computes the correlation
 * matrix ('finish'). Each request carries an id, and is answered with { id, ... } or { id, error }.
 */
import { parseCsvPart } from '../src/lib/core/io/csv-fast.ts';
import type { TablePart } from '../src/lib/core/io/assemble.ts';
import { hashTable } from '../src/lib/core/hash.ts';
import { pearsonMatrix } from '../src/lib/core/profile/correlation.ts';
import type { NumericColumn, Table } from '../src/lib/core/table.ts';

export type HelperRequest =
  | { id: number; type: 'part'; file: File; start: number; delimiter: string; names: string[] }
  | { id: number; type: 'finish'; table: Table; correlate: number[] };

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<HelperRequest>) => void) | null;
  postMessage(m: unknown, transfer?: Transferable[]): void;
};

scope.onmessage = async (e) => {
  const req = e.data;
  try {
    if (req.type === 'part') {
      const blob = req.file.slice(req.start);
      const source = { name: req.file.name, size: blob.size, stream: () => blob.stream() };
      const part = await parseCsvPart(source, req.delimiter, req.names);
      scope.postMessage({ id: req.id, part }, buffersOf(part));
    } else {
      const { table, correlate } = req;
      const correlations = pearsonMatrix(correlate.map((i) => table.columns[i] as NumericColumn), table.rowCount);
      scope.postMessage({ id: req.id, hash: await hashTable(table), correlations });
    }
  } catch (err) {
    scope.postMessage({ id: req.id, error: err instanceof Error ? err.message : String(err) });
  }
};

/** The part's column buffers, moved to the data worker rather than copied. */
function buffersOf(part: TablePart): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const c of part.columns) for (const a of [c.valid, c.values, c.codes]) if (a) out.add(a.buffer as ArrayBuffer);
  return [...out];
}
