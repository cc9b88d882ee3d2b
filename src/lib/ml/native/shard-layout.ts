/**
 * How each matrix's rows reach the shards of native/logistic-shards.ts, three ways, each posting the workers' rows and
 * giving this thread's (shard 0's) kernel parts:
 *   - compact rows made with the split (ml/compact-dataset.ts): each worker gets a copy of its rows' slice;
 *   - a dense matrix in shared memory (the headless runner's): each thread counts and compacts its own rows in place,
 *     the dense columns chosen from every shard's counts;
 *   - any other dense matrix: this thread compacts the workers' rows and moves them over.
 * All three choose the same dense columns (compactLayout's rule over the whole first matrix).
 */
import type { Matrix } from '../matrix.ts';
import { columnNonZeros, compactInto, compactLayout, compactSizes, denseColumnsOf, layoutOf, sliceRows, type CompactArrays, type CompactRows } from '../solvers/compact-rows.ts';
import type { KernelPart } from './logistic.ts';
import { chunkCount, type ShardCount, type ShardInit, type ShardPart } from './logistic-shard-host.ts';

/** What a layout needs of a worker shard. */
export interface ShardSide {
  post(message: unknown, transfer?: Transferable[]): void;
  /** Settles once the worker listens. */
  hello: Promise<void>;
  /** Shared rows: each of its matrices' column non-zeros. */
  counts: Promise<Float64Array[]>;
}

export interface Layout {
  /** The workers, shards 1 … threads − 1. */
  remotes: ShardSide[];
  chunkRows: number;
  rowWeight: Float32Array | null;
}

/** Where shard s of `shards` has a matrix of n rows: chunks [c0, c1), rows [r0, r1). */
export function shardRange(n: number, chunkRows: number, shards: number, s: number) {
  const chunks = chunkCount(n, chunkRows);
  const c0 = Math.floor((s * chunks) / shards), c1 = Math.floor(((s + 1) * chunks) / shards);
  return { c0, c1, r0: Math.min(n, c0 * chunkRows), r1: Math.min(n, c1 * chunkRows) };
}

/** Rows [r0, r1) of m as a matrix of its own (a view: nothing copied). */
function rowsOf(m: Matrix, r0: number, r1: number): Matrix {
  return { X: m.X.subarray(r0 * m.d, r1 * m.d), n: r1 - r0, d: m.d };
}

const buffersOf = (parts: ShardPart[]) => parts.flatMap((p) => [p.dense.buffer, p.rowStart.buffer, p.sparseColumn.buffer, p.sparseValue.buffer, p.y.buffer]);

/** Compact rows made already, all with the same dense columns. */
export async function layCompactRows(made: CompactRows[], ys: Int32Array[], l: Layout): Promise<KernelPart[]> {
  const threads = l.remotes.length + 1;
  const first = made[0];
  for (const [i, r] of l.remotes.entries()) {
    const parts: ShardPart[] = made.map((c, k) => {
      const { r0, r1 } = shardRange(c.n, l.chunkRows, threads, i + 1);
      const rows = sliceRows(c, r0, r1);
      return { n: rows.n, nonZeros: rows.sparseColumn.length, dense: rows.dense, rowStart: rows.rowStart, sparseColumn: rows.sparseColumn, sparseValue: rows.sparseValue, y: ys[k].slice(r0, r1) };
    });
    await r.hello;
    r.post({ type: 'init', d: first.d, denseColumns: first.denseColumns, rowWeight: l.rowWeight, chunkRows: l.chunkRows, parts } satisfies ShardInit, buffersOf(parts));
  }
  return made.map((c, k) => {
    const { r0, r1 } = shardRange(c.n, l.chunkRows, threads, 0);
    const dd = c.denseColumns.length;
    const p0 = c.rowStart[r0], p1 = c.rowStart[r1];
    return {
      layout: { n: r1 - r0, d: c.d, denseColumns: c.denseColumns, nonZeros: p1 - p0 },
      fill: (out) => {
        out.dense.set(c.dense.subarray(r0 * dd, r1 * dd));
        for (let i = r0; i <= r1; i++) out.rowStart[i - r0] = c.rowStart[i] - p0;
        out.sparseColumn.set(c.sparseColumn.subarray(p0, p1));
        out.sparseValue.set(c.sparseValue.subarray(p0, p1));
      },
      y: ys[k].subarray(r0, r1),
    };
  });
}

/** This thread's rows of each matrix, and shard s's. */
function shares(ms: Matrix[], ys: Int32Array[], l: Layout) {
  const threads = l.remotes.length + 1;
  const of = (s: number, copyLabels: boolean) => ms.map((m, k) => {
    const { r0, r1 } = shardRange(m.n, l.chunkRows, threads, s);
    return { view: rowsOf(m, r0, r1), y: copyLabels ? ys[k].slice(r0, r1) : ys[k].subarray(r0, r1) };
  });
  return { own: of(0, false), theirs: (s: number) => of(s, true) };
}

/** This thread's kernel parts from its rows' counts and the dense columns. */
function ownParts(own: { view: Matrix; y: Int32Array }[], counts: Float64Array[], denseColumns: Int32Array): KernelPart[] {
  return own.map(({ view, y }, i) => {
    const layout = layoutOf(view.n, counts[i], denseColumns);
    return { layout, fill: (out) => void compactInto(view, layout, out), y };
  });
}

/** Dense matrices in shared memory: every thread counts and compacts its own rows. */
export async function laySharedMatrices(ms: Matrix[], ys: Int32Array[], l: Layout): Promise<KernelPart[]> {
  const { own, theirs } = shares(ms, ys, l);
  for (const [i, r] of l.remotes.entries()) {
    await r.hello;
    const parts = theirs(i + 1).map(({ view, y }) => ({ X: view.X, n: view.n, y }));
    r.post({ type: 'count', d: ms[0].d, rowWeight: l.rowWeight, chunkRows: l.chunkRows, parts } satisfies ShardCount);
  }
  const counts = own.map(({ view }) => columnNonZeros(view));
  const total = Float64Array.from(counts[0]);
  for (const c of await Promise.all(l.remotes.map((r) => r.counts))) c[0].forEach((v, j) => (total[j] += v));
  const denseColumns = denseColumnsOf(total, ms[0].n);
  for (const r of l.remotes) r.post({ type: 'layout', denseColumns });
  return ownParts(own, counts, denseColumns);
}

/** Any other dense matrices: this thread compacts the workers' rows and moves them over. */
export async function layCopiedMatrices(ms: Matrix[], ys: Int32Array[], l: Layout): Promise<KernelPart[]> {
  const { own, theirs } = shares(ms, ys, l);
  const firstCounts = columnNonZeros(ms[0]);
  const denseColumns = denseColumnsOf(firstCounts, ms[0].n);
  const first = layoutOf(ms[0].n, firstCounts, denseColumns);
  for (const [i, r] of l.remotes.entries()) {
    const parts: ShardPart[] = theirs(i + 1).map(({ view, y }) => {
      const layout = compactLayout(view, first);
      const size = compactSizes(layout);
      const arrays: CompactArrays = { dense: new Float32Array(size.dense), rowStart: new Int32Array(size.rowStart), sparseColumn: new Int32Array(size.entries), sparseValue: new Float32Array(size.entries) };
      compactInto(view, layout, arrays);
      return { n: view.n, nonZeros: layout.nonZeros, ...arrays, y };
    });
    await r.hello;
    r.post({ type: 'init', d: first.d, denseColumns, rowWeight: l.rowWeight, chunkRows: l.chunkRows, parts } satisfies ShardInit, buffersOf(parts));
  }
  // Without workers this thread's first matrix is the whole first matrix, already counted.
  return ownParts(own, own.map(({ view }, i) => (i === 0 && !l.remotes.length ? firstCounts : columnNonZeros(view))), denseColumns);
}
