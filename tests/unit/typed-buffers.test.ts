import { afterEach, describe, expect, it } from 'vitest';
import { ColumnBuilder } from '../../src/lib/core/infer.ts';
import { F64, I32, U8, shareLargeBuffers } from '../../src/lib/core/typed-buffers.ts';

describe('shareLargeBuffers (the import job reads a table its helper then reads in place)', () => {
  afterEach(() => shareLargeBuffers(false));

  it('makes buffers of a megabyte or more in shared memory while on, and none once off', () => {
    shareLargeBuffers(true);
    const big = [new F64(0), new U8(0), new I32(0)];
    for (const b of big) b.reserve(1 << 20);
    for (const b of big) expect(b.a.buffer).toBeInstanceOf(SharedArrayBuffer);
    const small = new F64(0);
    small.reserve(1000);
    expect(small.a.buffer).toBeInstanceOf(ArrayBuffer);
    shareLargeBuffers(false);
    const after = new F64(0);
    after.reserve(1 << 20);
    expect(after.a.buffer).toBeInstanceOf(ArrayBuffer);
  });

  it('keeps what a buffer holds when it grows into shared memory', () => {
    const b = new F64(4);
    for (let i = 0; i < 10; i++) b.push(i / 4);
    shareLargeBuffers(true);
    b.reserve(1 << 18); // 2 MB
    expect(b.a.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(b.take().subarray(0, 10))).toEqual(Array.from({ length: 10 }, (_, i) => i / 4));
  });

  it('gives a column read in shared memory the same cells as one read without', () => {
    const build = () => {
      const c = new ColumnBuilder('x');
      c.reserve(200_000);
      for (let i = 0; i < 200_000; i++) c.pushValue(i % 7 === 0 ? null : i / 8);
      return c.finish();
    };
    const plain = build();
    shareLargeBuffers(true);
    const shared = build();
    expect(shared.kind === 'numeric' && shared.values.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(shared).toEqual(plain);
  });
});
