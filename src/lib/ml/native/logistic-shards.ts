/**
 * The binary logistic passes of the L-BFGS solve over every core: each matrix's rows are cut into chunks of
 * `chunkRows`, the chunks into contiguous shards, one per core. This thread runs the first shard in its own kernel
 * (yielding between chunks, so a cancel is seen); each other shard runs in a worker (native/shard-worker.ts) holding
 * its own compact copy of its rows. Every chunk's sums are kept apart and added up here in chunk order, so a solve
 * gives the same weights, bit for bit, on one core or eight.
 */
import { EnclaveError } from '../../core/errors.ts';
import type { Matrix } from '../matrix.ts';
import type { CompactRows } from '../solvers/compact-rows.ts';
import { BinaryLogisticKernel, partialSize, type KernelPart, type PassSums } from './logistic.ts';
import { chunkCount } from './logistic-shard-host.ts';
import { layCompactRows, layCopiedMatrices, laySharedMatrices, shardRange } from './shard-layout.ts';
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
   * Lays out the matrices (the first chooses the dense columns) over the shards, from compact rows, shared dense
   * matrices or other dense ones (native/shard-layout.ts). Null when the kernel is unavailable here (the caller's
   * JavaScript pass runs instead). Workers that fail to start leave their rows to this thread.
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
      const layout = { remotes: remotes.map((r) => ({ post: r.worker.post, hello: r.hello, counts: r.counts })), chunkRows, rowWeight };
      const ms = matrices.map(({ m }) => m), ys = matrices.map(({ y }) => y);
      const made = ms.map((m) => m.compact);
      const parts = made.every((c): c is CompactRows => !!c && sameColumns(c.denseColumns, made[0]!.denseColumns))
        ? await layCompactRows(made, ys, layout)
        : remotes.length && ms.every((m) => isShared(m.X))
          ? await laySharedMatrices(ms, ys, layout)
          : await layCopiedMatrices(ms, ys, layout);
      const local = await BinaryLogisticKernel.create(parts, rowWeight);
      if (!local) throw new Error('no kernel');
      for (const r of remotes) await r.ready;
      return new LogisticPasses(ms[0].d, chunkRows, ms.map((m) => m.n), local, remotes);
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
