/**
 * Runs inside a dedicated module Worker in Chromium (bundled by bench/train/run.ts): starts one tfjs backend, then
 * trains the studio's MLP (trainModel, the app's own loop) on the benchmark data: one warm-up epoch (shader
 * compilation, wasm start-up, first allocations), then `runs` timed trainings of 3 epochs. With `profile`, it also
 * looks at where an epoch's time goes (profile.ts). Progress goes out as { log } messages.
 *
 * Backends: 'webgpu' | 'webgl' | 'wasm' | 'cpu' go through the app's initBackend and train as the app does (so 'wasm'
 * trains with Enclave's WebAssembly SIMD kernels, src/lib/ml/native); 'wasm-tfjs' is the same wasm backend with the
 * tfjs training loop instead (engine 'tfjs'), for comparison.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName } from '../../src/lib/ml/backend.ts';
import type { Dataset } from '../../src/lib/ml/matrix.ts';
import { trainModel } from '../../src/lib/ml/train.ts';
import { loadDenseKernels } from '../../src/lib/ml/native/dense.ts';
import { mlpSpec, profileTraining, type Profile } from './profile.ts';

export type BenchBackend = BackendName | 'wasm-tfjs';

export interface WorkerRequest {
  backend: BenchBackend;
  /** Where the benchmark file is served (float32 X then int32 y, see generate.ts); fetched, not timed. */
  dataUrl: string;
  n: number;
  d: number;
  runs: number;
  epochs: number;
  batchSize: number;
  profile: boolean;
  /** URL prefix (ending in "/") of the tfjs WASM binaries. */
  wasmPaths: string;
}

export interface TimedRun { seconds: number; epochMs: number[]; loss: number; accuracy: number }

export interface WorkerResult {
  ok: boolean;
  error?: string;
  /** tf.getBackend() once started. */
  active?: string;
  /** What the backend runs on: GPU adapter / WebGL renderer, WASM SIMD and threads. */
  detail?: string;
  warmupSeconds?: number;
  runs: TimedRun[];
  profile?: Profile;
  userAgent: string;
  cores: number;
  isolated: boolean;
}

const scope = self as unknown as { onmessage: ((e: MessageEvent) => void) | null; postMessage(m: unknown): void; gc?: () => void };
const log = (text: string) => scope.postMessage({ log: text });

async function start(backend: BenchBackend, wasmPaths: string): Promise<void> {
  const name = backend === 'wasm-tfjs' ? 'wasm' : backend;
  const choice = await initBackend(name, { wasmPaths });
  if (choice.name !== name) throw new Error(`${backend} did not start (${choice.trials.map((t) => `${t.backend}: ${t.error ?? 'ok'}`).join('; ')})`);
}

/** The training engine each bench backend asks for. */
const engineOf = (backend: BenchBackend) => (backend === 'wasm-tfjs' ? 'tfjs' : 'auto');

async function describe(backend: BenchBackend): Promise<string> {
  const parts: string[] = [];
  if (backend === 'webgpu') {
    const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: Record<string, string> } | null> } }).gpu;
    const info = (await gpu?.requestAdapter())?.info;
    if (info) parts.push(`adapter ${['vendor', 'architecture', 'device', 'description'].map((k) => info[k]).filter(Boolean).join(' / ')}`);
  }
  if (backend === 'webgl') {
    const gl = (tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } }).gpgpu?.gl;
    if (gl) {
      const ext = gl.getExtension('WEBGL_debug_renderer_info');
      parts.push(`WebGL ${tf.env().getNumber('WEBGL_VERSION')}: ${ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER)}`);
    }
  }
  if (backend.startsWith('wasm')) {
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const pt = (tf.backend() as unknown as { wasm: { PThread?: { runningWorkers?: unknown[] } } }).wasm.PThread;
    parts.push(`tfjs-wasm SIMD ${simd}, threads ${threads} (XNNPACK threads: ${wasm.getThreadsCount()}${pt ? `, running pthreads ${pt.runningWorkers?.length}` : ''})`);
  }
  if (backend === 'wasm') {
    const kernels = await loadDenseKernels();
    parts.push(kernels ? `trained by Enclave's WebAssembly SIMD kernels (${kernels.fma ? 'relaxed-SIMD FMA' : 'plain SIMD'})` : 'native kernels unavailable: tfjs loop');
  }
  return parts.join('; ');
}

scope.onmessage = async (e: MessageEvent<WorkerRequest>) => {
  const q = e.data;
  const result: WorkerResult = { ok: false, runs: [], userAgent: navigator.userAgent, cores: navigator.hardwareConcurrency, isolated: self.crossOriginIsolated };
  try {
    await start(q.backend, q.wasmPaths);
    result.active = tf.getBackend();
    result.detail = await describe(q.backend);
    log(`${q.backend}: started (${result.active}${result.detail ? `; ${result.detail}` : ''})`);
    const buf = await (await fetch(q.dataUrl)).arrayBuffer();
    const data: Dataset = {
      X: new Float32Array(buf, 0, q.n * q.d), n: q.n, d: q.d, y: new Int32Array(buf, q.n * q.d * 4, q.n),
      shape: { task: 'classification', features: Array.from({ length: q.d }, (_, j) => `x${j + 1}`), classNames: ['0', '1'] },
    };
    let t0 = performance.now();
    (await trainModel(mlpSpec(1, q.batchSize), data, { seed: 1, engine: engineOf(q.backend) })).model.dispose();
    result.warmupSeconds = (performance.now() - t0) / 1000;
    log(`${q.backend}: warm-up epoch ${result.warmupSeconds.toFixed(2)} s`);
    for (let i = 1; i <= q.runs; i++) {
      scope.gc?.();
      const marks: number[] = [];
      t0 = performance.now();
      const out = await trainModel(mlpSpec(q.epochs, q.batchSize), data, { seed: 42, engine: engineOf(q.backend), onEpoch: () => marks.push(performance.now()) });
      if (q.backend === 'wasm' && out.engine !== 'native') throw new Error(`wasm trained with ${out.engine}, not the native kernels`);
      const seconds = (performance.now() - t0) / 1000;
      out.model.dispose();
      const last = out.history.at(-1)!;
      if (out.epochs !== q.epochs) throw new Error(`ran ${out.epochs} epochs, not ${q.epochs}`);
      const epochMs = marks.map((m, j) => m - (j ? marks[j - 1] : t0));
      result.runs.push({ seconds, epochMs, loss: last.loss, accuracy: last.metric });
      log(`${q.backend}: run ${i}/${q.runs}: ${seconds.toFixed(3)} s = ${((q.epochs * q.n) / seconds).toFixed(0)} samples/s ` +
        `(epochs ${epochMs.map((m) => m.toFixed(0)).join(' / ')} ms; loss ${last.loss.toFixed(4)}, train accuracy ${(last.metric * 100).toFixed(1)}%)`);
    }
    if (q.profile) {
      log(`${q.backend}: profiling ...`);
      result.profile = await profileTraining(data, q.batchSize, log);
    }
    result.ok = true;
  } catch (err) {
    result.error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  }
  scope.postMessage({ result });
};
