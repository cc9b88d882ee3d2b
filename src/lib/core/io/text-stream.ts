/**
 * Byte streams made ready for the text readers, which read UTF-8: other encodings transcoded as they stream
 * (a UTF-16 byte order mark is honoured by itself), and the lines before the header left out.
 */
import type { TextEncoding } from './import-options.ts';

/** The encoding a byte order mark at the start of `b` announces, or null. */
export function bomEncoding(b: Uint8Array): TextEncoding | null {
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return 'utf-8';
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return 'utf-16le';
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return 'utf-16be';
  return null;
}

/**
 * The chunks of `input` as UTF-8: as they are when the encoding is UTF-8 (given, or by default without a UTF-16
 * byte order mark), else decoded and re-encoded chunk by chunk (a character cut between chunks is joined; a BOM is
 * dropped). Returns the encoding used.
 */
export async function toUtf8(input: AsyncIterator<Uint8Array>, encoding?: TextEncoding): Promise<{ chunks: AsyncGenerator<Uint8Array>; encoding: TextEncoding }> {
  const first = await input.next();
  const head = first.done ? new Uint8Array(0) : first.value;
  const used = encoding ?? (bomEncoding(head) === 'utf-16le' || bomEncoding(head) === 'utf-16be' ? bomEncoding(head)! : 'utf-8');
  return { chunks: used === 'utf-8' ? replay(head, first.done === true, input) : transcode(head, first.done === true, input, used), encoding: used };
}

async function* replay(head: Uint8Array, done: boolean, input: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  if (done) return;
  try {
    if (head.byteLength) yield head;
    for (;;) {
      const r = await input.next();
      if (r.done) return;
      yield r.value;
    }
  } finally {
    await input.return?.(undefined);
  }
}

async function* transcode(head: Uint8Array, done: boolean, input: AsyncIterator<Uint8Array>, encoding: TextEncoding): AsyncGenerator<Uint8Array> {
  const decoder = new TextDecoder(encoding); // strips its own BOM
  const encoder = new TextEncoder();
  try {
    if (!done) {
      let chunk: Uint8Array | null = head;
      while (chunk) {
        const text = decoder.decode(chunk, { stream: true });
        if (text) yield encoder.encode(text);
        const r = await input.next();
        chunk = r.done ? null : r.value;
      }
    }
    const rest = decoder.decode();
    if (rest) yield encoder.encode(rest);
  } finally {
    await input.return?.(undefined);
  }
}

/**
 * `input` without its first `lines` physical lines (LF, CRLF and CR each end one). Lines are not CSV records: a
 * quoted field's line break ends a line too, as with pandas' skiprows for plain lines.
 */
export async function* skipLines(input: AsyncIterable<Uint8Array>, lines: number): AsyncGenerator<Uint8Array> {
  let left = lines;
  let afterCR = false; // the last byte skipped was a CR: an LF that follows belongs to it
  for await (const chunk of input) {
    if (left === 0 && !afterCR) { yield chunk; continue; }
    let i = 0;
    if (afterCR) {
      afterCR = false;
      if (chunk[0] === 10) i = 1;
    }
    while (left > 0 && i < chunk.length) {
      const c = chunk[i++];
      if (c === 10) left--;
      else if (c === 13) {
        left--;
        if (i < chunk.length) { if (chunk[i] === 10) i++; } else afterCR = true;
      }
    }
    if (i < chunk.length) yield chunk.subarray(i);
  }
}
