/**
 * Runs inside a dedicated module Worker in Chromium (bundled by bench/predict/run.ts): starts one tfjs backend through
 * the app's initBackend, reads the CSV into a Table (readTable, fast engine: not timed), loads the saved model as the
 * app does (modelFromJSON), then times predictTable on the whole Table — the fitted recipe in predict mode, the feature
 * matrix, the forward pass in 8,192-row batches, the probabilities read back and shaped per row — once untimed
 * (warm-up: JIT, XNNPACK operator set-up) and then `runs` times. Last, the same work piece by piece (breakdown.ts).
 * Progress goes out as { log } messages.
 */
import * as tf from '@tensorflow/tfjs';
import { readTable } from '../../src/lib/core/io/index.ts';
import { initBackend, type BackendName } from '../../src/lib/ml/backend.ts';
import { modelFromJSON } from '../../src/lib/ml/train.ts';
import { predictTable, type ModelCard } from '../../src/lib/services/predict.ts';
import { breakdown, type Breakdown } from './breakdown.ts';

export interface WorkerRequest {
  backend: BackendName;
  file: File;
  /** The saved model (SavedModel JSON) and its card, as bench/predict/model.ts wrote them. */
  model: unknown;
  card: ModelCard;
  runs: number;
  /** How many leading rows' probabilities to send back for the comparison with scikit-learn. */
  checkRows: number;
  breakdown: boolean;
  /** URL prefix (ending in "/") of the tfjs WASM binaries. */
  wasmPaths: string;
}

export interface WorkerResult {
  ok: boolean;
  error?: string;
  active?: string;
  detail?: string;
  readSeconds?: number;
  rows?: number;
  columnTypes?: string[];
  warmupSeconds?: number;
  /** Seconds of each timed predictTable call. */
  runs: number[];
  /** Row-major checkRows × classes probabilities of the first rows (from the last timed run). */
  head?: number[];
  classNames?: string[];
  /** Share of rows predicted as each class (a sanity check that the whole table was scored). */
  predictedShare?: number[];
  breakdown?: Breakdown;
  userAgent: string;
  cores: number;
  isolated: boolean;
}

const scope = self as unknown as { onmessage: ((e: MessageEvent) => void) | null; postMessage(m: unknown): void; gc?: () => void };
const log = (text: string) => scope.postMessage({ log: text });

async function describe(backend: BackendName): Promise<string> {
  if (backend !== 'wasm') return '';
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  return `tfjs-wasm SIMD ${simd}, threads ${threads} (XNNPACK threads: ${wasm.getThreadsCount()})`;
}

scope.onmessage = async (e: MessageEvent<WorkerRequest>) => {
  const q = e.data;
  const result: WorkerResult = { ok: false, runs: [], userAgent: navigator.userAgent, cores: navigator.hardwareConcurrency, isolated: self.crossOriginIsolated };
  try {
    const choice = await initBackend(q.backend, { wasmPaths: q.wasmPaths });
    if (choice.name !== q.backend) throw new Error(`${q.backend} did not start (${choice.trials.map((t) => `${t.backend}: ${t.error ?? 'ok'}`).join('; ')})`);
    result.active = tf.getBackend();
    result.detail = await describe(q.backend);
    let t0 = performance.now();
    const { table } = await readTable(q.file, { engine: 'fast' });
    result.readSeconds = (performance.now() - t0) / 1000;
    result.rows = table.rowCount;
    result.columnTypes = table.columns.map((c) => `${c.name}:${c.type}`);
    log(`${q.backend}: read ${table.rowCount.toLocaleString('en')} rows in ${result.readSeconds.toFixed(2)} s (not timed): ${result.columnTypes.join(' ')}`);
    const model = modelFromJSON(q.model);
    try {
      t0 = performance.now();
      await predictTable(model, q.card, table);
      result.warmupSeconds = (performance.now() - t0) / 1000;
      log(`${q.backend}: warm-up predictTable ${result.warmupSeconds.toFixed(3)} s`);
      for (let i = 1; i <= q.runs; i++) {
        scope.gc?.(); // Chromium started with --js-flags=--expose-gc: each run starts from a collected heap
        t0 = performance.now();
        const out = await predictTable(model, q.card, table);
        const seconds = (performance.now() - t0) / 1000;
        result.runs.push(seconds);
        log(`${q.backend}: run ${i}/${q.runs}: predictTable ${seconds.toFixed(3)} s = ${Math.round(table.rowCount / seconds).toLocaleString('en')} rows/s`);
        if (i === q.runs) {
          const classes = q.card.classNames ?? [];
          result.classNames = classes;
          result.head = out.probabilities!.slice(0, q.checkRows).flat();
          const counts = new Map(classes.map((c) => [c, 0]));
          for (const p of out.predictions) counts.set(String(p), (counts.get(String(p)) ?? 0) + 1);
          result.predictedShare = classes.map((c) => counts.get(c)! / out.predictions.length);
        }
      }
      if (q.breakdown) {
        scope.gc?.();
        log(`${q.backend}: breakdown: the same work piece by piece ...`);
        result.breakdown = await breakdown(model, q.card, table, () => scope.gc?.());
      }
    } finally {
      model.dispose();
    }
    result.ok = true;
  } catch (err) {
    result.error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  }
  scope.postMessage({ result });
};
