/**
 * CSV / TSV reading. The first 64 KiB are sniffed (empty? binary? which delimiter?) and then the whole stream,
 * that head included, goes through one of two engines that fill the same TableAssembler:
 * 'fast' (csv-fast.ts, our byte-level parser, the default) or 'papa' (Papa Parse, the reference).
 * Both pass the same test suite and give identical tables and warnings, malformed quoting included. One known
 * difference: Papa uses a single line ending per file (guessed from the start), so a CRLF file with stray bare LFs
 * can split wrongly (often a ragged-rows error); the fast engine accepts CRLF, LF and CR anywhere.
 */
import { TableAssembler } from './assemble.ts';
import { parseFast, parseFastSplit } from './csv-fast.ts';
import { parseWithPapa } from './csv-papa.ts';
import { readText, sniffDelimiter } from './sniff.ts';
import { invalidUtf8Warning } from './text-check.ts';
import { extensionOf, type ByteSource, type ReadOptions, type ReadResult } from './source.ts';

export const DEFAULT_CSV_ENGINE: 'papa' | 'fast' = 'fast';

/** Files from this size are read in two halves at once when the caller offers a second reader (opts.splitCsv). */
const SPLIT_MIN_BYTES = 8 << 20;

/** Where the second half of a large file starts: just after the first line break past the middle; -1 for none. */
async function splitPoint(source: ByteSource, minBytes: number): Promise<number> {
  if (!source.slice || source.size < minBytes) return -1;
  const mid = Math.floor(source.size / 2);
  const window = new Uint8Array(await new Response(source.slice(mid, Math.min(source.size, mid + (1 << 20))).stream()).arrayBuffer());
  const lf = window.indexOf(10);
  return lf < 0 || mid + lf + 1 >= source.size ? -1 : mid + lf + 1;
}

export async function readCsv(source: ByteSource, opts: ReadOptions = {}): Promise<ReadResult> {
  return readText(source, opts, async ({ head, ended, input, check, progress, encoding, firstLine }) => {
    const warnings: string[] = [];
    const ext = extensionOf(source.name);
    const delimiter = opts.delimiter ?? (ext === 'tsv' || ext === 'tab' ? '\t' : sniffDelimiter(new TextDecoder().decode(head), ended));
    const asm = new TableAssembler(opts.inferTypes ?? true, warnings, delimiter, { header: opts.header, decimalComma: opts.decimalComma });
    const engine = opts.engine ?? DEFAULT_CSV_ENGINE;
    // The other half is found by byte offset in the file and read with the default number rules: only for a file read
    // as it is (UTF-8, nothing skipped, decimals as the delimiter implies).
    const asIs = encoding === 'utf-8' && firstLine === 1 && opts.decimalComma === undefined;
    const boundary = engine === 'fast' && asIs && (opts.inferTypes ?? true) && opts.splitCsv && !ended ? await splitPoint(source, opts.splitMinBytes ?? SPLIT_MIN_BYTES) : -1;
    if (boundary > head.byteLength) {
      const split = opts.splitCsv!;
      progress.scale = source.size / boundary;
      await parseFastSplit(input, boundary, delimiter, asm, progress, (names) => split({ start: boundary, delimiter, names }), () => (progress.scale = 1));
    } else if (engine === 'papa') await parseWithPapa(input, delimiter, asm, progress, firstLine);
    else await parseFast(input, delimiter, asm, progress, firstLine);
    const table = asm.finish();
    const utf8 = invalidUtf8Warning(check); // counted over the whole file (the half read elsewhere checks its own)
    if (utf8) warnings.unshift(utf8);
    progress.end();
    return { table, format: delimiter === '\t' ? 'tsv' : 'csv', delimiter, encoding, warnings };
  });
}
