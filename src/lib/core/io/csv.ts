/**
 * CSV / TSV reading. The first 64 KiB are sniffed (empty? binary? which delimiter?) and then the whole stream,
 * that head included, goes through one of two engines that fill the same TableAssembler:
 * 'fast' (csv-fast.ts, our byte-level parser, the default) or 'papa' (Papa Parse, the reference).
 * Both pass the same test suite and give identical tables and warnings, malformed quoting included. One known
 * difference: Papa uses a single line ending per file (guessed from the start), so a CRLF file with stray bare LFs
 * can split wrongly (often a ragged-rows error); the fast engine accepts CRLF, LF and CR anywhere.
 */
import { TableAssembler } from './assemble.ts';
import { parseFast } from './csv-fast.ts';
import { parseWithPapa } from './csv-papa.ts';
import { checkText, emptyFileError, HEAD_BYTES, isBlank, sniffDelimiter } from './sniff.ts';
import { extensionOf, type ByteSource, type ReadOptions, type ReadResult } from './source.ts';
import { checkSize, chunks, prepend, Progress, takeHead } from './stream.ts';

export const DEFAULT_CSV_ENGINE: 'papa' | 'fast' = 'fast';

export async function readCsv(source: ByteSource, opts: ReadOptions = {}): Promise<ReadResult> {
  checkSize(source, opts.maxBytes);
  const progress = new Progress(source.size, opts.onProgress);
  const it = chunks(source, opts, progress);
  try {
    const { head, ended } = await takeHead(it, HEAD_BYTES);
    if (ended && isBlank(head)) throw emptyFileError();
    const invalid = checkText(head, ended);
    const warnings: string[] = [];
    if (invalid > 0) {
      warnings.push(
        `The file is not valid UTF-8 (${invalid} bad byte${invalid === 1 ? '' : 's'} near the start); those characters were replaced with "\uFFFD". ` +
          'If it came from Excel, save it as "CSV UTF-8" to keep accented letters.',
      );
    }
    const ext = extensionOf(source.name);
    const delimiter = ext === 'tsv' || ext === 'tab' ? '\t' : sniffDelimiter(new TextDecoder().decode(head), ended);
    const asm = new TableAssembler(opts.inferTypes ?? true, warnings, delimiter);
    const input = prepend(head, it);
    if ((opts.engine ?? DEFAULT_CSV_ENGINE) === 'papa') await parseWithPapa(input, delimiter, asm, progress);
    else await parseFast(input, delimiter, asm, progress);
    const table = asm.finish();
    progress.end();
    return { table, format: delimiter === '\t' ? 'tsv' : 'csv', delimiter, warnings };
  } finally {
    await it.return(undefined); // releases the file when parsing stopped early
  }
}
