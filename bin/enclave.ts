/**
 * Enclave's headless runner: the studio's core, as a command. Prints JSON on stdout; on failure prints
 * {"error": {code, message}} on stderr and exits 2. Commands are added by later stages (prepare, drift, train).
 *
 *   npm run -s enclave -- profile FILE
 */
import { openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { readTable } from '../src/lib/core/io/index.ts';
import type { ByteSource } from '../src/lib/core/io/source.ts';
import { hashTable } from '../src/lib/core/hash.ts';
import { profileTable } from '../src/lib/core/profile.ts';
import { EnclaveError, toErrorShape } from '../src/lib/core/errors.ts';

const USAGE = `usage: enclave <command> [options]

commands:
  profile FILE     read FILE (CSV, TSV, JSON, NDJSON or Parquet) and print its schema and profile as JSON`;

async function fileSource(path: string): Promise<ByteSource> {
  const info = await stat(path).catch(() => null);
  if (!info || !info.isFile()) throw new EnclaveError('not-found', `No such file: ${path}`);
  const blob = await openAsBlob(path);
  return { name: basename(path), size: blob.size, stream: () => blob.stream() as ReadableStream<Uint8Array> };
}

async function profile(args: string[]) {
  const [path] = args;
  if (!path) throw new EnclaveError('invalid-argument', 'profile needs a FILE.\n\n' + USAGE);
  const source = await fileSource(path);
  const { table, format, delimiter, warnings } = await readTable(source, {});
  const hash = await hashTable(table);
  const p = profileTable(table);
  return {
    file: source.name,
    format,
    ...(delimiter ? { delimiter } : {}),
    hash,
    rows: p.rowCount,
    columnCount: p.columnCount,
    duplicateRows: p.duplicateRows,
    missingCells: p.missingCells,
    columns: p.columns,
    correlations: p.correlations,
    warnings
  };
}

const commands: Record<string, (args: string[]) => Promise<unknown>> = { profile };

async function main(argv: string[]) {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h') {
    console.log(USAGE);
    return;
  }
  const run = commands[cmd];
  if (!run) throw new EnclaveError('invalid-argument', `Unknown command "${cmd}".\n\n${USAGE}`);
  const out = await run(rest);
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
}

main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(JSON.stringify({ error: toErrorShape(err) }, null, 2) + '\n');
  process.exit(2);
});
