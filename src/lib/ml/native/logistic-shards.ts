/**
 * The binary logistic passes of the L-BFGS solve over every core: each matrix's rows are cut into chunks of
 * `chunkRows`, the chunks into contiguous shards, one per core. This thread runs the first shard in its own kernel
 * (yielding between chunks, so a cancel is seen); each other shard runs in a worker (native/shard-worker.ts) holding
 * its own compact copy of its rows. Every chunk's sums are kept apart and added up here in chunk order, so a solve
 * gives the same weights, bit for bit, on one core or eight.
 */
import { EnclaveError } from '../../core/errors.ts';
import type { Matrix } from '../matrix.ts';
import { columnNonZeros, compactInto, compactLayout, compactSizes, denseColumnsOf, layoutOf, sliceRows, type CompactArrays, type CompactRows } from '../solvers/compact-rows.ts';
import { BinaryLogisticKernel, partialSize, type KernelPart, type PassSums } from './logistic.ts';
import { chunkCount, type ShardCount, type ShardInit, type ShardPart } from './logistic-shard-host.ts';
import { coreCount, spawnShardWorker, type ShardWorker } from './shard-worker.ts';

/** Rows a chunk: a few milliseconds of the kernel at d = 20, and few enough partial sums to add up (d + 4 a chunk). */
export const CHUNK_ROWS = 65_536;
/** Below this many training rows one thread does it: a worker's start costs more than it would save. */
export const PARALLEL_ROWS = 262_144;
/** Most shards (threads) a solve uses. */
const MAX_SHARDS = 4;

export interface ShardOptions {
  /** Threads to use (default: the cores, up to 4, where the training rows reach PARALLEL_ROWS). */
  shards?: number;
  /** Rows a chunk (default CHUNK_ROWS; tests use small ones). */
  chunkRows?: number;
}

interface Remote {
  worker: ShardWorker;
  /** Per matrix: the shard's first chunk. */
  firstChunk: number[];
  pending: Map<number, { resolve(p: Float64Array): void; reject(e: Error): void }>;
  failed: Error | null;
  /** Settles once the worker listens. */
  hello: Promise<void>;
  /** Shared rows: each of its matrices' column non-zeros. */
  counts: Promise<Float64Array[]>;
  /** Settles once the worker has laid out its rows. */
  ready: Promise<void>;
}

function sameColumns(a: Int32Array, b: Int32Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Whether a worker can read these values in place (shared memory), not as a copy. */
function isShared(a: Float32Array): boolean {
  return typeof SharedArrayBuffer === 'function' && a.buffer instanceof SharedArrayBuffer;
}

type Checkpoint = () => void | Promise<void>;

/** Where a shard's rows of a matrix are: chunks [c0, c1), rows [r0, r1). */
function shardRange(n: number, chunkRows: number, shards: number, s: number) {
  const chunks = chunkCount(n, chunkRows);
  const c0 = Math.floor((s * chunks) / shards), c1 = Math.floor(((s + 1) * chunks) / shards);
  return { c0, c1, r0: Math.min(n, c0 * chunkRows), r1: Math.min(n, c1 * chunkRows) };
}

/** Rows [r0, r1) of m as a matrix of its own (a view: nothing copied). */
function rowsOf(m: Matrix, r0: number, r1: number): Matrix {
  return { X: m.X.subarray(r0 * m.d, r1 * m.d), n: r1 - r0, d: m.d };
}

export class LogisticPasses {
  private nextId = 0;
  private closed = false;

  private constructor(
    private readonly d: number,
    private readonly chunkRows: number,
    private readonly rows: number[],
    private readonly local: BinaryLogisticKernel,
    private readonly remotes: Remote[],
  ) {}

  /**
   * Lays out the matrices (the first chooses the dense columns) over the shards. Null when the kernel is unavailable
   * here (the caller's JavaScript pass runs instead). Workers that fail to start leave their rows to this thread.
   * Matrices in shared memory (matrix.ts allocates large ones so) are read by each worker in place: every thread
   * counts and compacts its own rows at once. Otherwise this thread compacts the workers' rows and moves them over.
   */
  static async create(matrices: { m: Matrix & { compact?: CompactRows }; y: Int32Array }[], rowWeight: Float32Array | null, opts: ShardOptions = {}): Promise<LogisticPasses | null> {
    if (!matrices.length) return null;
    const chunkRows = opts.chunkRows ?? CHUNK_ROWS;
    const n0 = matrices[0].m.n;
    const wanted = opts.shards ?? (n0 >= PARALLEL_ROWS ? Math.min(MAX_SHARDS, await coreCount()) : 1);
    const shards = Math.max(1, Math.min(wanted, chunkCount(n0, chunkRows)));
    const remotes: Remote[] = [];
    try {
      for (let s = 1; s < shards; s++) {
        const worker = await spawnShardWorker();
        if (!worker) break;
        const remote = { worker, firstChunk: matrices.map(({ m }) => shardRange(m.n, chunkRows, shards, s).c0), pending: new Map(), failed: null } as unknown as Remote;
        remotes.push(Object.assign(remote, listen(remote)));
      }
      if (remotes.length && remotes.length !== shards - 1) throw new Error('A shard worker did not start.');
      const threads = remotes.length + 1;
      // Compact rows already made (compact-dataset.ts), with the same dense columns: each shard gets its rows' slice.
      const made = matrices.map(({ m }) => m.compact);
      const first = made[0];
      if (first && made.every((c) => c && sameColumns(c.denseColumns, first.denseColumns))) {
        for (const [i, r] of remotes.entries()) {
          const parts: ShardPart[] = made.map((c, k) => {
            const { r0, r1 } = shardRange(c!.n, chunkRows, threads, i + 1);
            const rows = sliceRows(c!, r0, r1);
            return { n: rows.n, nonZeros: rows.sparseColumn.length, dense: rows.dense, rowStart: rows.rowStart, sparseColumn: rows.sparseColumn, sparseValue: rows.sparseValue, y: matrices[k].y.slice(r0, r1) };
          });
          await r.hello;
          r.worker.post({ type: 'init', d: first.d, denseColumns: first.denseColumns, rowWeight, chunkRows, parts } satisfies ShardInit,
            parts.flatMap((p) => [p.dense.buffer, p.rowStart.buffer, p.sparseColumn.buffer, p.sparseValue.buffer, p.y.buffer]));
        }
        const parts: KernelPart[] = made.map((c, k) => {
          const { r0, r1 } = shardRange(c!.n, chunkRows, threads, 0);
          const dd = c!.denseColumns.length;
          const p0 = c!.rowStart[r0], p1 = c!.rowStart[r1];
          return {
            layout: { n: r1 - r0, d: c!.d, denseColumns: c!.denseColumns, nonZeros: p1 - p0 },
            fill: (out) => {
              out.dense.set(c!.dense.subarray(r0 * dd, r1 * dd));
              for (let i = r0; i <= r1; i++) out.rowStart[i - r0] = c!.rowStart[i] - p0;
              out.sparseColumn.set(c!.sparseColumn.subarray(p0, p1));
              out.sparseValue.set(c!.sparseValue.subarray(p0, p1));
            },
            y: matrices[k].y.subarray(r0, r1),
          };
        });
        const local = await BinaryLogisticKernel.create(parts, rowWeight);
        if (!local) throw new Error('no kernel');
        for (const r of remotes) await r.ready;
        return new LogisticPasses(first.d, chunkRows, made.map((c) => c!.n), local, remotes);
      }
      const own = matrices.map(({ m, y }) => {
        const { r0, r1 } = shardRange(m.n, chunkRows, threads, 0);
        return { view: rowsOf(m, r0, r1), y: y.subarray(r0, r1) };
      });
      const theirs = (s: number) => matrices.map(({ m, y }) => {
        const { r0, r1 } = shardRange(m.n, chunkRows, threads, s);
        return { view: rowsOf(m, r0, r1), y: y.slice(r0, r1) };
      });
      let denseColumns: Int32Array;
      let ownCounts: Float64Array[];
      if (remotes.length && matrices.every(({ m }) => isShared(m.X))) {
        for (const [i, r] of remotes.entries()) {
          await r.hello;
          const parts = theirs(i + 1).map(({ view, y }) => ({ X: view.X, n: view.n, y }));
          r.worker.post({ type: 'count', d: matrices[0].m.d, rowWeight, chunkRows, parts } satisfies ShardCount);
        }
        ownCounts = own.map(({ view }) => columnNonZeros(view));
        const all = await Promise.all(remotes.map((r) => r.counts));
        const total = Float64Array.from(ownCounts[0]);
        for (const c of all) c[0].forEach((v, j) => (total[j] += v));
        denseColumns = denseColumnsOf(total, n0);
        for (const r of remotes) r.worker.post({ type: 'layout', denseColumns });
      } else {
        const firstCounts = columnNonZeros(matrices[0].m);
        denseColumns = denseColumnsOf(firstCounts, n0);
        const first = layoutOf(n0, firstCounts, denseColumns);
        for (const [i, r] of remotes.entries()) {
          const parts: ShardPart[] = theirs(i + 1).map(({ view, y }) => {
            const layout = compactLayout(view, first);
            const size = compactSizes(layout);
            const arrays: CompactArrays = { dense: new Float32Array(size.dense), rowStart: new Int32Array(size.rowStart), sparseColumn: new Int32Array(size.entries), sparseValue: new Float32Array(size.entries) };
            compactInto(view, layout, arrays);
            return { n: view.n, nonZeros: layout.nonZeros, ...arrays, y };
          });
          await r.hello;
          r.worker.post({ type: 'init', d: first.d, denseColumns, rowWeight, chunkRows, parts } satisfies ShardInit,
            parts.flatMap((p) => [p.dense.buffer, p.rowStart.buffer, p.sparseColumn.buffer, p.sparseValue.buffer, p.y.buffer]));
        }
        // Without workers this thread's first matrix is the whole training matrix, already counted.
        ownCounts = own.map(({ view }, i) => (i === 0 && !remotes.length ? firstCounts : columnNonZeros(view)));
      }
      const parts: KernelPart[] = own.map(({ view, y }, i) => {
        const layout = layoutOf(view.n, ownCounts[i], denseColumns);
        return { layout, fill: (out) => void compactInto(view, layout, out), y };
      });
      const local = await BinaryLogisticKernel.create(parts, rowWeight);
      if (!local) throw new Error('no kernel');
      for (const r of remotes) await r.ready;
      return new LogisticPasses(matrices[0].m.d, chunkRows, matrices.map(({ m }) => m.n), local, remotes);
    } catch (e) {
      for (const r of remotes) r.worker.terminate();
      if (!remotes.length) {
        if (e instanceof Error && e.message === 'no kernel') return null;
        throw e;
      }
      // Some worker failed: one thread does it all.
      return LogisticPasses.create(matrices, rowWeight, { ...opts, shards: 1 });
    }
  }

  /** Rows of matrix `which`. */
  rowsOf(which: number): number {
    return this.rows[which];
  }

  /** One pass over matrix `which` at theta: its sums, and (when `grad` is given) ∂(Σ s·CE)/∂(v, c) added into it. */
  async pass(which: number, theta: Float64Array, grad: Float64Array | null, checkpoint: Checkpoint): Promise<PassSums> {
    const size = partialSize(this.d);
    const total = chunkCount(this.rows[which], this.chunkRows);
    const partials = new Float64Array(total * size);
    const gradient = grad !== null;
    const remote = this.remotes.map((r) => {
      const id = this.nextId++;
      const done = new Promise<Float64Array>((resolve, reject) => {
        if (r.failed) return reject(r.failed);
        r.pending.set(id, { resolve, reject });
      }).then((p) => partials.set(p, r.firstChunk[which] * size));
      done.catch(() => {}); // seen by the Promise.all below, or dropped with a cancelled pass
      r.worker.post({ type: 'pass', id, which, theta, gradient });
      return done;
    });
    this.local.setWeights(theta);
    const n = this.local.rowsOf(which);
    for (let c = 0, start = 0; start < n; c++, start += this.chunkRows) {
      this.local.chunk(which, start, Math.min(n, start + this.chunkRows), gradient, partials, c * size);
      await checkpoint();
    }
    await Promise.all(remote);
    const sums: PassSums = { weighted: 0, loss: 0, correct: 0 };
    for (let c = 0; c < total; c++) {
      const o = c * size;
      sums.weighted += partials[o];
      sums.loss += partials[o + 1];
      sums.correct += partials[o + 2];
    }
    if (grad) {
      for (let j = 0; j <= this.d; j++) {
        let g = 0;
        for (let c = 0; c < total; c++) g += partials[c * size + 3 + j];
        grad[j] += g;
      }
    }
    return sums;
  }

  /** Threads the passes run on. */
  get threads(): number {
    return this.remotes.length + 1;
  }

  /** Stops the workers (after the solve, or when it is cancelled). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const r of this.remotes) {
      r.worker.terminate();
      for (const p of r.pending.values()) p.reject(new EnclaveError('cancelled', 'Cancelled.'));
      r.pending.clear();
    }
  }
}

/** Wires a remote's messages: 'hello' (listening), 'counts', 'ready' (laid out), each pass's partials, failures. */
function listen(r: Remote): Pick<Remote, 'hello' | 'counts' | 'ready'> {
  const settle = <T>() => {
    let resolve!: (v: T) => void, reject!: (e: Error) => void;
    const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
    promise.catch(() => {}); // awaited where needed; a failure before then must not be unhandled
    return { promise, resolve, reject };
  };
  const hello = settle<void>(), counts = settle<Float64Array[]>(), ready = settle<void>();
  const failAll = (e: Error) => {
    r.failed ??= e;
    hello.reject(e), counts.reject(e), ready.reject(e);
    for (const p of r.pending.values()) p.reject(e);
    r.pending.clear();
  };
  r.worker.listen((message) => {
    const m = message as { type?: string; id?: number; partials?: Float64Array; counts?: Float64Array[]; message?: string };
    if (m?.type === 'hello') return hello.resolve();
    if (m?.type === 'counts') return counts.resolve(m.counts!);
    if (m?.type === 'ready') return ready.resolve();
    if (m?.type === 'partials' && typeof m.id === 'number') {
      const p = r.pending.get(m.id);
      r.pending.delete(m.id);
      return p?.resolve(m.partials!);
    }
    if (m?.type === 'error') {
      const e = new EnclaveError('internal', `A logistic regression worker failed: ${m.message ?? 'no reason given'}.`);
      if (typeof m.id === 'number') {
        const p = r.pending.get(m.id);
        r.pending.delete(m.id);
        return p?.reject(e);
      }
      return failAll(e);
    }
  }, (e) => failAll(e));
  return { hello: hello.promise, counts: counts.promise, ready: ready.promise };
}
