/** The tfjs backends: their names in order of preference, and the names a person sees (messages, notes). */
export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

const LABELS = new Map<string, string>([['webgpu', 'WebGPU'], ['webgl', 'WebGL'], ['wasm', 'WASM'], ['cpu', 'CPU']]);

export function backendLabel(name: string): string {
  return LABELS.get(name) ?? name;
}
