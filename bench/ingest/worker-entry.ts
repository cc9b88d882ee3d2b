/**
 * Runs inside a dedicated Worker in Chromium (bundled by bench/ingest/worker-stages.ts): the studio's import
 * pipeline, stage by stage, with a timer around each — the same calls as src/lib/jobs/import-job.ts, except that
 * profiling is also repeated piece by piece (each column, duplicate rows, correlations) to time every piece.
 */
import { readTable } from '../../src/lib/core/io/index.ts';
import { hashTable } from '../../src/lib/core/hash.ts';
import { profileTable } from '../../src/lib/core/profile.ts';
import { profileBoolean, profileIdentifier, profileString } from '../../src/lib/core/profile/categorical.ts';
import { pearsonMatrix } from '../../src/lib/core/profile/correlation.ts';
import { duplicateRows } from '../../src/lib/core/profile/duplicates.ts';
import { firstAppearance } from '../../src/lib/core/profile/first-appearance.ts';
import { profileNumeric } from '../../src/lib/core/profile/numeric.ts';
import type { NumericColumn } from '../../src/lib/core/table.ts';
import { createDb } from '../../src/lib/store/db.ts';
import { saveImport, toChunks } from '../../src/lib/store/tables.ts';
import { autoChunks } from '../../src/lib/store/chunk-backing.ts';
import { indexedDbChunks, setChunkStore } from '../../src/lib/store/chunk-store.ts';
import { loadTable } from '../../src/lib/store/load-table.ts';

export interface StageTimings {
  ok: boolean;
  error?: string;
  rows?: number;
  /** [stage, milliseconds, detail] in the order run. */
  timings: [string, number, string][];
}

const scope = self as unknown as { onmessage: ((e: MessageEvent) => void) | null; postMessage(m: unknown): void };

scope.onmessage = async (e: MessageEvent<{ file: File; papa: boolean }>) => {
  const timings: StageTimings['timings'] = [];
  const time = async <T>(name: string, fn: () => Promise<T> | T, detail = ''): Promise<T> => {
    const t0 = performance.now();
    const r = await fn();
    timings.push([name, performance.now() - t0, detail]);
    return r;
  };
  try {
    const { file, papa } = e.data;
    const { table, format, warnings } = await time('read (fast engine)', () => readTable(file, { engine: 'fast' }));
    if (papa) await time('read (papa engine, for comparison)', () => readTable(file, { engine: 'papa' }));
    const hash = await time('hash', () => hashTable(table));
    for (const c of table.columns) await time(`  hash ${c.name} alone`, () => hashTable({ rowCount: table.rowCount, columns: [c] }), c.kind);
    // Two parts of the hash, timed alone: canonical string codes (first appearance), and SHA-256 over as many bytes.
    await time('  hash: firstAppearance, string columns', () => { for (const c of table.columns) if (c.kind === 'string') firstAppearance(c, table.rowCount); });
    const canonical = table.columns.reduce((s, c) => s + table.rowCount * (c.kind === 'numeric' ? 9 : 5), 0);
    await time('  hash: SHA-256 alone', async () => {
      const piece = new Uint8Array(16 << 20);
      for (let left = canonical; left > 0; left -= piece.length) await crypto.subtle.digest('SHA-256', piece.subarray(0, Math.min(left, piece.length)));
    }, `${(canonical / 2 ** 20).toFixed(0)} MiB in 16 MiB pieces`);
    const profile = await time('profile', () => profileTable(table));
    const n = table.rowCount;
    for (const col of table.columns) {
      await time(`  profile ${col.name}`, () => {
        if (col.kind === 'string') profileString(col, n, 10);
        else if (col.type === 'boolean') profileBoolean(col, n, 10);
        else if (col.type === 'identifier') profileIdentifier(col, n, 10);
        else profileNumeric(col as NumericColumn & { type: 'integer' | 'float' | 'datetime' }, n, 20);
      }, col.type);
    }
    await time('  profile duplicate rows', () => duplicateRows(table));
    const measured = table.columns.filter((c): c is NumericColumn => c.kind === 'numeric' && (c.type === 'integer' || c.type === 'float'));
    await time('  profile correlations', () => pearsonMatrix(measured, n), `${measured.length} columns`);
    const input = { datasetName: 'bench', source: { fileName: file.name, size: file.size, lastModified: file.lastModified, format }, table, hash, profile, warnings };
    await time('  save: toChunks alone (views, no copy)', () => void toChunks(hash, table));
    const db = createDb(`bench-ingest-${crypto.randomUUID()}`);
    setChunkStore(db, indexedDbChunks(db));
    await time('save (IndexedDB)', () => saveImport(db, input));
    await time('  load back (IndexedDB)', () => loadTable(db, hash));
    await db.delete();
    // The studio's choice where OPFS works (src/lib/store/chunk-backing.ts): one file per version.
    const files = createDb(`bench-ingest-opfs-${crypto.randomUUID()}`);
    setChunkStore(files, autoChunks(files));
    await time('save (OPFS files)', () => saveImport(files, input));
    await time('  load back (OPFS files)', () => loadTable(files, hash));
    await files.delete();
    scope.postMessage({ ok: true, rows: n, timings } satisfies StageTimings);
  } catch (err) {
    scope.postMessage({ ok: false, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err), timings } satisfies StageTimings);
  }
};
