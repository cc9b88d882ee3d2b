/**
 * The 'papa' CSV engine (the reference): Papa Parse in chunk mode. Papa streams only from inputs it recognises, so
 * the decoded chunks are handed to it through the duck-typed Node-readable shape its ReadableStreamStreamer accepts
 * (`readable`, `read`, `on`, `removeListener`, `pause`, `resume`); that works the same in Node and in a Worker.
 */
import Papa from 'papaparse';
import { NOTE, type TableAssembler } from './assemble.ts';
import { STRAY_QUOTE, unclosedQuote } from './csv-field.ts';
import type { Progress } from './stream.ts';

type Listener = (arg?: unknown) => void;

/** Just enough of a Node Readable for Papa: we push strings into it with emit(). */
class PapaInput {
  readonly readable = true;
  private listeners: Record<string, Listener[]> = { data: [], end: [], error: [] };
  read(): null { return null; }
  on(event: string, fn: Listener): this { (this.listeners[event] ??= []).push(fn); return this; }
  removeListener(event: string, fn: Listener): this {
    this.listeners[event] = (this.listeners[event] ?? []).filter((f) => f !== fn);
    return this;
  }
  // Backpressure is implicit: Papa parses each 'data' synchronously before we read the next chunk.
  pause(): void {}
  resume(): void {}
  emit(event: string, arg?: unknown): void { for (const fn of [...(this.listeners[event] ?? [])]) fn(arg); }
}

/** Papa gets text in pieces of at least this many characters (cheaper than per-stream-chunk calls). */
const PIECE = 1 << 16;

/** Physical line breaks inside a row's fields (CRLF, LF and CR each count once), to keep line numbers right. */
function lineBreaks(row: string[]): number {
  let n = 0;
  for (const f of row) {
    if (f.indexOf('\n') < 0 && f.indexOf('\r') < 0) continue;
    for (let i = 0; i < f.length; i++) {
      const c = f.charCodeAt(i);
      if (c === 13 || (c === 10 && f.charCodeAt(i - 1) !== 13)) n++;
    }
  }
  return n;
}

// A blank line; with CRLF files a stray lone LF reaches us as a one-field row too.
const BLANK = /^[ \t\r\n]*$/;

export async function parseWithPapa(input: AsyncIterable<Uint8Array>, delimiter: string, asm: TableAssembler, progress: Progress, firstLine = 1): Promise<void> {
  const src = new PapaInput();
  let failure: unknown = null;
  let line = firstLine;
  const warned = new Set<number>();
  const done = new Promise<void>((resolve, reject) => {
    Papa.parse(src as unknown as File, {
      delimiter,
      quoteChar: '"',
      header: false,
      skipEmptyLines: false,
      chunk(results: Papa.ParseResult<string[]>, parser: Papa.Parser) {
        try {
          const lines: number[] = [];
          // A row whose quote never closes took the rest of the file: refused when reached, as the fast engine does.
          const unclosed = results.errors.find((e) => e.code === 'MissingQuotes')?.row ?? -1;
          for (const [r, row] of results.data.entries()) {
            const at = line;
            lines.push(at);
            // The unclosed field is the row's last: its quote opened after the line breaks of the fields before it.
            if (r === unclosed) throw unclosedQuote(at + lineBreaks(row.slice(0, -1)));
            line += 1 + lineBreaks(row);
            if (row.length === 1 && BLANK.test(row[0])) continue;
            if (!asm.names) { asm.header(row, at); continue; }
            const n = asm.check(row.length, at);
            const sinks = asm.sinks;
            for (let i = 0; i < n; i++) sinks[i].pushText(row[i]);
            asm.end(n);
          }
          for (const e of results.errors) {
            // Papa reports a stray quote each time it re-reads a record cut by a chunk end: one warning per line.
            const at = e.row !== undefined && e.row !== null ? lines[e.row] ?? line : line;
            if (e.code === 'InvalidQuotes' && !warned.has(at)) { warned.add(at); asm.note(at, NOTE.strayQuote, STRAY_QUOTE(at)); }
          }
          progress.rows = asm.rows;
        } catch (err) {
          failure = err;
          parser.abort();
        }
      },
      complete() { if (failure) reject(failure); else resolve(); },
      error(err: unknown) { reject(failure ?? err); },
    });
  });
  done.catch(() => {}); // observed below; this only keeps an early exit from leaving an unhandled rejection

  const decoder = new TextDecoder('utf-8'); // streaming: a character split across chunks is joined; strips the BOM
  let pending = '';
  for await (const bytes of input) {
    pending += decoder.decode(bytes, { stream: true });
    if (pending.length >= PIECE) {
      src.emit('data', pending);
      pending = '';
      if (failure) throw failure;
    }
  }
  pending += decoder.decode();
  if (pending) src.emit('data', pending);
  if (failure) throw failure;
  src.emit('end');
  await done;
}
