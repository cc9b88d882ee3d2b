/**
 * The measured backend choice, remembered. 'auto' measures a short trial on every backend (8–12 s in Chromium); the
 * result holds until the device or browser changes, so it is kept — in the worker for its life, and in a store the
 * caller passes (the app's settings table) — under a key naming the device and browser version (device-key.ts). What is
 * read back is checked: anything unexpected is re-measured, never trusted.
 */
import * as v from 'valibot';
import type { BackendTrial } from './backend.ts';
import { BACKEND_ORDER, backendLabel, type BackendName } from './backend-label.ts';

export interface RememberedBackend {
  version: 1;
  /** The device key it was measured under (deviceKey()): another key measures again. */
  device: string;
  name: BackendName;
  /** The measurement that chose it. */
  trials: BackendTrial[];
  /** When it was measured (ms since 1970). */
  measuredAt: number;
  /** It lost its device or went non-finite in a job since: the next 'auto' measures again. */
  failed?: true;
}

/** Where the choice persists (the caller's; the app passes its settings table). Errors from either are survived. */
export interface BackendMemory {
  read(): Promise<unknown>;
  write(value: RememberedBackend): Promise<void>;
}

const backend = v.picklist(BACKEND_ORDER);
const schema = v.object({
  version: v.literal(1),
  device: v.pipe(v.string(), v.maxLength(4000)),
  name: backend,
  trials: v.pipe(v.array(v.object({
    backend,
    ms: v.nullable(v.pipe(v.number(), v.finite(), v.minValue(0))),
    ok: v.boolean(),
    error: v.optional(v.pipe(v.string(), v.maxLength(4000))),
  })), v.maxLength(BACKEND_ORDER.length)),
  measuredAt: v.pipe(v.number(), v.finite()),
  failed: v.optional(v.literal(true)),
});

export type Recall = { remembered: RememberedBackend } | { remembered: null; why: string | null };

/**
 * A stored value checked for this device: the remembered choice, or why it cannot be used (null when there is simply
 * none for this device yet: nothing stored, another device or browser version).
 */
export function recallBackend(value: unknown, device: string, available: readonly BackendName[]): Recall {
  if (value === undefined || value === null) return { remembered: null, why: null };
  const r = v.safeParse(schema, value);
  // The choice must be one of its own measured, correct trials: anything else is not what initBackend wrote.
  if (!r.success || !r.output.trials.some((t) => t.backend === r.output.name && t.ok))
    return { remembered: null, why: 'The remembered backend choice was unreadable; measured again.' };
  const o = r.output;
  const remembered: RememberedBackend = { version: 1, device: o.device, name: o.name, trials: o.trials.map((t) => ({ ...t })), measuredAt: o.measuredAt, ...(o.failed ? { failed: true } : {}) };
  if (remembered.device !== device) return { remembered: null, why: null };
  if (remembered.failed) return { remembered: null, why: `${backendLabel(remembered.name)} failed during an earlier job; measured again.` };
  if (!available.includes(remembered.name)) return { remembered: null, why: `The remembered backend (${backendLabel(remembered.name)}) is not available here; measured again.` };
  return { remembered };
}
