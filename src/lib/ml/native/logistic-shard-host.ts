/**
 * The worker side of the sharded logistic passes (native/logistic-shards.ts): one shard's compact rows, laid out in
 * its own kernel instance, and a pass over its chunks for each message. The messages (plain data, buffers moved):
 *   → { type: 'init', d, denseColumns, rowWeight, chunkRows, parts: [{ n, nonZeros, dense, rowStart, sparseColumn, sparseValue, y }] }
 *   ← { type: 'ready' } | { type: 'error', message }
 *   → { type: 'pass', id, which, theta, gradient }
 *   ← { type: 'partials', id, partials } (partialSize(d) values a chunk, in chunk order) | { type: 'error', id, message }
 */
import { BinaryLogisticKernel, partialSize } from './logistic.ts';

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
  let init: ShardInit | null = null;
  channel.listen(async (message) => {
    const m = message as ShardInit | ShardPass;
    if (m?.type === 'init') {
      try {
        init = m;
        const parts = m.parts.map((p) => ({
          layout: { n: p.n, d: m.d, denseColumns: m.denseColumns, nonZeros: p.nonZeros },
          fill: (out: { dense: Float32Array; rowStart: Int32Array; sparseColumn: Int32Array; sparseValue: Float32Array }) => {
            out.dense.set(p.dense), out.rowStart.set(p.rowStart), out.sparseColumn.set(p.sparseColumn), out.sparseValue.set(p.sparseValue);
          },
          y: p.y,
        }));
        kernel = await BinaryLogisticKernel.create(parts, m.rowWeight);
        init.parts = []; // the copies in the kernel's memory are the ones used: let these go
        channel.post(kernel ? { type: 'ready' } : { type: 'error', message: 'The logistic kernel could not be laid out here.' });
      } catch (e) {
        channel.post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
      }
      return;
    }
    if (m?.type === 'pass') {
      try {
        if (!kernel || !init) throw new Error('A pass before the shard was laid out.');
        const chunks = chunkCount(kernel.rowsOf(m.which), init.chunkRows);
        const partials = new Float64Array(chunks * partialSize(init.d));
        kernel.setWeights(m.theta);
        shardPass(kernel, m.which, init.chunkRows, m.gradient, partials, 0, init.d);
        channel.post({ type: 'partials', id: m.id, partials }, [partials.buffer]);
      } catch (e) {
        channel.post({ type: 'error', id: m.id, message: e instanceof Error ? e.message : String(e) });
      }
    }
  });
}
