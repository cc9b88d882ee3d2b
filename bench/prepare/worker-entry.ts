/**
 * Runs inside a dedicated module Worker in Chromium (bundled by bench/prepare/run.ts): reads the CSV into a Table
 * once (readTable, fast engine, not timed as part of the prepare), then times prepareTable `runs` times, then (unless
 * told not to) times the same work piece by piece (pipeline.ts). Progress goes out as { log } messages.
 */
import { readTable } from '../../src/lib/core/io/index.ts';
import { breakdown, timePrepare, type PrepareTiming, type Timings } from './pipeline.ts';

export interface WorkerRequest {
  file: File;
  runs: number;
  breakdown: boolean;
}

export interface WorkerResult {
  ok: boolean;
  error?: string;
  readMs?: number;
  rows?: number;
  columnTypes?: string[];
  runs: PrepareTiming[];
  breakdown: Timings;
  userAgent: string;
  cores: number;
  /** crossOriginIsolated: the page is served with COOP/COEP as in production. */
  isolated: boolean;
}

const scope = self as unknown as { onmessage: ((e: MessageEvent) => void) | null; postMessage(m: unknown): void; gc?: () => void };
const log = (text: string) => scope.postMessage({ log: text });

scope.onmessage = async (e: MessageEvent<WorkerRequest>) => {
  const result: WorkerResult = {
    ok: false, runs: [], breakdown: [], userAgent: navigator.userAgent, cores: navigator.hardwareConcurrency, isolated: self.crossOriginIsolated,
  };
  try {
    const { file, runs } = e.data;
    const t0 = performance.now();
    const { table } = await readTable(file, { engine: 'fast' });
    result.readMs = performance.now() - t0;
    result.rows = table.rowCount;
    result.columnTypes = table.columns.map((c) => `${c.name}:${c.type}`);
    log(`read ${table.rowCount.toLocaleString('en')} rows in ${(result.readMs / 1000).toFixed(2)} s (not timed): ${result.columnTypes.join(' ')}`);
    for (let i = 1; i <= runs; i++) {
      scope.gc?.(); // Chromium started with --js-flags=--expose-gc: each run starts from a collected heap
      const r = timePrepare(table);
      result.runs.push(r);
      log(`run ${i}/${runs}: prepareTable ${(r.totalMs / 1000).toFixed(2)} s (split ${r.splitMs.toFixed(0)} + fit ${r.fitMs.toFixed(0)} + apply ${r.applyMs.toFixed(0)} + validate ${r.validateMs.toFixed(0)} ms; pipeline alone ${(r.pipelineMs / 1000).toFixed(2)} s)`);
    }
    if (e.data.breakdown) {
      scope.gc?.();
      log('breakdown: the same work piece by piece ...');
      result.breakdown = breakdown(table);
    }
    result.ok = true;
  } catch (err) {
    result.error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  }
  scope.postMessage({ result });
};
