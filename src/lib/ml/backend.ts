/**
 * Choosing the tfjs backend. Browsers: WebGPU → WebGL → WASM → CPU; Node: WASM → CPU. Each backend's code is
 * imported lazily (dynamic import) into a cached promise, so nothing browser-only runs when Node imports this module.
 * 'auto' runs a short measured trial (backend-trial.ts) on every available backend and keeps the fastest correct one;
 * that choice is remembered for the worker's life and, through the caller's store, per device and browser version
 * (backend-memory.ts), so later jobs start it at once.
 * A WebGPU device can be lost later (driver reset, GPU removed, the browser reclaiming it): `deviceLoss` reports it,
 * a job in flight goes on with `fallbackFrom` (see fallback.ts), and the next activation of webgpu starts a fresh device.
 */
import * as tf from '@tensorflow/tfjs';
import { EnclaveError } from '../core/errors.ts';
import { BACKEND_ORDER, backendLabel, type BackendName } from './backend-label.ts';
import { recallBackend, type BackendMemory, type RememberedBackend } from './backend-memory.ts';
import { measureBackends, type Measure } from './backend-trial.ts';
import { deviceKey } from './device-key.ts';

export { BACKEND_ORDER, type BackendName };

export interface BackendTrial {
  backend: BackendName;
  /** Time of the timed trial (after a warm-up); null when not measured (no 'auto' trial, or it did not start). */
  ms: number | null;
  /** Started and matched the CPU backend's result. */
  ok: boolean;
  error?: string;
}

export interface BackendChoice {
  name: BackendName;
  /** 'auto': the measurement behind the choice (a remembered choice's own, from when it was measured). */
  trials: BackendTrial[];
  /** 'auto' only: measured now, or remembered by this worker or by the caller's store. */
  source?: 'measured' | 'worker' | 'stored';
  /** 'auto' only: why a remembered choice was not used, or that the new one could not be saved (the choice stands). */
  note?: string;
}

/** A backend whose device was lost, and the browser's words for why. */
export interface DeviceLoss {
  backend: BackendName;
  reason: string;
}

/** A job moved from a lost (or non-finite) backend to another one. */
export interface FallbackEvent {
  from: BackendName;
  to: BackendName;
  /** The browser's words for a loss; the error's message for non-finite values. */
  reason: string;
  /** Why it moved: the device was lost (the default), or training produced NaN or ±Infinity there. */
  cause?: 'device-lost' | 'non-finite';
  /** Non-finite: the epoch it happened at. */
  epoch?: number;
}

export interface BackendOptions {
  /** Where the tfjs WASM binaries are served from (a URL prefix ending in "/"); default: bundled with the app. */
  wasmPaths?: string;
  /** 'auto': where the measured choice persists between workers and visits (the app's settings table). */
  memory?: BackendMemory;
  /** 'auto': measure again even if a choice is remembered (and remember the new one). */
  remeasure?: boolean;
  /** 'auto': this device and browser (default: deviceKey()); a choice remembered under another key is measured again. */
  deviceKey?: string;
  /** 'auto': the measurement (default: the trial of backend-trial.ts; tests count calls with a fake). */
  measure?: Measure;
  /**
   * 'auto': called as the measurement starts each backend (the CPU reference first, then every available one), so a
   * first job's several-second trial says which backend it measures and how far it is.
   */
  onMeasure?: (p: { backend: BackendName; done: number; total: number }) => void;
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
        // Threaded SIMD when the page is cross-origin isolated (tfjs checks). Its pthread workers are started from the
        // factory's own source text, so the workers are bundled unminified (vite.config.ts).
        wasm.setWasmPaths(await wasmLocation(opts));
      }
    })();
    p.catch(() => registered.delete(name));
    registered.set(name, p);
  }
  return p;
}

type GpuDevice = { lost: Promise<{ message?: string; reason?: string }>; destroy(): void };

/** The tfjs webgpu backend's device, if that backend has started. */
function gpuDevice(): GpuDevice | undefined {
  return (tf.engine().registry.webgpu as unknown as { device?: GpuDevice } | undefined)?.device;
}

const losses = new WeakMap<GpuDevice, Promise<DeviceLoss>>();
/** Devices known lost: the webgpu backend holding one is replaced on its next activation. */
const lostDevices = new WeakSet<GpuDevice>();
/** Devices our own code destroyed on purpose: that is not a loss. */
const released = new WeakSet<GpuDevice>();

/**
 * A device's loss, watched once. `lost` resolving with reason 'destroyed' counts too: tfjs never destroys its device,
 * so unless we did (`released`), someone else did (the browser, an extension, a test) and the device is gone all the same.
 */
function watch(device: GpuDevice): Promise<DeviceLoss> {
  let loss = losses.get(device);
  if (!loss) {
    loss = device.lost.then((info) => {
      if (released.has(device)) return new Promise<never>(() => undefined);
      lostDevices.add(device);
      return { backend: 'webgpu' as const, reason: (info.message || info.reason || 'no reason given').replace(/\.$/, '') };
    });
    losses.set(device, loss);
  }
  return loss;
}

/** Replace a webgpu backend whose device was lost: destroy it (on purpose), and register the factory afresh. */
function dropWebgpu(device: GpuDevice): void {
  released.add(device);
  device.destroy();
  const factory = tf.findBackendFactory('webgpu');
  try {
    tf.removeBackend('webgpu');
  } finally {
    if (!tf.engine().registryFactory.webgpu) tf.registerBackend('webgpu', factory);
  }
}

async function activate(name: BackendName, opts: BackendOptions): Promise<void> {
  // tfjs in Node suggests installing tfjs-node on first use: not for us (no native code), so quiet.
  if (IS_NODE) tf.env().set('PROD', true);
  await register(name, opts);
  const stale = name === 'webgpu' ? gpuDevice() : undefined;
  if (stale && lostDevices.has(stale)) dropWebgpu(stale);
  if (!(await tf.setBackend(name))) throw new Error(`the ${name} backend did not start`);
  await tf.ready();
  const device = name === 'webgpu' ? gpuDevice() : undefined;
  if (device?.lost) void watch(device);
}

let current: BackendName | null = null;
let lastOptions: BackendOptions = {};
/** The choice 'auto' made (measured or recalled) in this worker: later 'auto' calls start it without measuring. */
let chosen: RememberedBackend | null = null;

/** Resolves when the active backend's device is lost (WebGPU only); null when the active backend has none to lose. */
export function deviceLoss(): Promise<DeviceLoss> | null {
  const device = current === 'webgpu' && tf.getBackend() === 'webgpu' ? gpuDevice() : undefined;
  return device?.lost ? watch(device) : null;
}

/** After `lost` lost its device: start the next backend in order (or a later one, if that one does not start). */
export async function fallbackFrom(lost: BackendName): Promise<BackendName> {
  const next = BACKEND_ORDER[BACKEND_ORDER.indexOf(lost) + 1];
  if (!next) throw new EnclaveError('internal', `No backend comes after ${lost}.`);
  await forgetFailed(lost, lastOptions.memory);
  return (await initBackend(next, lastOptions)).name;
}

/**
 * The remembered choice lost its device or went non-finite: the next 'auto' measures again rather than keep choosing
 * a backend that fails (the trial also checks correctness). Marked in the store too, for the next worker.
 */
async function forgetFailed(lost: BackendName, memory: BackendMemory | undefined): Promise<void> {
  if (chosen?.name !== lost) return;
  const failed: RememberedBackend = { ...chosen, failed: true };
  chosen = null;
  try {
    await memory?.write(failed);
  } catch {
    // The job goes on regardless; a stale store at worst costs one failed start, which also measures again.
  }
}

const describe = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Start a backend. A named one is tried first, then the ones after it in order; with nothing named, the first
 * available that starts; 'auto' measures every available backend and keeps the fastest whose result is correct.
 */
export async function initBackend(preferred?: BackendName | 'auto', opts: BackendOptions = {}): Promise<BackendChoice> {
  lastOptions = opts;
  const available = availableBackends();
  const trials: BackendTrial[] = [];
  if (preferred === 'auto') return autoBackend(available, opts);
  if (preferred !== undefined && !BACKEND_ORDER.includes(preferred))
    throw new EnclaveError('invalid-argument', `Unknown backend "${String(preferred)}": use auto, ${BACKEND_ORDER.join(', ')}.`);
  const start = preferred ? BACKEND_ORDER.indexOf(preferred) : 0;
  const order = available.filter((b) => BACKEND_ORDER.indexOf(b) >= start);
  if (preferred && !order.includes(preferred)) trials.push({ backend: preferred, ms: null, ok: false, error: 'not available here' });
  for (const name of order) {
    try {
      await activate(name, opts);
      trials.push({ backend: name, ms: null, ok: true });
      current = name;
      return { name, trials };
    } catch (e) {
      trials.push({ backend: name, ms: null, ok: false, error: describe(e) });
    }
  }
  throw new EnclaveError('internal', `No tfjs backend could start: ${trials.map((t) => `${t.backend}: ${t.error}`).join('; ')}.`);
}

/**
 * 'auto': the remembered choice when there is one for this device (this worker's, else the store's), started at once;
 * otherwise (or asked to remeasure, or it does not start) a measurement, which is then remembered.
 */
async function autoBackend(available: BackendName[], opts: BackendOptions): Promise<BackendChoice> {
  const device = opts.deviceKey ?? (await deviceKey(IS_NODE));
  const notes: string[] = [];
  if (!opts.remeasure) {
    let source: 'worker' | 'stored' = 'worker';
    let remembered = chosen?.device === device ? chosen : null;
    if (!remembered && opts.memory) {
      source = 'stored';
      let stored: unknown;
      try {
        stored = await opts.memory.read();
      } catch (e) {
        notes.push(`The remembered backend choice could not be read (${describe(e)}); measured again.`);
      }
      const recall = recallBackend(stored, device, available);
      if (recall.remembered) remembered = recall.remembered;
      else if (recall.why) notes.push(recall.why);
    }
    if (remembered) {
      try {
        await activate(remembered.name, opts);
        current = remembered.name;
        chosen = remembered;
        return { name: remembered.name, trials: remembered.trials.map((t) => ({ ...t })), source };
      } catch (e) {
        notes.push(`The remembered backend (${backendLabel(remembered.name)}) did not start (${describe(e)}); measured again.`);
      }
    }
  }
  // The measurement starts the CPU reference, then each available backend: one step each.
  let started = 0;
  const start = (b: BackendName) => {
    opts.onMeasure?.({ backend: b, done: started, total: available.length + 1 });
    started++;
    return activate(b, opts);
  };
  const { name, trials } = await (opts.measure ?? measureBackends)(available, start);
  await activate(name, opts);
  current = name;
  chosen = { version: 1, device, name, trials: trials.map((t) => ({ ...t })), measuredAt: Date.now() };
  try {
    await opts.memory?.write(chosen);
  } catch (e) {
    notes.push(`The backend choice could not be saved (${describe(e)}); the next worker measures again.`);
  }
  return { name, trials, source: 'measured', ...(notes.length ? { note: notes.join(' ') } : {}) };
}

/** The active backend's name, as tfjs reports it. */
export function activeBackend(): string {
  return tf.getBackend();
}
