/**
 * The binary logistic pass of the L-BFGS solve (models/logistic-lbfgs.ts) in WebAssembly SIMD (assembly/logistic.ts):
 * compact matrices (solvers/compact-rows.ts) are written once straight into the instance's memory, then every
 * evaluation of the objective is one call per chunk of rows. Each chunk's sums are kept apart (`chunk`), and the
 * caller adds them up in chunk order: the total is then the same whichever thread computed which chunk
 * (native/logistic-shards.ts). Where WebAssembly SIMD is missing, or the data would not fit in its 4 GiB memory,
 * `create` gives null and the JavaScript pass runs instead (same sums).
 */
import type { CompactArrays, CompactLayout } from '../solvers/compact-rows.ts';
import { logisticSimd } from './logistic-kernel.ts';

interface Exports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  binaryPass(start: number, end: number, dd: number, c: number, dense: number, rowStart: number, sparseColumn: number, sparseValue: number,
    y: number, rowWeight: number, theta: number, vd: number, gd: number, grad: number, acc: number): void;
}

let compiled: Promise<WebAssembly.Module | null> | null = null;

/** The compiled kernel, or null without WebAssembly SIMD. Compiled once. */
export function loadLogisticKernel(): Promise<WebAssembly.Module | null> {
  compiled ??= (async () => {
    if (typeof WebAssembly !== 'object') return null;
    const bin = atob(logisticSimd);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return WebAssembly.validate(bytes) ? WebAssembly.compile(bytes) : null;
  })();
  return compiled;
}

/** Largest memory the kernel asks for: wasm32 addresses 4 GiB, and a tab rarely gets that much in one piece. */
const MAX_BYTES = 3 * 2 ** 30;

/** Sums of one pass: Σ s·CE, Σ CE, right answers. */
export interface PassSums {
  weighted: number;
  loss: number;
  correct: number;
}

/**
 * One chunk's sums as `chunk` writes them: [Σ s·CE, Σ CE, right answers, then (with a gradient) ∂/∂v in the
 * original column order (d values) and ∂/∂c]. `partialSize(d)` values a chunk.
 */
export function partialSize(d: number): number {
  return 3 + d + 1;
}

/** A matrix to lay out: its compact layout, how to fill its arrays, its 0/1 labels. */
export interface KernelPart {
  layout: CompactLayout;
  fill(out: CompactArrays): void;
  y: Int32Array;
}

interface Placement {
  n: number;
  y: number;
  at: { dense: number; rowStart: number; sparseColumn: number; sparseValue: number };
}

export class BinaryLogisticKernel {
  private constructor(
    private readonly x: Exports,
    private readonly d: number,
    private readonly denseColumns: Int32Array,
    private readonly placed: Placement[],
    private readonly at: { theta: number; vd: number; gd: number; grad: number; acc: number; rowWeight: number },
  ) {}

  /**
   * Lays out matrices (all with the same dense columns) with their 0/1 labels, and the per-class row weights (or
   * null). Null when the kernel is unavailable or the data would not fit.
   */
  static async create(parts: KernelPart[], rowWeight: Float32Array | null): Promise<BinaryLogisticKernel | null> {
    const module = await loadLogisticKernel();
    if (!module || !parts.length) return null;
    const { d, denseColumns } = parts[0].layout;
    const dd = denseColumns.length;
    const x = (await WebAssembly.instantiate(module, {})).exports as unknown as Exports;
    let top = (x.heapBase() + 15) & ~15;
    const take = (bytes: number) => {
      const p = top;
      top = (top + bytes + 15) & ~15;
      return p;
    };
    const regions = parts.map(({ layout: l }) => ({
      dense: take(4 * l.n * dd), rowStart: take(4 * (l.n + 1)), sparseColumn: take(4 * l.nonZeros), sparseValue: take(4 * l.nonZeros), y: take(4 * l.n),
    }));
    const even = dd + (dd & 1);
    const at = { theta: take(8 * (d + 1)), vd: take(8 * even), gd: take(8 * even), grad: take(8 * (d + 1)), acc: take(32), rowWeight: rowWeight ? take(4 * rowWeight.length) : 0 };
    if (top > MAX_BYTES) return null;
    const need = Math.ceil(top / 65536) - x.memory.buffer.byteLength / 65536;
    try {
      if (need > 0) x.memory.grow(need);
    } catch {
      return null; // the browser would not give this much: the JavaScript pass needs no more than the matrices
    }
    // Views only after the last grow (growing detaches the old buffer).
    const buf = x.memory.buffer;
    const placed = parts.map(({ layout: l, fill, y }, i): Placement => {
      const r = regions[i];
      fill({
        dense: new Float32Array(buf, r.dense, l.n * dd),
        rowStart: new Int32Array(buf, r.rowStart, l.n + 1),
        sparseColumn: new Int32Array(buf, r.sparseColumn, l.nonZeros),
        sparseValue: new Float32Array(buf, r.sparseValue, l.nonZeros),
      });
      new Int32Array(buf, r.y, l.n).set(y);
      return { n: l.n, y: r.y, at: r };
    });
    if (rowWeight) new Float32Array(buf, at.rowWeight, rowWeight.length).set(rowWeight);
    return new BinaryLogisticKernel(x, d, denseColumns, placed, at);
  }

  /** Rows of matrix `which`. */
  rowsOf(which: number): number {
    return this.placed[which].n;
  }

  /** The weights of the passes that follow: v at theta[0..d), c at theta[d]. */
  setWeights(theta: Float64Array): void {
    const buf = this.x.memory.buffer;
    new Float64Array(buf, this.at.theta, this.d + 1).set(theta);
    const vd = new Float64Array(buf, this.at.vd, this.denseColumns.length);
    for (let j = 0; j < vd.length; j++) vd[j] = theta[this.denseColumns[j]];
  }

  /** Rows [start, end) of matrix `which` at the weights set last: their sums written to out[offset …] (partialSize). */
  chunk(which: number, start: number, end: number, withGradient: boolean, out: Float64Array, offset: number): void {
    const p = this.placed[which];
    const a = this.at;
    const buf = this.x.memory.buffer;
    const dd = this.denseColumns.length;
    const acc = new Float64Array(buf, a.acc, 4);
    acc.fill(0);
    const gd = new Float64Array(buf, a.gd, dd);
    const grad = new Float64Array(buf, a.grad, this.d + 1);
    if (withGradient) gd.fill(0), grad.fill(0);
    const c = new Float64Array(buf, a.theta, this.d + 1)[this.d];
    this.x.binaryPass(start, end, dd, c, p.at.dense, p.at.rowStart, p.at.sparseColumn, p.at.sparseValue, p.y, a.rowWeight, a.theta, a.vd,
      withGradient ? a.gd : 0, withGradient ? a.grad : 0, a.acc);
    out[offset] = acc[0];
    out[offset + 1] = acc[1];
    out[offset + 2] = acc[2];
    if (!withGradient) return;
    const g = offset + 3;
    for (let j = 0; j < this.d; j++) out[g + j] = grad[j];
    for (let j = 0; j < dd; j++) out[g + this.denseColumns[j]] += gd[j];
    out[g + this.d] = acc[3];
  }
}
