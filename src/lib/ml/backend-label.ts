/** The names a person sees for tfjs backends (messages, notes). */
const LABELS = new Map<string, string>([['webgpu', 'WebGPU'], ['webgl', 'WebGL'], ['wasm', 'WASM'], ['cpu', 'CPU']]);

export function backendLabel(name: string): string {
  return LABELS.get(name) ?? name;
}
