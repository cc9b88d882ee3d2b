/** The import preview: first rows with the chosen options, the first lines as they are, suggestions, 64 KiB read. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { previewImport } from '../../src/lib/core/io/preview.ts';
import { bytesSource, type ByteSource } from '../../src/lib/core/io/source.ts';

const SKLEARN = 'tests/fixtures/sklearn';
const file = (name: string) => bytesSource(name, new Uint8Array(readFileSync(`${SKLEARN}/${name}`)));

describe('suggestions for scikit-learn files', () => {
  it('breast_cancer.csv: refused as it is; the count line is found (4 fields, rows have 31) and so is the missing header', async () => {
    const p = await previewImport(file('breast_cancer.csv'));
    expect(p.error?.code).toBe('ragged-rows');
    expect(p.lines[0]).toBe('569,30,malignant,benign');
    expect(p.suggestion?.options).toEqual({ skipLines: 1, header: false });
    expect(p.suggestion?.reasons[0]).toContain('has 4 fields where the rows have 31: skip it');
    const fixed = await previewImport(file('breast_cancer.csv'), p.suggestion!.options);
    expect(fixed.error).toBeNull();
    expect(fixed.suggestion).toBeNull();
    expect(fixed.columns.length).toBe(31);
    expect(fixed.rows[0][0]).toBe(17.99);
    expect(fixed.complete).toBe(false); // 119,913 bytes: the preview read its first 64 KiB only
  });

  it('iris.csv: the "150,4,setosa,…" line is read as a header today; the preview proposes skipping it with no header row', async () => {
    const p = await previewImport(file('iris.csv'));
    expect(p.error).toBeNull();
    expect(p.columns.map((c) => c.name)).toEqual(['150', '4', 'setosa', 'versicolor', 'virginica']);
    expect(p.suggestion?.options).toEqual({ skipLines: 1, header: false });
    const fixed = await previewImport(file('iris.csv'), { skipLines: 1, header: false });
    expect(fixed.rows[0]).toEqual([5.1, 3.5, 1.4, 0.2, 0]);
    expect(fixed.suggestion).toBeNull();
  });
});

describe('import preview', () => {
  it('bytes that are not UTF-8: Latin-1 (Windows-1252) is suggested, and the preview with it shows café', async () => {
    const bytes = Uint8Array.from('name;value\ncaf\xe9;1,5\n', (c) => c.charCodeAt(0));
    const p = await previewImport(bytesSource('l.csv', bytes));
    expect(p.suggestion?.options).toEqual({ encoding: 'windows-1252' });
    const fixed = await previewImport(bytesSource('l.csv', bytes), { encoding: 'windows-1252' });
    expect(fixed.lines).toEqual(['name;value', 'café;1,5', '']);
    expect(fixed.rows).toEqual([['café', 1.5]]);
    expect(fixed.suggestion).toBeNull();
  });

  it('a file that reads well needs nothing', async () => {
    const p = await previewImport(bytesSource('ok.csv', 'a,b\n1,x\n2,y\n3,z\n'));
    expect(p.error).toBeNull();
    expect(p.suggestion).toBeNull();
    expect(p.rows).toEqual([[1, 'x'], [2, 'y'], [3, 'z']]);
  });

  it('reads only the first 64 KiB of a large file (through slice when it has one, else the stream is cancelled)', async () => {
    const line = '1,2,3,4,5,6,7,8\n';
    const big = new TextEncoder().encode('a,b,c,d,e,f,g,h\n' + line.repeat(4_000_000)); // 64 MB
    let pulled = 0;
    const streamed: ByteSource = {
      name: 'big.csv',
      size: big.byteLength,
      stream: () => new ReadableStream<Uint8Array>({
        pull(ctrl) {
          const end = Math.min(big.byteLength, pulled + (1 << 16));
          ctrl.enqueue(big.subarray(pulled, end));
          pulled = end;
          if (end === big.byteLength) ctrl.close();
        },
      }),
    };
    const p = await previewImport(streamed);
    expect(pulled).toBeLessThanOrEqual(3 << 16);
    expect(p.complete).toBe(false);
    expect(p.rows.length).toBe(20);
    let sliced = 0;
    const blob = new Blob([big]);
    const withSlice: ByteSource = { name: 'big.csv', size: big.byteLength, stream: () => { throw new Error('the whole file was streamed'); }, slice: (s, e) => { sliced += e - s; return blob.slice(s, e); } };
    await previewImport(withSlice);
    expect(sliced).toBe(64 * 1024);
  });
});
