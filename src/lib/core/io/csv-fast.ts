/**
 * The 'fast' CSV engine: an RFC 4180 state machine over bytes. Papa Parse (the reference engine) builds a string
 * per cell and an array per row; here cells stay byte ranges in one buffer until pushed, decimals become numbers
 * straight from their bytes, repeated short cells reuse what their column did with them the first time (CellCache),
 * and only cells that must be text are decoded. The entry module, and the reading loops (chunks in, progress,
 * column sizing, a turn of the event loop); the pieces: csv-scanner.ts (the state machine), csv-fast-record.ts (the
 * one-pass path for ordinary records), csv-emit.ts (a record into the columns), csv-field.ts (a field's bytes and
 * text), ascii-number.ts. A large file can be read in two halves at once (parseFastSplit), joined only where that
 * gives exactly the one-pass table.
 */
import { TableAssembler, type TablePart } from './assemble.ts';
import { FastCsvParser } from './csv-scanner.ts';
import type { ByteSource, ReadOptions } from './source.ts';
import { chunks, type Progress } from './stream.ts';
import { checked } from './sniff.ts';
import { TextCheck } from './text-check.ts';
import { nextTask } from '../next-task.ts';

export { FastCsvParser } from './csv-scanner.ts';
export { STRAY_QUOTE, unclosedQuote } from './csv-field.ts';

/** Parses `input` (the head chunk first) into `asm`. */
export async function parseFast(input: AsyncIterable<Uint8Array>, delimiter: string, asm: TableAssembler, progress: Progress, firstLine = 1): Promise<void> {
  const parser = new FastCsvParser(delimiter, asm, true, firstLine);
  const sizer = new Sizer(asm, progress.total);
  for await (const chunk of input) {
    parser.push(chunk);
    sizer.pushed(chunk.byteLength);
    progress.rows = asm.rows;
  }
  parser.end();
  progress.rows = asm.rows;
}

/**
 * Sizes the columns for the whole input from the bytes per row so far (10% spare: early rows are often shorter), so
 * they do not double (and copy) their way up; re-estimated should the input run past the estimate.
 */
class Sizer {
  private bytes = 0;
  private reserved = 0;
  constructor(private readonly asm: TableAssembler, private readonly total: number) {}
  pushed(n: number): void {
    this.bytes += n;
    const { asm, bytes, total } = this;
    if (asm.rows >= 256 && bytes < total) {
      const expected = Math.ceil((asm.rows * total) / bytes);
      if (expected > this.reserved) asm.reserve((this.reserved = Math.ceil(expected * 1.1) + 64));
    }
  }
}

/** Reads the rest of a file, from a record boundary (`source` starts there), as the columns `names`. */
export async function parseCsvPart(source: ByteSource, delimiter: string, names: string[], opts: ReadOptions = {}): Promise<TablePart> {
  const asm = new TableAssembler(true, [], delimiter);
  asm.preset(names);
  const parser = new FastCsvParser(delimiter, asm, false);
  const sizer = new Sizer(asm, source.size);
  // Its bytes are checked here (a NUL refuses the part): the reader of the first half never sees them.
  const check = new TextCheck();
  for await (const chunk of checked(chunks(source, opts), check)) {
    parser.push(chunk);
    sizer.pushed(chunk.byteLength);
  }
  parser.end();
  const part = asm.part();
  // Bytes that are not UTF-8: read again where the warning can name their line.
  return check.invalid > 0 ? { ...part, remarked: true } : part;
}

/**
 * parseFast with the file in two halves, read at once: bytes [0, boundary) here, and the rest elsewhere (`rest`,
 * started as soon as the header is known: by parseCsvPart in another worker). `boundary` follows a line break;
 * when the bytes before it end a record there (the break was not inside quotes) and the rest absorbs exactly (see
 * TableAssembler.absorb), the table is this part and that one; otherwise the rest is read here after all, as
 * parseFast would have. `input` yields the whole file; only what is needed of it is read.
 */
export async function parseFastSplit(
  input: AsyncIterator<Uint8Array>,
  boundary: number,
  delimiter: string,
  asm: TableAssembler,
  progress: Progress,
  rest: (names: string[]) => Promise<TablePart>,
  onFallback?: () => void,
): Promise<void> {
  const started = performance.now();
  const parser = new FastCsvParser(delimiter, asm);
  const sizer = new Sizer(asm, progress.total);
  let fed = 0;
  let remainder: Uint8Array | null = null;
  let other: Promise<TablePart | null> | null = null;
  while (fed < boundary) {
    const r = await input.next();
    if (r.done) break;
    let chunk = r.value;
    if (fed + chunk.byteLength > boundary) {
      remainder = chunk.subarray(boundary - fed);
      chunk = chunk.subarray(0, boundary - fed);
    }
    parser.push(chunk);
    fed += chunk.byteLength;
    sizer.pushed(chunk.byteLength);
    progress.rows = asm.rows;
    if (!other && asm.names) {
      other = rest(asm.names).catch(() => null);
    }
    // A turn of the event loop per chunk: while chunks are at hand, awaiting them never gives one, and the other
    // reader (a worker this one started) cannot even load without it.
    await nextTask();
  }
  // Wait for the other half about as long as reading it here would take; past that (a slow or stuck reader), read
  // it here. Either way the table is the same.
  const part = fed === boundary && parser.atRecordStart() && other ? await within(other, Math.max(250, performance.now() - started)) : null;
  if (!part || !asm.absorb(part)) {
    // The general way: on from the boundary here.
    onFallback?.();
    if (remainder) {
      parser.push(remainder);
      sizer.pushed(remainder.byteLength);
    }
    for (;;) {
      const r = await input.next();
      if (r.done) break;
      parser.push(r.value);
      sizer.pushed(r.value.byteLength);
      progress.rows = asm.rows;
    }
  }
  parser.end();
  progress.rows = asm.rows;
}

/** `p`'s value, or null when it has not come within `ms` (or failed). */
function within<T>(p: Promise<T | null>, ms: number): Promise<T | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  return Promise.race([p.catch(() => null), late]).finally(() => clearTimeout(timer));
}
