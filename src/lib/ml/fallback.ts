/**
 * Finishing a job when its backend fails part-way: its device is lost (a WebGPU device loss), or its arithmetic went
 * non-finite (a NaN or ±Infinity loss or weight: EnclaveError 'non-finite', see non-finite.ts). A lost job's tensors live
 * on the lost device, and a non-finite one has no usable model, so it cannot go on there: it is stopped, the next
 * backend in order starts, and the job runs again from the start on it (same inputs, same seed: deterministic, and the
 * result names the backend that produced it). When the last backend goes non-finite too, the job fails and says where.
 * Any other error, and cancellation, pass through unchanged and are never retried.
 */
import { EnclaveError, throwIfAborted } from '../core/errors.ts';
import { BACKEND_ORDER, deviceLoss, fallbackFrom, type BackendName, type DeviceLoss, type FallbackEvent } from './backend.ts';
import { backendLabel } from './backend-label.ts';
import { isNonFinite, nonFiniteEverywhere } from './non-finite.ts';

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

/**
 * What to tell the person: "The GPU device was lost (…); training restarted on WebGL.", or "Training on WebGL produced
 * non-finite values at epoch 2; training restarted on WASM."
 */
export function fallbackNote(e: FallbackEvent, job = 'training'): string {
  if (e.cause === 'non-finite') {
    const at = e.epoch !== undefined ? ` at epoch ${e.epoch}` : '';
    return `${job[0].toUpperCase()}${job.slice(1)} on ${backendLabel(e.from)} produced non-finite values${at}; ${job} restarted on ${backendLabel(e.to)}.`;
  }
  const device = e.from === 'webgpu' ? 'GPU device' : `${backendLabel(e.from)} backend`;
  return `The ${device} was lost (${e.reason}); ${job} restarted on ${backendLabel(e.to)}.`;
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

/** Run `fn` on the active backend; on a device loss or non-finite values, again from the start on the next backend. */
export async function withBackendFallback<T>(fn: (a: Attempt) => Promise<T>, opts: FallbackOptions<T>): Promise<{ result: T; backend: BackendName }> {
  const control = opts.control ?? appControl;
  const { signal, graceMs = 1000, settleMs = 10_000 } = opts;
  let backend = opts.backend;
  /** The attempts that went non-finite so far (the final message names them all). */
  const nonFinite: { backend: BackendName; error: EnclaveError }[] = [];
  for (let attempt = 0; ; attempt++) {
    throwIfAborted(signal);
    const stop = new AbortController();
    const cancel = () => stop.abort();
    signal?.addEventListener('abort', cancel, { once: true });
    let loss: DeviceLoss | null = null;
    let diverged: EnclaveError | null = null;
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
        throwIfAborted(signal);
        // An error may be the loss's first sign, before `lost` resolves: wait a moment for it (WebGPU only).
        const lostAfter = noticed && (await within(noticed, graceMs)) === 'lost';
        if (!lostAfter) {
          if (!isNonFinite(outcome.error)) throw outcome.error;
          diverged = outcome.error;
        }
      }
    } finally {
      signal?.removeEventListener('abort', cancel);
    }
    throwIfAborted(signal);
    const lost = loss as DeviceLoss | null;
    if (diverged) {
      nonFinite.push({ backend, error: diverged });
      // Nothing comes after the last backend: the job fails, naming every backend that went non-finite.
      if (BACKEND_ORDER.indexOf(backend) >= BACKEND_ORDER.length - 1 || attempt >= BACKEND_ORDER.length) throw nonFiniteEverywhere(nonFinite);
    } else if (!lost) throw new EnclaveError('internal', 'The backend was lost for an unknown reason.');
    else if (attempt >= BACKEND_ORDER.length) throw new EnclaveError('internal', `The ${backend} backend was lost too (${lost.reason}); giving up.`);
    let to: BackendName;
    try {
      to = await control.next(backend);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      if (diverged) {
        const failed = nonFiniteEverywhere(nonFinite);
        throw new EnclaveError('non-finite', `${failed.message} No other backend could start to try again: ${why}`, failed.detail);
      }
      throw new EnclaveError('internal', `The ${backend} backend was lost (${lost!.reason}) and no other backend could start: ${why}`);
    }
    opts.onFallback?.(diverged
      ? { from: backend, to, reason: diverged.message, cause: 'non-finite', ...(typeof diverged.detail?.epoch === 'number' ? { epoch: diverged.detail.epoch } : {}) }
      : { from: backend, to, reason: lost!.reason });
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
