/**
 * Choosing the tfjs backend. Browsers: WebGPU → WebGL → WASM → CPU; Node: WASM → CPU. Each backend's code is
 * imported lazily (dynamic import) into a cached promise, so nothing browser-only runs when Node imports this module.
 * 'auto' runs a short measured trial (a few batches of a tiny MLP, through the same forward pass and optimizer as
 * training) on every available backend, checks each result against the CPU backend's, and keeps the fastest correct.
 * If the WebGPU device is lost later, the next backend in order takes over and `onFallback` says so.
 */
import * as tf from '@tensorflow/tfjs';
import { EnclaveError } from '../core/errors.ts';
import { seeded } from '../core/random.ts';
import { forward, initialWeights, layerTensors, makeLayers, type Architecture } from './models/network.ts';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export interface BackendTrial {
  backend: BackendName;
  /** Time of the timed trial batches (after a warm-up); NaN when the backend did not start. */
  ms: number;
  /** Started and matched the CPU backend's result. */
  ok: boolean;
  error?: string;
}

export interface BackendChoice {
  name: BackendName;
  trials: BackendTrial[];
}

export interface FallbackEvent {
  from: BackendName;
  to: BackendName;
  reason: string;
}

export interface BackendOptions {
  /** Called when the chosen backend is lost (a WebGPU device loss) and another one took over. */
  onFallback?: (e: FallbackEvent) => void;
  /** Where the tfjs WASM binaries are served from (a URL prefix ending in "/"); default: bundled with the app. */
  wasmPaths?: string;
}

export const IS_NODE = typeof process !== 'undefined' && !!process.versions?.node && typeof (globalThis as { window?: unknown }).window === 'undefined';

/** The backends worth trying here, in order of preference. */
export function availableBackends(): BackendName[] {
  if (IS_NODE) return ['wasm', 'cpu'];
  const g = globalThis as { navigator?: { gpu?: unknown }; OffscreenCanvas?: unknown; document?: unknown; WebAssembly?: unknown };
  const out: BackendName[] = [];
  if (g.navigator?.gpu) out.push('webgpu');
  if (g.OffscreenCanvas || g.document) out.push('webgl');
  if (g.WebAssembly) out.push('wasm');
  out.push('cpu');
  return out;
}

const registered = new Map<BackendName, Promise<void>>();

async function wasmLocation(opts: BackendOptions): Promise<string | Record<string, string>> {
  if (opts.wasmPaths) return opts.wasmPaths;
  if (IS_NODE) {
    const nodeModule = 'node:module';
    const { createRequire } = (await import(/* @vite-ignore */ nodeModule)) as typeof import('node:module');
    const pkg = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json');
    return pkg.slice(0, pkg.length - 'package.json'.length) + 'dist/';
  }
  // Bundled by Vite as assets of the app (so they work offline, from our own origin).
  const [plain, simd, threaded] = await Promise.all([
    import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url'),
    import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url'),
    import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url'),
  ]);
  return { 'tfjs-backend-wasm.wasm': plain.default, 'tfjs-backend-wasm-simd.wasm': simd.default, 'tfjs-backend-wasm-threaded-simd.wasm': threaded.default };
}

/** Load a backend's code once (cached); webgl and cpu come with @tensorflow/tfjs. */
function register(name: BackendName, opts: BackendOptions): Promise<void> {
  let p = registered.get(name);
  if (!p) {
    p = (async () => {
      if (name === 'webgpu') await import('@tensorflow/tfjs-backend-webgpu');
      if (name === 'wasm') {
        const wasm = await import('@tensorflow/tfjs-backend-wasm');
        wasm.setWasmPaths(await wasmLocation(opts));
      }
    })();
    p.catch(() => registered.delete(name));
    registered.set(name, p);
  }
  return p;
}

async function activate(name: BackendName, opts: BackendOptions): Promise<void> {
  // tfjs in Node suggests installing tfjs-node on first use: not for us (no native code), so quiet.
  if (IS_NODE) tf.env().set('PROD', true);
  await register(name, opts);
  if (!(await tf.setBackend(name))) throw new Error(`the ${name} backend did not start`);
  await tf.ready();
}

/** Trial network: 16 inputs, 32 hidden relu units, 4 classes; 256 rows in batches of 64. */
const TRIAL: Architecture = { sizes: [16, 32, 4], activation: 'relu', dropout: 0, output: 'softmax' };

/** Time `steps` SGD batches (after 2 warm-up ones) on the active backend; returns the final logits of 8 rows. */
async function trialRun(steps = 12): Promise<{ ms: number; out: Float32Array }> {
  const rng = seeded(7);
  const n = 256;
  const X = tf.tensor2d(Float32Array.from({ length: n * 16 }, () => rng.normal()), [n, 16]);
  const Y = tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from({ length: n }, () => rng.int(4)), 'int32'), 4).toFloat());
  const layers = makeLayers(TRIAL, initialWeights(TRIAL, rng), true);
  const vars = layerTensors(layers) as tf.Variable[];
  const opt = tf.train.sgd(0.1);
  const step = (i: number) =>
    tf.tidy(() => {
      const ids = tf.range((i % 4) * 64, (i % 4) * 64 + 64, 1, 'int32');
      const xb = tf.gather(X, ids) as tf.Tensor2D;
      const yb = tf.gather(Y, ids);
      opt.minimize(() => tf.neg(tf.mean(tf.sum(tf.mul(yb, tf.logSoftmax(forward(layers, TRIAL, xb))), 1))) as tf.Scalar, false, vars);
    });
  try {
    for (let i = 0; i < 2; i++) step(i);
    await layers[0].bias.data();
    const t0 = performance.now();
    for (let i = 2; i < 2 + steps; i++) step(i);
    const logits = tf.tidy(() => forward(layers, TRIAL, tf.slice(X, [0, 0], [8, 16]) as tf.Tensor2D));
    const out = (await logits.data()) as Float32Array;
    logits.dispose();
    return { ms: performance.now() - t0, out };
  } finally {
    opt.dispose();
    [X, Y, ...vars].forEach((t) => t.dispose());
  }
}

const close = (a: Float32Array, b: Float32Array, tol = 2e-3) => a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) <= tol * (1 + Math.abs(b[i])));

let current: BackendName | null = null;
let lossWatch: BackendName | null = null;

/** Follow a WebGPU device loss: switch to the next backend in order and tell `onFallback`. */
function watchDeviceLoss(name: BackendName, opts: BackendOptions): void {
  if (name !== 'webgpu' || lossWatch === name) return;
  const device = (tf.backend() as unknown as { device?: { lost?: Promise<{ message?: string; reason?: string }> } }).device;
  if (!device?.lost) return;
  lossWatch = name;
  void device.lost.then(async (info) => {
    lossWatch = null;
    if (current !== 'webgpu' || info.reason === 'destroyed') return;
    const rest = availableBackends().filter((b) => BACKEND_ORDER.indexOf(b) > BACKEND_ORDER.indexOf('webgpu'));
    for (const next of rest) {
      try {
        await activate(next, opts);
        current = next;
        opts.onFallback?.({ from: 'webgpu', to: next, reason: `The GPU device was lost (${info.message || info.reason || 'no reason given'}).` });
        return;
      } catch {
        /* try the next one */
      }
    }
  });
}

const describe = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Start a backend. A named one is tried first, then the ones after it in order; with nothing named, the first
 * available that starts; 'auto' measures every available backend and keeps the fastest whose result is correct.
 */
export async function initBackend(preferred?: BackendName | 'auto', opts: BackendOptions = {}): Promise<BackendChoice> {
  const available = availableBackends();
  const trials: BackendTrial[] = [];
  if (preferred === 'auto') {
    await activate('cpu', opts);
    const reference = (await trialRun(2)).out;
    const measured: { name: BackendName; ms: number }[] = [];
    for (const name of available) {
      try {
        await activate(name, opts);
        const { ms, out } = await trialRun(2);
        // Same steps as the reference first (correctness), then a longer timed run (speed).
        const ok = close(out, reference);
        const timed = ok ? (await trialRun(12)).ms : NaN;
        trials.push({ backend: name, ms: ok ? timed : ms, ok, ...(ok ? {} : { error: 'results differ from the CPU backend' }) });
        if (ok) measured.push({ name, ms: timed });
      } catch (e) {
        trials.push({ backend: name, ms: NaN, ok: false, error: describe(e) });
      }
    }
    measured.sort((a, b) => a.ms - b.ms);
    const best = measured[0]?.name ?? 'cpu';
    await activate(best, opts);
    current = best;
    watchDeviceLoss(best, opts);
    return { name: best, trials };
  }
  if (preferred !== undefined && !BACKEND_ORDER.includes(preferred))
    throw new EnclaveError('invalid-argument', `Unknown backend "${String(preferred)}": use auto, ${BACKEND_ORDER.join(', ')}.`);
  const start = preferred ? BACKEND_ORDER.indexOf(preferred) : 0;
  const order = available.filter((b) => BACKEND_ORDER.indexOf(b) >= start);
  if (preferred && !order.includes(preferred)) trials.push({ backend: preferred, ms: NaN, ok: false, error: 'not available here' });
  for (const name of order) {
    try {
      await activate(name, opts);
      trials.push({ backend: name, ms: NaN, ok: true });
      current = name;
      watchDeviceLoss(name, opts);
      return { name, trials };
    } catch (e) {
      trials.push({ backend: name, ms: NaN, ok: false, error: describe(e) });
    }
  }
  throw new EnclaveError('internal', `No tfjs backend could start: ${trials.map((t) => `${t.backend}: ${t.error}`).join('; ')}.`);
}

/** The active backend's name, as tfjs reports it. */
export function activeBackend(): string {
  return tf.getBackend();
}
