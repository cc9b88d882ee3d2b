/**
 * The worker side of the sharded logistic passes (native/logistic-shards.ts): one shard's compact rows, laid out in
 * its own kernel instance, and a pass over its chunks for each message. The messages (plain data, buffers moved):
 *   → { type: 'init', d, denseColumns, rowWeight, chunkRows, parts: [{ n, nonZeros, dense, rowStart, sparseColumn, sparseValue, y }] }
 *   ← { type: 'ready' } | { type: 'error', message }
 * or, where the rows are in shared memory (each matrix's rows read in place):
 *   → { type: 'count', d, rowWeight, chunkRows, parts: [{ X, n, y }] }
 *   ← { type: 'counts', counts: [per part, each column's non-zeros] }
 *   → { type: 'layout', denseColumns }   (chosen from every shard's counts)
 *   ← { type: 'ready' } | { type: 'error', message }
 * then
 *   → { type: 'pass', id, which, theta, gradient }
 *   ← { type: 'partials', id, partials } (partialSize(d) values a chunk, in chunk order) | { type: 'error', id, message }
 */
import { columnNonZeros, compactInto, layoutOf } from '../solvers/compact-rows.ts';
import { BinaryLogisticKernel, partialSize, type KernelPart } from './logistic.ts';

/** What a shard needs of its side of the channel (a web worker's scope, or node:worker_threads' parentPort). */
export interface ShardChannel {
  post(message: unknown, transfer?: Transferable[]): void;
  listen(handler: (message: unknown) => void): void;
}

export interface ShardPart {
  n: number;
  nonZeros: number;
  dense: Float32Array;
  rowStart: Int32Array;
  sparseColumn: Int32Array;
  sparseValue: Float32Array;
  y: Int32Array;
}

export interface ShardInit {
  type: 'init';
  d: number;
  denseColumns: Int32Array;
  rowWeight: Float32Array | null;
  chunkRows: number;
  parts: ShardPart[];
}

export interface ShardCount {
  type: 'count';
  d: number;
  rowWeight: Float32Array | null;
  chunkRows: number;
  /** Row-major rows (X in shared memory) and their labels. */
  parts: { X: Float32Array; n: number; y: Int32Array }[];
}

export interface ShardLayout {
  type: 'layout';
  denseColumns: Int32Array;
}

export interface ShardPass {
  type: 'pass';
  id: number;
  which: number;
  theta: Float64Array;
  gradient: boolean;
}

/** The chunks of rows [0, n) of one shard: chunkRows each, the last one shorter. */
export function chunkCount(n: number, chunkRows: number): number {
  return Math.ceil(n / chunkRows);
}

/** Every chunk of matrix `which` at theta: their sums, in chunk order, into `out` from `offset`. */
export function shardPass(kernel: BinaryLogisticKernel, which: number, chunkRows: number, gradient: boolean, out: Float64Array, offset: number, d: number): void {
  const n = kernel.rowsOf(which);
  const size = partialSize(d);
  for (let c = 0, start = 0; start < n; c++, start += chunkRows) kernel.chunk(which, start, Math.min(n, start + chunkRows), gradient, out, offset + c * size);
}

export function serveShard(channel: ShardChannel): void {
  let kernel: BinaryLogisticKernel | null = null;
  let settings: { d: number; chunkRows: number } | null = null;
  let counted: { request: ShardCount; counts: Float64Array[] } | null = null;
  const failed = (e: unknown, id?: number) => channel.post({ type: 'error', ...(id === undefined ? {} : { id }), message: e instanceof Error ? e.message : String(e) });
  const layOut = async (parts: KernelPart[], rowWeight: Float32Array | null) => {
    kernel = await BinaryLogisticKernel.create(parts, rowWeight);
    channel.post(kernel ? { type: 'ready' } : { type: 'error', message: 'The logistic kernel could not be laid out here.' });
  };
  channel.listen(async (message) => {
    const m = message as ShardInit | ShardCount | ShardLayout | ShardPass;
    try {
      if (m?.type === 'init') {
        settings = { d: m.d, chunkRows: m.chunkRows };
        await layOut(m.parts.map((p) => ({
          layout: { n: p.n, d: m.d, denseColumns: m.denseColumns, nonZeros: p.nonZeros },
          fill: (out) => {
            out.dense.set(p.dense), out.rowStart.set(p.rowStart), out.sparseColumn.set(p.sparseColumn), out.sparseValue.set(p.sparseValue);
          },
          y: p.y,
        })), m.rowWeight);
        m.parts = []; // the copies in the kernel's memory are the ones used: let these go
      } else if (m?.type === 'count') {
        settings = { d: m.d, chunkRows: m.chunkRows };
        const counts = m.parts.map((p) => columnNonZeros({ X: p.X, n: p.n, d: m.d }));
        counted = { request: m, counts };
        channel.post({ type: 'counts', counts });
      } else if (m?.type === 'layout') {
        if (!counted) throw new Error('A layout before the rows were counted.');
        const { request, counts } = counted;
        counted = null;
        await layOut(request.parts.map((p, i) => {
          const view = { X: p.X, n: p.n, d: request.d };
          const layout = layoutOf(p.n, counts[i], m.denseColumns);
          return { layout, fill: (out) => void compactInto(view, layout, out), y: p.y };
        }), request.rowWeight);
      } else if (m?.type === 'pass') {
        try {
          if (!kernel || !settings) throw new Error('A pass before the shard was laid out.');
          const chunks = chunkCount(kernel.rowsOf(m.which), settings.chunkRows);
          const partials = new Float64Array(chunks * partialSize(settings.d));
          kernel.setWeights(m.theta);
          shardPass(kernel, m.which, settings.chunkRows, m.gradient, partials, 0, settings.d);
          channel.post({ type: 'partials', id: m.id, partials }, [partials.buffer]);
        } catch (e) {
          failed(e, m.id);
        }
      }
    } catch (e) {
      failed(e);
    }
  });
}
