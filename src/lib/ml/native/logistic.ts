/**
 * The binary logistic pass of the L-BFGS solve (models/logistic-lbfgs.ts) in WebAssembly SIMD (assembly/logistic.ts):
 * the compact matrices (solvers/compact-rows.ts) are written once straight into the instance's memory, then every
 * evaluation of the objective is a handful of calls over row blocks. Where WebAssembly SIMD is missing, or the data
 * would not fit in its 4 GiB memory, `create` gives null and the JavaScript pass runs instead (same sums).
 */
import type { Matrix } from '../matrix.ts';
import { compactInto, compactLayout, compactSizes, type CompactLayout, type CompactRows } from '../solvers/compact-rows.ts';
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

interface Placement {
  rows: CompactRows;
  y: number;
  at: { dense: number; rowStart: number; sparseColumn: number; sparseValue: number };
}

/** Sums of one pass: Σ s·CE, Σ CE, right answers. */
export interface PassSums {
  weighted: number;
  loss: number;
  correct: number;
}

export class BinaryLogisticKernel {
  private constructor(
    private readonly x: Exports,
    private readonly d: number,
    private readonly dd: number,
    private readonly placed: Placement[],
    private readonly at: { theta: number; vd: number; gd: number; grad: number; acc: number; rowWeight: number },
  ) {}

  /**
   * Lays out matrices (the first chooses the dense columns; the others follow it) with their 0/1 labels, and the
   * per-class row weights (or null). Null when the kernel is unavailable or the data would not fit.
   */
  static async create(matrices: { m: Matrix; y: Int32Array }[], rowWeight: Float32Array | null): Promise<BinaryLogisticKernel | null> {
    const module = await loadLogisticKernel();
    if (!module || !matrices.length) return null;
    const first = compactLayout(matrices[0].m);
    const layouts: CompactLayout[] = [first, ...matrices.slice(1).map(({ m }) => compactLayout(m, first))];
    const d = first.d;
    const dd = first.denseColumns.length;
    const x = (await WebAssembly.instantiate(module, {})).exports as unknown as Exports;
    let top = (x.heapBase() + 15) & ~15;
    const take = (bytes: number) => {
      const p = top;
      top = (top + bytes + 15) & ~15;
      return p;
    };
    const regions = layouts.map((l) => {
      const s = compactSizes(l);
      return { dense: take(4 * s.dense), rowStart: take(4 * s.rowStart), sparseColumn: take(4 * s.entries), sparseValue: take(4 * s.entries), y: take(4 * l.n) };
    });
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
    const placed = layouts.map((layout, i): Placement => {
      const r = regions[i];
      const s = compactSizes(layout);
      const rows = compactInto(matrices[i].m, layout, {
        dense: new Float32Array(buf, r.dense, s.dense),
        rowStart: new Int32Array(buf, r.rowStart, s.rowStart),
        sparseColumn: new Int32Array(buf, r.sparseColumn, s.entries),
        sparseValue: new Float32Array(buf, r.sparseValue, s.entries),
      });
      new Int32Array(buf, r.y, layout.n).set(matrices[i].y);
      return { rows, y: r.y, at: r };
    });
    if (rowWeight) new Float32Array(buf, at.rowWeight, rowWeight.length).set(rowWeight);
    return new BinaryLogisticKernel(x, d, dd, placed, at);
  }

  /** Rows of matrix `which`. */
  rowsOf(which: number): number {
    return this.placed[which].rows.n;
  }

  /** Before a pass: the weights (v at theta[0..d), c at theta[d]); with a gradient, its sums start at zero. */
  begin(which: number, theta: Float64Array, withGradient: boolean): void {
    const buf = this.x.memory.buffer;
    new Float64Array(buf, this.at.theta, this.d + 1).set(theta);
    const vd = new Float64Array(buf, this.at.vd, this.dd);
    const cols = this.placed[which].rows.denseColumns;
    for (let j = 0; j < this.dd; j++) vd[j] = theta[cols[j]];
    new Float64Array(buf, this.at.acc, 4).fill(0);
    if (withGradient) {
      new Float64Array(buf, this.at.gd, this.dd).fill(0);
      new Float64Array(buf, this.at.grad, this.d + 1).fill(0);
    }
  }

  /** Rows [start, end) of matrix `which` (after begin). */
  block(which: number, start: number, end: number, withGradient: boolean): void {
    const p = this.placed[which];
    const a = this.at;
    const c = new Float64Array(this.x.memory.buffer, a.theta, this.d + 1)[this.d];
    this.x.binaryPass(start, end, this.dd, c, p.at.dense, p.at.rowStart, p.at.sparseColumn, p.at.sparseValue, p.y, a.rowWeight, a.theta, a.vd,
      withGradient ? a.gd : 0, withGradient ? a.grad : 0, a.acc);
  }

  /** After the blocks: the sums, and (when `grad` is given) ∂(Σ s·CE)/∂(v, c) added into it. */
  finish(which: number, grad: Float64Array | null): PassSums {
    const buf = this.x.memory.buffer;
    const acc = new Float64Array(buf, this.at.acc, 4);
    if (grad) {
      const sparse = new Float64Array(buf, this.at.grad, this.d + 1);
      for (let j = 0; j < this.d; j++) grad[j] += sparse[j];
      const gd = new Float64Array(buf, this.at.gd, this.dd);
      const cols = this.placed[which].rows.denseColumns;
      for (let j = 0; j < this.dd; j++) grad[cols[j]] += gd[j];
      grad[this.d] += acc[3];
    }
    return { weighted: acc[0], loss: acc[1], correct: acc[2] };
  }
}
