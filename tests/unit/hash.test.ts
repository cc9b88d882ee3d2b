import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashTable, HASH_FORMAT } from '../../src/lib/core/hash.ts';
import { ColumnBuilder } from '../../src/lib/core/infer.ts';
import type { Column, NumericColumn, StringColumn, Table } from '../../src/lib/core/table.ts';

function tableOf(values: Record<string, unknown[]>): Table {
  const names = Object.keys(values);
  const columns = names.map((name) => {
    const b = new ColumnBuilder(name);
    for (const v of values[name]) b.pushValue(v);
    return b.finish();
  });
  return { rowCount: values[names[0]].length, columns };
}

const num = (name: string, values: number[], valid = values.map(() => 1)): NumericColumn =>
  ({ kind: 'numeric', name, type: 'float', values: Float64Array.from(values), valid: Uint8Array.from(valid) });
const str = (name: string, dictionary: string[], codes: number[], valid = codes.map(() => 1)): StringColumn =>
  ({ kind: 'string', name, type: 'categorical', dictionary, codes: Int32Array.from(codes), valid: Uint8Array.from(valid) });

/**
 * The construction documented at the top of src/lib/core/hash.ts, re-implemented as plainly as possible with
 * node:crypto, so the tests fail if hash.ts drifts from its documentation.
 */
function referenceHash(table: Table, pieceBytes = 16 * 1024 * 1024): string {
  const sha = (b: Buffer) => createHash('sha256').update(b).digest();
  const u32 = (x: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(x); return b; };
  const prefixed = (s: string) => { const b = Buffer.from(s, 'utf8'); return Buffer.concat([u32(b.length), b]); };
  const n = table.rowCount;
  const digests = table.columns.map((col) => {
    // A numeric identifier is hashed as the string identifier of its texts String(v).
    const c: Column = col.kind === 'numeric' && col.type === 'identifier' ? asStringIdentifier(col) : col;
    const cells = Array.from({ length: n }, (_, r) => r);
    if (c.kind === 'numeric' && cells.every((r) => c.valid[r] && (c.values[r] === 0 || c.values[r] === 1))) {
      // A 0/1 column with every cell present: its bits, least significant first.
      const bytes = Buffer.alloc(Math.ceil(n / 8));
      for (const r of cells) if (c.values[r] === 1) bytes[Math.floor(r / 8)] += 2 ** (r % 8);
      const stream = Buffer.concat([prefixed(JSON.stringify({ name: c.name, type: c.type, kind: c.kind, rowCount: n, bits: true })), bytes]);
      const pieces: Buffer[] = [];
      for (let o = 0; o < stream.length; o += pieceBytes) pieces.push(sha(stream.subarray(o, o + pieceBytes)));
      return sha(Buffer.concat(pieces));
    }
    const parts = [prefixed(JSON.stringify({ name: c.name, type: c.type, kind: c.kind, rowCount: n }))];
    parts.push(Buffer.from(Array.from(c.valid.subarray(0, n), (v) => (v ? 1 : 0))));
    if (c.kind === 'numeric') {
      for (let r = 0; r < n; r++) {
        const b = Buffer.alloc(8);
        const v = c.valid[r] ? c.values[r] : 0;
        if (Number.isNaN(v)) b.writeUInt32LE(0x7ff80000, 4);
        else b.writeDoubleLE(v === 0 ? 0 : v);
        parts.push(b);
      }
    } else {
      const order = new Map<string, number>(); // string → canonical code, in order of first appearance
      for (let r = 0; r < n; r++) {
        if (!c.valid[r]) { parts.push(u32(0)); continue; }
        const s = c.dictionary[c.codes[r]];
        if (!order.has(s)) order.set(s, order.size);
        parts.push(u32(order.get(s)!));
      }
      parts.push(u32(order.size), ...[...order.keys()].map(prefixed));
    }
    const stream = Buffer.concat(parts);
    const pieces: Buffer[] = [];
    for (let o = 0; o < stream.length; o += pieceBytes) pieces.push(sha(stream.subarray(o, o + pieceBytes)));
    return sha(Buffer.concat(pieces));
  });
  const head = prefixed(JSON.stringify({ format: HASH_FORMAT, rowCount: n, columnCount: table.columns.length }));
  return sha(Buffer.concat([head, ...digests])).toString('hex');
}

function asStringIdentifier(c: NumericColumn): StringColumn {
  const dictionary = Array.from(c.values, (v) => String(v));
  return { kind: 'string', name: c.name, type: 'identifier', dictionary, codes: Int32Array.from(dictionary, (_, i) => i), valid: c.valid };
}

const sample = () => tableOf({ id: [1, 2, 3], species: ['Adelie', 'Gentoo', null], mass: [3.5, null, 4.25], ok: [true, false, true] });

describe('hashTable', () => {
  it('is lowercase hex SHA-256', async () => {
    expect(await hashTable(sample())).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives the same hash for the same data built twice', async () => {
    expect(await hashTable(sample())).toBe(await hashTable(sample()));
  });

  it('gives the same hash whatever the dictionary order, unused or repeated entries', async () => {
    const a = str('s', ['x', 'y'], [0, 1, 0, 0], [1, 1, 0, 1]);
    const b = str('s', ['unused', 'y', 'x'], [2, 1, 1, 2], [1, 1, 0, 1]);
    const c = str('s', ['x', 'y', 'x'], [2, 1, 0, 0], [1, 1, 0, 1]);
    const h = await hashTable({ rowCount: 4, columns: [a] });
    expect(await hashTable({ rowCount: 4, columns: [b] })).toBe(h);
    expect(await hashTable({ rowCount: 4, columns: [c] })).toBe(h);
  });

  it('ignores the value under an absent slot, the sign of zero and the NaN payload', async () => {
    const h = await hashTable({ rowCount: 3, columns: [num('x', [0, NaN, 1], [1, 1, 0])] });
    const payload = new Float64Array(new Uint32Array([1, 0x7ff00000]).buffer)[0]; // a signalling-style NaN
    expect(Number.isNaN(payload)).toBe(true);
    expect(await hashTable({ rowCount: 3, columns: [num('x', [-0, payload, 99], [1, 1, 0])] })).toBe(h);
  });

  it('changes when one cell changes', async () => {
    const other = tableOf({ id: [1, 2, 3], species: ['Adelie', 'Gentoo', null], mass: [3.5, null, 4.26], ok: [true, false, true] });
    expect(await hashTable(other)).not.toBe(await hashTable(sample()));
    const s2 = tableOf({ id: [1, 2, 3], species: ['Adelie', 'Chinstrap', null], mass: [3.5, null, 4.25], ok: [true, false, true] });
    expect(await hashTable(s2)).not.toBe(await hashTable(sample()));
  });

  it('changes when a validity bit changes (a present 0 is not a missing cell)', async () => {
    const a = await hashTable({ rowCount: 2, columns: [num('x', [0, 1], [1, 1])] });
    expect(await hashTable({ rowCount: 2, columns: [num('x', [0, 1], [0, 1])] })).not.toBe(a);
    const s = await hashTable({ rowCount: 2, columns: [str('s', ['a'], [0, 0], [1, 1])] });
    expect(await hashTable({ rowCount: 2, columns: [str('s', ['a'], [0, 0], [1, 0])] })).not.toBe(s);
  });

  it('changes when a column is renamed, retyped or the columns reordered', async () => {
    const t = sample();
    const h = await hashTable(t);
    const renamed = t.columns.map((c, i) => (i === 2 ? { ...c, name: 'mass_g' } : c)) as Column[];
    expect(await hashTable({ rowCount: 3, columns: renamed })).not.toBe(h);
    const retyped = t.columns.map((c, i) => (i === 2 ? { ...c, type: 'integer' } : c)) as Column[];
    expect(await hashTable({ rowCount: 3, columns: retyped })).not.toBe(h);
    expect(await hashTable({ rowCount: 3, columns: [...t.columns].reverse() })).not.toBe(h);
  });

  it('matches the documented construction on a tiny table (known answer via node:crypto)', async () => {
    const t: Table = { rowCount: 3, columns: [num('a', [1.5, -0, NaN], [1, 1, 1]), str('b', ['z', 'é', '🐧'], [2, 0, 1], [1, 0, 1])] };
    expect(await hashTable(t)).toBe(referenceHash(t));
    expect(await hashTable({ rowCount: 0, columns: [] })).toBe(referenceHash({ rowCount: 0, columns: [] }));
    const long: Table = { rowCount: 3, columns: [str('t', ['x'.repeat(200_000), 'é'.repeat(90_000), 'y'], [0, 1, 2])] };
    expect(await hashTable(long)).toBe(referenceHash(long));
  });

  it('matches the documented tree when a column spans several pieces', async () => {
    const t = sample();
    for (const pieceBytes of [1, 7, 64]) expect(await hashTable(t, { pieceBytes })).toBe(referenceHash(t, pieceBytes));
    expect(await hashTable(t, { pieceBytes: 7 })).not.toBe(await hashTable(t));
  });

  it('hashes an integer identifier kept as numbers as the string identifier of its texts', async () => {
    const ident = (values: number[], valid = values.map(() => 1)): NumericColumn =>
      ({ kind: 'numeric', name: 'id', type: 'identifier', values: Float64Array.from(values), valid: Uint8Array.from(valid) });
    const cases: [number[], number[]?][] = [
      [[1, 2, 3]],
      [[10, 0, 30, 40], [1, 0, 1, 1]],
      [[5, -3, 5, -0, 0, 12345678901234, -9007199254740991, 2.5, 1e21, NaN, 7], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0]],
      [Array.from({ length: 70_000 }, (_, i) => 70_000 - i)],
      [Array.from({ length: 70_000 }, (_, i) => i * 3), Array.from({ length: 70_000 }, (_, i) => (i % 13 === 0 ? 0 : 1))],
    ];
    for (const [values, valid] of cases) {
      const c = ident(values, valid);
      const t: Table = { rowCount: values.length, columns: [c] };
      const h = await hashTable(t);
      expect(h).toBe(await hashTable({ rowCount: values.length, columns: [asStringIdentifier(c)] }));
      expect(h).toBe(referenceHash(t));
      expect(await hashTable(t, { pieceBytes: 1000 })).toBe(referenceHash(t, 1000));
    }
    // The same as a CSV with an integer id column gave when identifiers were always string columns.
    const built = tableOf({ id: [3, 1, 2], x: [1.5, 2, 3] });
    expect(built.columns[0]).toMatchObject({ kind: 'numeric', type: 'identifier' });
    const asText: Table = { rowCount: 3, columns: [str('id', ['3', '1', '2'], [0, 1, 2]), built.columns[1]] };
    (asText.columns[0] as { type: string }).type = 'identifier';
    expect(await hashTable(built)).toBe(await hashTable(asText));
  });

  it('writes a 0/1 column with every cell present as bits, whether it is held as bits or as doubles', async () => {
    const { indicatorColumn } = await import('../../src/lib/core/indicator-column.ts');
    for (const n of [1, 8, 13, 70_001]) {
      const ones = Array.from({ length: n }, (_, r) => ((r * 7919) % 5 === 0 ? 1 : 0));
      const bits = new Uint8Array(Math.ceil(n / 8) + 2).fill(0xff); // spare bits and bytes set: they must not count
      for (let r = 0; r < n; r++) if (!ones[r]) bits[r >> 3] &= ~(1 << (r & 7));
      const valid = new Uint8Array(n).fill(1);
      const asBits: Table = { rowCount: n, columns: [indicatorColumn('k=a', bits, valid, n), num('f', ones.map((v) => -v * 0))] };
      const asDoubles: Table = { rowCount: n, columns: [num('k=a', ones), num('f', ones.map(() => -0))] };
      (asDoubles.columns[0] as { type: string }).type = 'integer';
      const h = await hashTable(asBits);
      expect(h).toBe(referenceHash(asDoubles));
      expect(await hashTable(asDoubles)).toBe(h);
      expect(await hashTable(asBits, { pieceBytes: 5 })).toBe(referenceHash(asDoubles, 5));
    }
  });

  it('writes a column as doubles once one cell is missing or neither 0 nor 1', async () => {
    for (const [values, valid] of [[[0, 1, 1], [1, 0, 1]], [[0, 1, 2], [1, 1, 1]], [[0, 1, 0.5], [1, 1, 1]], [[0, NaN, 1], [1, 1, 1]]]) {
      const t: Table = { rowCount: 3, columns: [num('x', values, valid)] };
      expect(await hashTable(t)).toBe(referenceHash(t));
    }
    // The same cells, but one of them missing, name a different table.
    expect(await hashTable({ rowCount: 2, columns: [num('x', [0, 1])] })).not.toBe(await hashTable({ rowCount: 2, columns: [num('x', [0, 1], [1, 0])] }));
  });

  it('matches the documented construction across staging-block boundaries (70,000 rows)', async () => {
    const n = 70_000;
    const values = Array.from({ length: n }, (_, i) => (i % 7 === 0 ? NaN : i / 3));
    const codes = Array.from({ length: n }, (_, i) => (i * 7919) % 1000);
    const dictionary = Array.from({ length: 1000 }, (_, i) => `v${i}`.repeat(1 + (i % 5)));
    const t: Table = { rowCount: n, columns: [num('x', values, values.map((_, i) => (i % 11 === 0 ? 0 : 1))), str('s', dictionary, codes)] };
    expect(await hashTable(t)).toBe(referenceHash(t));
    expect(await hashTable(t, { pieceBytes: 100_003 })).toBe(referenceHash(t, 100_003));
  });
});
