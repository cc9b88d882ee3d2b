/**
 * What a measured backend choice depends on, as one string: the browser and its version, the GPU adapter, the CPU
 * count, cross-origin isolation (threaded WASM) and the tfjs version — a browser update, another GPU or a new tfjs
 * measures again. Read once per worker (the adapter query takes a few milliseconds); in Node: Node's version, the
 * platform and the CPU model.
 */
import * as tf from '@tensorflow/tfjs';

interface UaData {
  brands?: { brand: string; version: string }[];
  platform?: string;
  getHighEntropyValues?(hints: string[]): Promise<{ fullVersionList?: { brand: string; version: string }[]; platformVersion?: string; architecture?: string }>;
}
interface AdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
}
interface Gpu {
  requestAdapter(): Promise<{ info?: AdapterInfo; requestAdapterInfo?(): Promise<AdapterInfo> } | null>;
}

/** `p`, or undefined after `ms` or on an error: a slow or failing query leaves its part out of the key. */
async function settled<T>(p: () => Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([p(), new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)))]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

async function nodeKey(): Promise<string> {
  const osModule = 'node:os';
  const os = (await import(/* @vite-ignore */ osModule)) as typeof import('node:os');
  const cpus = os.cpus();
  return `node ${process.versions.node} ${process.platform}/${process.arch} cpus=${cpus.length} ${cpus[0]?.model ?? ''}`.trim();
}

async function browserKey(): Promise<string> {
  // Typed here as far as it is read: userAgentData and adapter.info are missing from some lib versions.
  const nav = (globalThis as { navigator?: { userAgent?: string; hardwareConcurrency?: number; userAgentData?: UaData; gpu?: Gpu } }).navigator;
  const parts = [`ua=${nav?.userAgent ?? ''}`];
  const ua = nav?.userAgentData;
  // Chromium's user-agent string carries only the major version: the full list says which build it is.
  const high = ua?.getHighEntropyValues ? await settled(() => ua.getHighEntropyValues!(['fullVersionList', 'platformVersion', 'architecture']), 500) : undefined;
  const brands = high?.fullVersionList ?? ua?.brands;
  if (brands) parts.push(`brands=${brands.map((b) => `${b.brand}/${b.version}`).join(',')}`);
  if (high?.platformVersion || ua?.platform) parts.push(`platform=${ua?.platform ?? ''} ${high?.platformVersion ?? ''} ${high?.architecture ?? ''}`.trim());
  parts.push(`cores=${nav?.hardwareConcurrency ?? '?'}`);
  if (nav?.gpu) {
    const info = await settled(async () => {
      const adapter = await nav.gpu!.requestAdapter();
      return adapter?.info ?? (await adapter?.requestAdapterInfo?.());
    }, 1000);
    parts.push(info ? `gpu=${[info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ')}` : 'gpu=none');
  }
  parts.push(`isolated=${(globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true}`);
  return parts.join('; ');
}

let key: Promise<string> | null = null;

/** This device and browser, as the backend choice sees them (computed once). */
export function deviceKey(isNode: boolean): Promise<string> {
  // Never fails: without a key the choice is still measured, just remembered under 'unknown device'.
  key ??= (isNode ? nodeKey() : browserKey()).catch(() => 'unknown device').then((k) => `${k}; tfjs=${tf.version.tfjs}`);
  return key;
}
