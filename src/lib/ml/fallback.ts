/**
 * Finishing a job when its backend's device is lost part-way (a WebGPU device loss). The job's tensors live on the
 * lost device, so it cannot go on there: it is stopped, the next backend in order starts, and the job runs again from
 * the start on it (same inputs, same seed: deterministic, and the result names the backend that produced it). Any other
 * error, and cancellation, pass through unchanged and are never retried.
 */
import { EnclaveError, throwIfAborted } from '../core/errors.ts';
import { BACKEND_ORDER, deviceLoss, fallbackFrom, type BackendName, type DeviceLoss, type FallbackEvent } from './backend.ts';

/** How the fallback sees the backends (backend.ts in the app; a fake in tests). */
export interface BackendControl {
  /** Resolves when the active backend's device is lost; null when it has none to lose. */
  loss(): Promise<DeviceLoss> | null;
  /** Start the backend after `lost` in order (or a later one); its name. */
  next(lost: BackendName): Promise<BackendName>;
}

export interface Attempt {
  /** The backend this attempt runs on. */
  backend: BackendName;
  /** Aborted when the job is cancelled, and when the device is lost (the attempt should stop: it is discarded). */
  signal: AbortSignal;
}

export interface FallbackOptions<T> {
  /** The backend active now (initBackend's choice). */
  backend: BackendName;
  signal?: AbortSignal;
  /** Told before each restart. */
  onFallback?: (e: FallbackEvent) => void;
  /** Frees a result that an attempt returned although its device was lost meanwhile (it is not used). */
  discard?: (result: T) => void;
  control?: BackendControl;
  /** After an error on a backend that can lose its device: how long to wait for the loss to be reported (ms). */
  graceMs?: number;
  /** After a loss: how long a stopped attempt may take to end before the next one starts regardless (ms). */
  settleMs?: number;
}

const appControl: BackendControl = { loss: deviceLoss, next: fallbackFrom };

const LABELS: Record<BackendName, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' };

/** What to tell the person: "The GPU device was lost (…); training restarted on WebGL." */
export function fallbackNote(e: FallbackEvent, job = 'training'): string {
  const device = e.from === 'webgpu' ? 'GPU device' : `${LABELS[e.from]} backend`;
  return `The ${device} was lost (${e.reason}); ${job} restarted on ${LABELS[e.to]}.`;
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };
const settle = <T>(p: Promise<T>): Promise<Settled<T>> => p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
/** `p`, or 'timeout' after `ms` (the timer cleared either way). */
async function within<R>(p: Promise<R>, ms: number): Promise<R | 'timeout'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([p, new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Run `fn` on the active backend; on a device loss, again from the start on the next backend. */
export async function withBackendFallback<T>(fn: (a: Attempt) => Promise<T>, opts: FallbackOptions<T>): Promise<{ result: T; backend: BackendName }> {
  const control = opts.control ?? appControl;
  const { signal, graceMs = 1000, settleMs = 10_000 } = opts;
  let backend = opts.backend;
  for (let attempt = 0; ; attempt++) {
    throwIfAborted(signal);
    const stop = new AbortController();
    const cancel = () => stop.abort();
    signal?.addEventListener('abort', cancel, { once: true });
    let loss: DeviceLoss | null = null;
    const watched = control.loss();
    const noticed = watched?.then((l) => {
      loss = l;
      stop.abort();
      return 'lost' as const;
    });
    try {
      const running = settle((async () => fn({ backend, signal: stop.signal }))());
      let outcome: Settled<T> | 'lost' | 'timeout' = await (noticed ? Promise.race([running, noticed]) : running);
      // Lost: the attempt was told to stop; let it end (its clean-up runs) before another one starts.
      if (outcome === 'lost') outcome = await within(running, settleMs);
      if (outcome !== 'timeout' && outcome.ok && loss) discardQuietly(opts.discard, outcome.value);
      if (outcome !== 'timeout' && !loss) {
        if (outcome.ok) return { result: outcome.value, backend };
        // An error may be the loss's first sign, before `lost` resolves: wait a moment for it (WebGPU only).
        if (signal?.aborted || !noticed || (await within(noticed, graceMs)) !== 'lost') throw outcome.error;
      }
    } finally {
      signal?.removeEventListener('abort', cancel);
    }
    throwIfAborted(signal);
    const lost = loss as DeviceLoss | null;
    if (!lost) throw new EnclaveError('internal', 'The backend was lost for an unknown reason.');
    if (attempt >= BACKEND_ORDER.length) throw new EnclaveError('internal', `The ${backend} backend was lost too (${lost.reason}); giving up.`);
    let to: BackendName;
    try {
      to = await control.next(backend);
    } catch (e) {
      throw new EnclaveError('internal', `The ${backend} backend was lost (${lost.reason}) and no other backend could start: ${e instanceof Error ? e.message : String(e)}`);
    }
    opts.onFallback?.({ from: backend, to, reason: lost.reason });
    backend = to;
  }
}

function discardQuietly<T>(discard: ((r: T) => void) | undefined, result: T): void {
  try {
    discard?.(result);
  } catch {
    /* it belonged to the lost device */
  }
}
