/**
 * Importer edge cases that used to change values silently (issue 9, item 9): numbers too large for a double, decimal
 * commas, bytes that are not UTF-8 or NUL after the first 64 KiB. Both CSV engines, and JSON where it applies.
 */
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../src/lib/core/io/csv.ts';
import { readJson } from '../../src/lib/core/io/json.ts';
import { TextCheck } from '../../src/lib/core/io/text-check.ts';
import { bytesSource, type ReadOptions } from '../../src/lib/core/io/source.ts';
import { profileTable } from '../../src/lib/core/profile.ts';
import { column, rows } from '../../src/lib/core/table.ts';
import { fails } from './errors.ts';

const values = (t: Parameters<typeof rows>[0], name: string) => rows(t).map((r) => r[name]);

describe.each(['fast', 'papa'] as const)('CSV values (engine: %s)', (engine) => {
  const read = (text: string | Uint8Array, opts: ReadOptions = {}, chunk = 1 << 16) => readCsv(bytesSource('v.csv', text, chunk), { engine, ...opts });

  describe('numbers too large for a 64-bit float (1e309)', () => {
    it('are read as missing, not Infinity, with a warning naming the column, how many and the first line', async () => {
      const { table, warnings } = await read('id,b\n1,1e309\n2,3\n3,-1e400\n4,1e309\n5,5\n');
      expect(values(table, 'b')).toEqual([null, 3, null, null, 5]);
      expect(column(table, 'b')!.type).toBe('integer');
      expect(warnings).toEqual(['Column "b": 3 numbers are too large for a 64-bit float (the first, "1e309", on line 2); they were read as missing values.']);
      // They no longer drop silently out of the statistics: they are counted as missing.
      const b = profileTable(table).columns.find((c) => c.name === 'b')!;
      expect([b.missing, 'mean' in b && b.mean]).toEqual([3, 4]);
    });

    it('are all counted when the same text repeats (a cached cell is counted too)', async () => {
      const text = 'b\n' + Array.from({ length: 40 }, (_, i) => (i % 4 === 3 ? '1e309' : String(i % 3))).join('\n') + '\n';
      const { table, warnings } = await read(text, {}, 7);
      expect(values(table, 'b').filter((v) => v === null)).toHaveLength(10);
      expect(warnings).toEqual(['Column "b": 10 numbers are too large for a 64-bit float (the first, "1e309", on line 5); they were read as missing values.']);
    });

    it('keep their text when the column turns out to be text', async () => {
      const { table, warnings } = await read('b\n1e309\n2\nabc\n');
      expect(values(table, 'b')).toEqual(['1e309', '2', 'abc']);
      expect(warnings).toEqual([]);
    });

    it('name the line through blank lines and quoted line breaks', async () => {
      const { warnings } = await read('a,b\n"x\ny",1\n\n"z",1e999\n');
      expect(warnings).toEqual(['Column "b": 1 number is too large for a 64-bit float (the first, "1e999", on line 5); it was read as a missing value.']);
    });
  });

  describe('decimal commas', () => {
    it('are read the same through the fast path, whatever the chunking', async () => {
      const text = 'k;v\n' + Array.from({ length: 3000 }, (_, i) => `${i};${i % 50},${i % 7}`).join('\n') + '\n';
      const { table, warnings } = await read(text, {}, 997);
      expect(values(table, 'v').slice(0, 3)).toEqual([0, 1.1, 2.2]);
      expect(column(table, 'v')!.type).toBe('float');
      expect(warnings).toEqual(['Column "v" writes decimals with a comma ("0,0"): read as numbers (0).']);
      // A decimal point far down the column still makes it text (the fast path must not take 2.5 as a known value).
      const mixed = await read(text + '3000;1.1\n', {}, 997);
      expect(column(mixed.table, 'v')!.type).not.toBe('float');
      expect(values(mixed.table, 'v').at(-1)).toBe('1.1');
    });

    it('are read as decimals in a ";" file whose column writes every decimal with a comma, and said so', async () => {
      const { table, warnings, delimiter } = await read('name;price;qty\na;1,5;1\nb;2,25;2\nc;3;3\nd;1.234,5;4\n');
      expect(delimiter).toBe(';');
      expect(values(table, 'price')).toEqual([1.5, 2.25, 3, 1234.5]);
      expect(column(table, 'price')!.type).toBe('float');
      expect(warnings).toEqual(['Column "price" writes decimals with a comma ("1,5"): read as numbers (1.5).']);
    });

    it('read 1,234 as text where it may be a thousands separator, unless the column already writes decimals with commas', async () => {
      const tsv = await read('n\tv\na\t1,234\nb\t12,500\n');
      expect(values(tsv.table, 'v')).toEqual(['1,234', '12,500']);
      expect(tsv.warnings).toEqual([]);
      const semi = await read('n;v\na;1,5\nb;1,234\n');
      expect(values(semi.table, 'v')).toEqual([1.5, 1.234]);
    });

    it('are kept as text, with a warning, when the column also has decimal points', async () => {
      const { table, warnings } = await read('name;p\na;1,5\nb;2.5\nc;1,5\n');
      expect(values(table, 'p')).toEqual(['1,5', '2.5', '1,5']);
      expect(warnings).toEqual(['Column "p" has numbers with a decimal comma ("1,5") and with a decimal point ("2.5"), so it was read as text. Make them all one way to read it as numbers.']);
    });

    it('are suggested in a warning where they cannot be read as decimals (a "," file)', async () => {
      const { table, warnings } = await read('name,p\na,"1,5"\nb,"2,25"\nc,3\n');
      expect(values(table, 'p')).toEqual(['1,5', '2,25', '3']);
      expect(warnings).toEqual(['Column "p" looks like numbers written with a decimal comma ("1,5"); it was read as text. Save the file with ";" as its delimiter to read them as numbers.']);
    });
  });
});

/** A CSV of `lines` clean lines (well past the first 64 KiB), then `tail` bytes. */
function withTail(tail: number[], lines = 10_000): Uint8Array {
  const head = new TextEncoder().encode('id,name,n\n' + Array.from({ length: lines }, (_, i) => `${i},José,${i}`).join('\n') + '\n');
  const out = new Uint8Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}
const latin1 = (s: string) => Array.from(s, (c) => c.charCodeAt(0));

describe.each(['fast', 'papa'] as const)('bytes that are not UTF-8, or NUL, after the first 64 KiB (engine: %s)', (engine) => {
  const read = (bytes: Uint8Array, chunk = 1 << 16) => readCsv(bytesSource('u.csv', bytes, chunk), { engine });

  it('are counted and located (line and character of the first), not silently replaced', async () => {
    // Line 10,002: "10000,Jos\xe9,1" in Latin-1 (é as one byte): 10,002 lines in, well past 64 KiB.
    const bytes = withTail([...latin1('10000,Jos\xe9,1\n10001,Ana,2\n10002,M\xe1laga,3\n')]);
    expect(bytes.length).toBeGreaterThan(128 * 1024);
    for (const chunk of [1 << 16, 4093]) {
      const { table, warnings } = await read(bytes, chunk);
      expect(table.rowCount).toBe(10_003);
      expect(warnings).toEqual([
        'The file is not valid UTF-8: 2 byte sequences could not be read (the first at line 10002, character 10); they were replaced with "\uFFFD". If it came from Excel, save it as "CSV UTF-8" to keep accented letters.',
      ]);
    }
  });

  it('a NUL byte far into the file refuses it, as one at the start does, naming line and character', async () => {
    const err = await fails(read(withTail([...latin1('10000,Ana,12'), 0, ...latin1('3\n')])));
    expect(err.code).toBe('binary-file');
    expect(err.message).toContain('NUL byte at line 10002, character 13');
  });

  it('counts a multi-byte character cut by a chunk boundary as valid', async () => {
    const bytes = withTail([...new TextEncoder().encode('10000,Zoë,1\n')]);
    for (let chunk = 4090; chunk < 4100; chunk++) expect((await read(bytes, chunk)).warnings).toEqual([]);
  });
});

describe('TextCheck locates the first bad byte whatever the chunking and line endings', () => {
  /** Reference: decode the bytes before it (all valid) and count breaks and characters in the text. */
  function naive(bytes: Uint8Array, at: number) {
    const before = new TextDecoder().decode(bytes.subarray(0, at));
    const breaks = before.match(/\r\n|\r|\n/g)?.length ?? 0;
    const last = Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r'));
    return { line: breaks + 1, column: [...before.slice(last + 1)].length + 1 };
  }
  it('on random texts with LF, CRLF and CR, accents and one bad byte or NUL', () => {
    let seed = 11;
    const r = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const atoms = ['a', 'bc', ',', 'é', 'Zoë', '日本', '\n', '\r\n', '\r', '12345678'];
    for (let k = 0; k < 300; k++) {
      let text = '';
      for (let n = Math.floor(r() * 400); n > 0; n--) text += atoms[Math.floor(r() * atoms.length)];
      const clean = new TextEncoder().encode(text);
      const at = Math.floor(r() * (clean.length + 1));
      // Insert at a character boundary: the start of a UTF-8 sequence.
      let cut = at;
      while (cut < clean.length && (clean[cut] & 0xc0) === 0x80) cut++;
      const nul = r() < 0.3;
      const bytes = new Uint8Array(clean.length + 1);
      bytes.set(clean.subarray(0, cut));
      bytes[cut] = nul ? 0 : 0xff;
      bytes.set(clean.subarray(cut), cut + 1);
      const check = new TextCheck();
      let thrown: unknown = null;
      try {
        for (let i = 0; i < bytes.length; ) {
          const step = 1 + Math.floor(r() * 23);
          check.push(r() < 0.5 ? bytes.slice(i, i + step) : bytes.subarray(i, i + step)); // aligned or not
          i += step;
        }
        check.end();
      } catch (e) {
        thrown = e;
      }
      const want = naive(bytes, cut);
      if (nul) expect((thrown as { detail: unknown }).detail, JSON.stringify(text)).toMatchObject(want);
      else expect([check.invalid, check.first], JSON.stringify(text)).toEqual([1, want]);
    }
  });
});

describe('bytes that are not UTF-8 in JSON', () => {
  it('are counted and located in JSON too', async () => {
    const text = [...latin1('[{"name":"Jos\xe9"},\n{"name":"Ana"}]')];
    const { warnings } = await readJson(bytesSource('r.json', Uint8Array.from(text)));
    expect(warnings).toEqual([
      'The file is not valid UTF-8: 1 byte sequence could not be read (the first at line 1, character 14); it was replaced with "\uFFFD". If it came from Excel, save it as "CSV UTF-8" to keep accented letters.',
    ]);
  });
});

describe('JSON numbers too large for a 64-bit float', () => {
  it('are read as missing, with a warning naming the field and the record', async () => {
    const { table, warnings } = await readJson(bytesSource('r.json', '[{"x":1},{"x":1e309},{"x":2}]'));
    expect(values(table, 'x')).toEqual([1, null, 2]);
    expect(warnings).toEqual(['Column "x": 1 number is infinite or too large for a 64-bit float (the first in record 2); it was read as a missing value.']);
  });
});
