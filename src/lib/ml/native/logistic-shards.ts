/**
 * The binary logistic passes of the L-BFGS solve over every core: each matrix's rows are cut into chunks of
 * `chunkRows`, the chunks into contiguous shards, one per core. This thread runs the first shard in its own kernel
 * (yielding between chunks, so a cancel is seen); each other shard runs in a worker (native/shard-worker.ts) holding
 * its own compact copy of its rows. Every chunk's sums are kept apart and added up here in chunk order, so a solve
 * gives the same weights, bit for bit, on one core or eight.
 */
import { EnclaveError } from '../../core/errors.ts';
import type { Matrix } from '../matrix.ts';
import { compactInto, compactLayout, compactSizes, type CompactArrays, type CompactLayout } from '../solvers/compact-rows.ts';
import { BinaryLogisticKernel, partialSize, type KernelPart, type PassSums } from './logistic.ts';
import { chunkCount, shardPass, type ShardInit, type ShardPart } from './logistic-shard-host.ts';
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
  /** Settles once the worker has laid out its rows. */
  ready?: Promise<void>;
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
   */
  static async create(matrices: { m: Matrix; y: Int32Array }[], rowWeight: Float32Array | null, opts: ShardOptions = {}): Promise<LogisticPasses | null> {
    if (!matrices.length) return null;
    const chunkRows = opts.chunkRows ?? CHUNK_ROWS;
    const first = compactLayout(matrices[0].m);
    const n0 = matrices[0].m.n;
    const wanted = opts.shards ?? (n0 >= PARALLEL_ROWS ? Math.min(MAX_SHARDS, await coreCount()) : 1);
    const shards = Math.max(1, Math.min(wanted, chunkCount(n0, chunkRows)));
    const remotes: Remote[] = [];
    try {
      // The workers' rows first: each starts copying them into its kernel while the next is compacted here.
      for (let s = 1; s < shards; s++) {
        const worker = await spawnShardWorker();
        if (!worker) break;
        const remote: Remote = { worker, firstChunk: [], pending: new Map(), failed: null };
        remotes.push(remote);
        const ready = listen(remote);
        const parts: ShardPart[] = matrices.map(({ m, y }) => {
          const { c0, r0, r1 } = shardRange(m.n, chunkRows, shards, s);
          remote.firstChunk.push(c0);
          const view = rowsOf(m, r0, r1);
          const layout = compactLayout(view, first);
          const size = compactSizes(layout);
          const arrays: CompactArrays = { dense: new Float32Array(size.dense), rowStart: new Int32Array(size.rowStart), sparseColumn: new Int32Array(size.entries), sparseValue: new Float32Array(size.entries) };
          compactInto(view, layout, arrays);
          return { n: view.n, nonZeros: layout.nonZeros, ...arrays, y: y.slice(r0, r1) };
        });
        const init: ShardInit = { type: 'init', d: first.d, denseColumns: first.denseColumns, rowWeight, chunkRows, parts };
        await ready.hello;
        worker.post(init, parts.flatMap((p) => [p.dense.buffer, p.rowStart.buffer, p.sparseColumn.buffer, p.sparseValue.buffer, p.y.buffer]));
        remote.ready = ready.ready;
      }
      // This thread's shard: every row the workers do not hold.
      const localShards = remotes.length + 1;
      const rows: number[] = [];
      const parts: KernelPart[] = matrices.map(({ m, y }, i) => {
        const { r0, r1 } = remotes.length ? shardRange(m.n, chunkRows, shards, 0) : { r0: 0, r1: m.n };
        rows.push(r1 - r0);
        const view = rowsOf(m, r0, r1);
        const layout: CompactLayout = i === 0 && !remotes.length ? first : compactLayout(view, first);
        return { layout, fill: (out) => void compactInto(view, layout, out), y: y.subarray(r0, r1) };
      });
      if (localShards !== shards && remotes.length) throw new Error('A shard worker did not start.');
      const local = await BinaryLogisticKernel.create(parts, rowWeight);
      if (!local) throw new Error('no kernel');
      for (const r of remotes) await r.ready;
      return new LogisticPasses(first.d, chunkRows, matrices.map(({ m }) => m.n), local, remotes);
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

/** Wires a remote's messages: 'hello' (listening), 'ready' (laid out), each pass's partials, failures. */
function listen(r: Remote): { hello: Promise<void>; ready: Promise<void> } {
  let hello!: () => void, ready!: () => void, fail!: (e: Error) => void, failEarly!: (e: Error) => void;
  const helloP = new Promise<void>((res, rej) => ((hello = res), (failEarly = rej)));
  const readyP = new Promise<void>((res, rej) => ((ready = res), (fail = rej)));
  helloP.catch(() => {});
  readyP.catch(() => {});
  const failAll = (e: Error) => {
    r.failed ??= e;
    failEarly(e);
    fail(e);
    for (const p of r.pending.values()) p.reject(e);
    r.pending.clear();
  };
  r.worker.listen((message) => {
    const m = message as { type?: string; id?: number; partials?: Float64Array; message?: string };
    if (m?.type === 'hello') return hello();
    if (m?.type === 'ready') return ready();
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
  return { hello: helloP, ready: readyP };
}
