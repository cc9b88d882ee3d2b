/**
 * Enclave's own dense-network trainer: the WebAssembly SIMD kernels of assembly/dense.ts (see scripts/build-wasm.ts).
 * A whole mini-batch step (gather, forward, loss, backward, L2, Adam/SGD) is one loop inside WebAssembly with the
 * weights resident, instead of ~120 tfjs kernel dispatches; it is what the 'wasm' backend trains dense networks with.
 * The module is compiled once (cached promise); each trainer gets its own instance, so its memory goes with it.
 */
import type { Architecture } from '../models/network.ts';
import { plainSimd, relaxedSimd } from './kernels.ts';

interface Exports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  maxLayers(): number;
  configure(table: number, layers: number, act: number, softmax: number, k: number, dropRate: number, adam: number, lr: number, l2: number,
    theta: number, grad: number, m1: number, m2: number, params: number, deltaA: number, deltaB: number, wt: number, batchY: number, classWeight: number): void;
  seed(a: number, b: number, c: number, d: number): void;
  resetSums(): void;
  getLoss(): number;
  getMetric(): number;
  trainBatches(X: number, y: number, order: number, n: number, batch: number, from: number, to: number): void;
  score(X: number, y: number, from: number, to: number, chunk: number): void;
}

export interface DenseKernels {
  module: WebAssembly.Module;
  /** Built with relaxed-SIMD fused multiply-add (the engine validated it). */
  fma: boolean;
}

const decode = (b64: string): Uint8Array<ArrayBuffer> => {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
};

let kernels: Promise<DenseKernels | null> | null = null;

/** The compiled kernels, or null where WebAssembly SIMD is not available (then tfjs trains). Compiled once. */
export function loadDenseKernels(): Promise<DenseKernels | null> {
  kernels ??= (async () => {
    if (typeof WebAssembly !== 'object') return null;
    const relaxed = decode(relaxedSimd);
    const fma = WebAssembly.validate(relaxed);
    const bytes = fma ? relaxed : decode(plainSimd);
    if (!fma && !WebAssembly.validate(bytes)) return null;
    return { module: await WebAssembly.compile(bytes), fma };
  })();
  return kernels;
}

export interface DenseData {
  X: Float32Array;
  /** Class indices (softmax output) or standardised targets (linear output). */
  y: Int32Array | Float32Array;
  n: number;
}

export interface DenseSettings {
  optimizer: 'adam' | 'sgd';
  learningRate: number;
  l2: number;
  batchSize: number;
  /** Per-class loss weights (softmax only), or none. */
  classWeight?: Float32Array | null;
}

const ACTIVATION = { relu: 0, tanh: 1, sigmoid: 2 } as const;
const KINDS = 7; // widths, kernel, bias, ∂kernel, ∂bias, activations, dropout scales

/** Rows scored per call when measuring a split (and the height of the activation buffers). */
const SCORE_ROWS = 512;

export class DenseTrainer {
  private readonly x: Exports;
  private readonly at: Record<'theta' | 'X' | 'y' | 'order' | 'Xv' | 'yv', number>;
  private readonly size: number;
  private readonly batch: number;

  constructor(kernels: DenseKernels, readonly arch: Architecture, initial: Float32Array, settings: DenseSettings, readonly train: DenseData, readonly validation: DenseData | null) {
    const x = new WebAssembly.Instance(kernels.module, {}).exports as unknown as Exports;
    this.x = x;
    const sizes = arch.sizes;
    const L = sizes.length - 1;
    if (L > x.maxLayers()) throw new Error(`at most ${x.maxLayers() - 1} hidden layers`);
    const d = sizes[0];
    const batch = Math.max(1, Math.min(settings.batchSize, train.n));
    this.batch = batch;
    this.size = initial.length;
    const rows = Math.max(batch, SCORE_ROWS);
    const widest = Math.max(...sizes.slice(1));
    const transposed = Math.max(0, ...sizes.slice(2).map((w, l) => w * sizes[l + 1]));
    // Lay out memory (bytes, 16-aligned): tables, parameters, data, activation and gradient scratch.
    let top = (x.heapBase() + 15) & ~15;
    const take = (floats: number) => {
      const p = top;
      top += (floats * 4 + 15) & ~15;
      return p;
    };
    const table = take((x.maxLayers() + 1) * KINDS);
    const theta = take(this.size), grad = take(this.size), m1 = take(this.size), m2 = take(this.size);
    const X = take(train.n * d), y = take(train.n), order = take(train.n);
    const Xv = take((validation?.n ?? 0) * d), yv = take(validation?.n ?? 0);
    const H = sizes.map((w) => take(rows * w));
    const mask = sizes.map((w, l) => (l > 0 && l < L ? take(batch * w) : 0));
    const deltaA = take(batch * widest), deltaB = take(batch * widest), wt = take(transposed), batchY = take(batch);
    const k = sizes[L];
    const cw = settings.classWeight ? take(k) : 0;
    const need = Math.ceil(top / 65536) - x.memory.buffer.byteLength / 65536;
    if (need > 0) x.memory.grow(need);

    const mem = x.memory.buffer;
    const words = new Int32Array(mem, table, (x.maxLayers() + 1) * KINDS);
    const slot = (kind: number, l: number, value: number) => (words[(x.maxLayers() + 1) * (kind + 1) + l] = value);
    let offset = 0;
    for (let l = 0; l <= L; l++) {
      words[l] = sizes[l];
      slot(4, l, H[l]);
      slot(5, l, mask[l]);
      if (l < L) {
        const kn = sizes[l] * sizes[l + 1];
        slot(0, l, theta + offset * 4);
        slot(1, l, theta + (offset + kn) * 4);
        slot(2, l, grad + offset * 4);
        slot(3, l, grad + (offset + kn) * 4);
        offset += kn + sizes[l + 1];
      }
    }
    new Float32Array(mem, theta, this.size).set(initial);
    new Float32Array(mem, X, train.n * d).set(train.X.subarray(0, train.n * d));
    const copyY = (at: number, src: Int32Array | Float32Array, n: number) =>
      src instanceof Int32Array ? new Int32Array(mem, at, n).set(src.subarray(0, n)) : new Float32Array(mem, at, n).set(src.subarray(0, n));
    copyY(y, train.y, train.n);
    if (validation) {
      new Float32Array(mem, Xv, validation.n * d).set(validation.X.subarray(0, validation.n * d));
      copyY(yv, validation.y, validation.n);
    }
    if (settings.classWeight) new Float32Array(mem, cw, k).set(settings.classWeight);
    const softmax = arch.output === 'softmax' ? 1 : 0;
    x.configure(table, L, ACTIVATION[arch.activation], softmax, k, arch.dropout, settings.optimizer === 'adam' ? 1 : 0, settings.learningRate, settings.l2,
      theta, grad, m1, m2, this.size, deltaA, deltaB, wt, batchY, cw);
    this.at = { theta, X, y, order, Xv, yv };
  }

  /** Seeds this epoch's dropout masks (four words from the caller's seeded PRNG). */
  seed(words: [number, number, number, number]): void {
    this.x.seed(...words);
  }

  /** Starts an epoch: the shuffled row order, and zeroed loss/metric sums. */
  begin(order: Int32Array): void {
    new Int32Array(this.x.memory.buffer, this.at.order, this.train.n).set(order);
    this.x.resetSums();
  }

  /** Trains `count` batches starting at batch number `first`; returns how many batches the epoch has in all. */
  run(first: number, count: number): number {
    const { n } = this.train;
    const total = Math.ceil(n / this.batch);
    const from = first * this.batch, to = Math.min(n, (first + count) * this.batch);
    if (from < to) this.x.trainBatches(this.at.X, this.at.y, this.at.order, n, this.batch, from, to);
    return total;
  }

  /** [loss sum, metric sum] since begin(). */
  sums(): [number, number] {
    return [this.x.getLoss(), this.x.getMetric()];
  }

  /** [loss sum, metric sum] of the current weights over the training split (no update, no dropout, no class weights). */
  scoreTraining(): [number, number] {
    this.x.resetSums();
    this.x.score(this.at.X, this.at.y, 0, this.train.n, SCORE_ROWS);
    return this.sums();
  }

  /** [loss sum, metric sum] over the validation split (no dropout, no class weights). */
  scoreValidation(): [number, number] {
    if (!this.validation) return [0, 0];
    this.x.resetSums();
    this.x.score(this.at.Xv, this.at.yv, 0, this.validation.n, SCORE_ROWS);
    return this.sums();
  }

  /** A copy of the current weights, flat in the layout of models/network.ts flatten(). */
  weights(): Float32Array {
    return new Float32Array(this.x.memory.buffer, this.at.theta, this.size).slice();
  }

  setWeights(values: Float32Array): void {
    new Float32Array(this.x.memory.buffer, this.at.theta, this.size).set(values);
  }
}
