/**
 * The import helper: the parts of an import that can run beside the profile, on a thread (and core) of their own —
 * the content hash (crypto.subtle.digest runs on the calling thread in Chromium) and the correlation matrix. The data
 * worker hands the table over (its columns copied into SharedArrayBuffers, or cloned) and profiles the rest meanwhile.
 * One message in ({ table, correlate: column indexes }), one out ({ hash, correlations } or { error }).
 */
import { hashTable } from '../src/lib/core/hash.ts';
import { pearsonMatrix } from '../src/lib/core/profile/correlation.ts';
import type { NumericColumn, Table } from '../src/lib/core/table.ts';

export interface HelperRequest {
  table: Table;
  correlate: number[];
}

const scope = self as unknown as { onmessage: ((e: MessageEvent<HelperRequest>) => void) | null; postMessage(m: unknown): void };

scope.onmessage = async (e) => {
  try {
    const { table, correlate } = e.data;
    const correlations = pearsonMatrix(correlate.map((i) => table.columns[i] as NumericColumn), table.rowCount);
    scope.postMessage({ hash: await hashTable(table), correlations });
  } catch (err) {
    scope.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
};
