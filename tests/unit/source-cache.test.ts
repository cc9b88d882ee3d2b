import { afterEach, describe, expect, it } from 'vitest';
import { dropSource, keepSource, keptSource, receiveSource, sendSource } from '../../src/lib/jobs/source-cache.ts';
import { cell, type Table } from '../../src/lib/core/table.ts';

const N = 1000;

/** Two columns sharing one validity mask, every array in shared memory (as an import with a helper makes them) or not. */
function table(shared: boolean): Table {
  const mem = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const values = new Float64Array(mem(8 * N));
  const codes = new Int32Array(mem(4 * N));
  const valid = new Uint8Array(mem(N)).fill(1);
  for (let i = 0; i < N; i++) (values[i] = i / 3), (codes[i] = i % 3);
  valid[5] = 0;
  return {
    rowCount: N,
    columns: [
      { kind: 'numeric', name: 'x', type: 'float', values, valid },
      { kind: 'string', name: 'c', type: 'categorical', codes, dictionary: ['a', 'b', 'c'], valid }
    ]
  };
}

const cells = (t: Table) => t.columns.map((c) => Array.from({ length: t.rowCount }, (_, r) => cell(c, r)));

afterEach(() => dropSource());

/** Keeps `t`, sends it over a channel and receives it on the other end (both ends here, as two workers would). */
async function moved(hash: string, t: Table): Promise<Table> {
  keepSource(hash, t);
  const { port1, port2 } = new MessageChannel();
  const received = receiveSource(port2);
  sendSource(port1);
  expect(keptSource(hash)).toBeNull(); // let go by the sender before the other side has it
  expect(await received).toBe(true);
  return keptSource(hash)!;
}

describe('moving the kept source table to another data worker', () => {
  it('moves a table in shared memory as plain memory, cell for cell, and the sender keeps nothing', async () => {
    const original = table(true);
    const expected = cells(original);
    const got = await moved('h1', original);
    expect(cells(got)).toEqual(expected);
    for (const c of got.columns) expect(c.valid.buffer).toBeInstanceOf(ArrayBuffer);
    expect(got.columns[0].valid).toStrictEqual(got.columns[1].valid);
    // The shared mask is copied once and still shared by both columns.
    expect(got.columns[0].valid.buffer).toBe(got.columns[1].valid.buffer);
  });

  it('moves plain memory without copying it: the sender’s arrays are detached', async () => {
    const original = table(false);
    const expected = cells(original);
    const got = await moved('h2', original);
    expect(original.columns[0].valid.byteLength).toBe(0);
    expect((original.columns[0] as { values: Float64Array }).values.byteLength).toBe(0);
    expect(cells(got)).toEqual(expected);
  });

  it('keeps nothing when nothing was kept, or what comes is no table, or nothing comes', async () => {
    const send = async (message: unknown, transfer: Transferable[] = []) => {
      const { port1, port2 } = new MessageChannel();
      const received = receiveSource(port2, 200);
      port1.postMessage(message, transfer);
      return received;
    };
    const good = table(false);
    const bad = (patch: (c: Record<string, unknown>) => void): Table => {
      const t = table(false);
      patch(t.columns[1] as unknown as Record<string, unknown>);
      return t;
    };
    {
      const { port1, port2 } = new MessageChannel();
      const received = receiveSource(port2);
      sendSource(port1); // nothing kept: null
      expect(await received).toBe(false);
    }
    expect(await send({ hash: 7, table: good })).toBe(false);
    expect(await send({ hash: 'h', table: { ...good, rowCount: N + 1 } })).toBe(false);
    expect(await send({ hash: 'h', table: bad((c) => (c.codes = new Int32Array(N - 1))) })).toBe(false);
    expect(await send({ hash: 'h', table: bad((c) => (c.dictionary = ['a', 2, 'c'])) })).toBe(false);
    expect(await send({ hash: 'h', table: bad((c) => (c.kind = 'other')) })).toBe(false);
    expect(await send({ hash: 'h', table: bad((c) => (c.valid = [1, 1])) })).toBe(false);
    expect(keptSource('h')).toBeNull();
    const { port2 } = new MessageChannel();
    expect(await receiveSource(port2, 20)).toBe(false); // nothing comes
  });

  it('keeping another table releases the one kept before; keeping the same one again does not', () => {
    const first = table(false), second = table(false);
    keepSource('a', first);
    keepSource('a', first);
    expect(first.columns[0].valid.byteLength).toBe(N);
    keepSource('b', second);
    expect(first.columns[0].valid.byteLength).toBe(0);
    expect(keptSource('a')).toBeNull();
    expect(keptSource('b')).toBe(second);
    dropSource(true);
    expect(second.columns[0].valid.byteLength).toBe(0);
  });
});
