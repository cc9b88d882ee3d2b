/**
 * The import helper: the parts of an import that can run beside the data worker's, on a thread (and core) of their
 * own. While the data worker reads the start of a large CSV, this reads the rest ('part'); while it profiles the
 * table, this computes the correlation matrix ('correlate', which also hands the table over) and then hashes it
 * ('hash': crypto.subtle.digest runs on the calling thread in Chromium). Each request carries an id, and is answered
 * with { id, ... } or { id, error }.
 */
import { parseCsvPart } from '../src/lib/core/io/csv-fast.ts';
import type { TablePart } from '../src/lib/core/io/assemble.ts';
import { hashTable } from '../src/lib/core/hash.ts';
import { pearsonMatrix } from '../src/lib/core/profile/correlation.ts';
import type { NumericColumn, Table } from '../src/lib/core/table.ts';

export type HelperRequest =
  | { id: number; type: 'part'; file: File; start: number; delimiter: string; names: string[] }
  | { id: number; type: 'correlate'; table: Table; correlate: number[] }
  | { id: number; type: 'hash' };

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<HelperRequest>) => void) | null;
  postMessage(m: unknown, transfer?: Transferable[]): void;
};

/** The table of the last 'correlate' request, which the 'hash' request that follows it hashes. */
let table: Table | null = null;

scope.onmessage = async (e) => {
  const req = e.data;
  try {
    if (req.type === 'part') {
      const blob = req.file.slice(req.start);
      const source = { name: req.file.name, size: blob.size, stream: () => blob.stream() };
      const part = await parseCsvPart(source, req.delimiter, req.names);
      scope.postMessage({ id: req.id, part }, buffersOf(part));
    } else if (req.type === 'correlate') {
      table = req.table;
      const correlations = pearsonMatrix(req.correlate.map((i) => req.table.columns[i] as NumericColumn), req.table.rowCount);
      scope.postMessage({ id: req.id, correlations });
    } else {
      if (!table) throw new Error('no table to hash');
      const hash = await hashTable(table);
      table = null;
      scope.postMessage({ id: req.id, hash });
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
