/**
 * Enclave's headless runner: the studio's core, as a command. Prints JSON on stdout; on failure prints
 * {"error": {code, message}} on stderr and exits 2. Commands: profile, prepare, drift, train.
 *
 *   npm run -s enclave -- profile FILE
 */
import { openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { readTable } from '../src/lib/core/io/index.ts';
import type { ByteSource } from '../src/lib/core/io/source.ts';
import { checkImportOptions, parseDateFormatFlag, parseEncoding, type ImportOptions } from '../src/lib/core/io/import-options.ts';
import { hashTable } from '../src/lib/core/hash.ts';
import { profileTable } from '../src/lib/core/profile.ts';
import { EnclaveError, toErrorShape } from '../src/lib/core/errors.ts';
import { readFile, writeFile } from 'node:fs/promises';
import { bundleOfRun, compareCommand, exportCommand, monitorCommand, predictCommand } from './deploy.ts';
import { csvPartReader } from './csv-part.ts';
import { splitComparer } from './compare-splits.ts';
import { federationCommand } from './federation.ts';
import { federateCommand } from './federate.ts';
import { privacyCommand } from './privacy.ts';
import { parseArgs } from 'node:util';
import { prepareTable } from '../src/lib/core/prepare.ts';
import { driftReport } from '../src/lib/core/validate/drift/index.ts';
import { parseSeed } from '../src/lib/core/seed.ts';

const USAGE = `usage: enclave <command> [options]

commands:
  profile FILE [--skip N] [--no-header] [--delimiter D] [--decimal-comma] [--encoding E] [--date-format COL=FORMAT]
               [--sheet NAME]
                   read FILE (CSV, TSV, JSON, NDJSON, Parquet or Excel .xlsx) and print its schema and profile as JSON;
                   --skip N: lines (Excel: rows) before the header; --no-header: the first line is data (columns
                   column_1, …); --delimiter , ; tab or |; --decimal-comma: 1,5 is 1.5; --encoding utf-8, latin1
                   (windows-1252), utf-16le or utf-16be; --date-format, repeatable: read COL as dates written so
                   (YYYY MM DD, MMM for Jun, e.g. 'when=DD/MM/YYYY'); --sheet: an Excel workbook's sheet (default first)
  prepare FILE --recipe RECIPE.json [--target COL] [--seed N] [--split 60/20/20] [--method M] [--group COL] [--time COL]
                   split FILE, fit the recipe on the training split, apply it to all three, validate; print JSON
  drift REFERENCE CURRENT [--test psi|ks|chisquare|z|jensenshannon|linf|wasserstein]
                   compare two files column by column (Evidently's default test per column, or --test); print JSON
  train FILE --target COL [--recipe R.json] [--algorithm auto|logistic|mlp|knn|linear] [--seed N] [--drop COL,COL]
             [--backend wasm|cpu] [--bundle OUT.zip] [--hyperparameters JSON]
                   leave out rows without a target, split FILE 60/20/20 (stratified for classes), fit the recipe on
                   train (default: drop identifiers and free text, dates into year/month/weekday, mean / most-frequent
                   imputation, standard scaling, one-hot; each drop named in "warnings"), train (auto: the best of a
                   few candidates on validation), score train, validation and test; print JSON; --bundle also
                   writes the model bundle (model, fitted recipe, input schema, metrics, training summaries, predict.js);
                   --hyperparameters sets the named algorithm's settings, e.g. '{"optimizer":"lbfgs"}' for logistic
                   regression solved by L-BFGS on all training rows (as scikit-learn)
  predict BUNDLE.zip FILE
                   print CSV: each input row's number, the prediction, and p_<class> per class for a classifier
  monitor BUNDLE.zip FILE [--target COL]
                   drift of FILE against the model's training data (per column, share drifted, predictions); with
                   --target, FILE's metrics beside the sealed test metrics; print JSON
  compare CHAMPION.zip CHALLENGER.zip FILE --target COL [--seed N]
                   both models on FILE's labelled rows: metric difference with a paired bootstrap 95% interval,
                   McNemar's test for classes, a verdict; print JSON
  export BUNDLE.zip --onnx OUT.onnx
                   write the recipe and model as one ONNX graph over the source columns
  federation create --server URL [--admin-token A] SPEC.json [--model BUNDLE.zip [--seed N]] [--from-scratch]
                   create a federation on a running aggregator and open round 1: SPEC.json holds the settings and
                   "initialWeightsFile" (raw float32, relative to SPEC.json) or "initialWeightsBase64"; with --model,
                   SPEC.json holds the settings only and the bundle's model (logistic or MLP: its fitted recipe,
                   input columns, classes, algorithm, seed or --seed) gives "model", "parameterCount" and the initial
                   weights; --from-scratch starts from the seeded init instead (of the bundle's model, or of SPEC.json's
                   "model"); print {id, tokens, joinCodes} (joinCodes: "<id>.<token>", one per participant; shown
                   once; the admin token may come from ENCLAVE_ADMIN_TOKEN)
  federate --server URL --token T FILE [--federation ID] [--recipe R.json] [--max-epsilon E] [--seed N]
           [--bundle OUT.zip] [--backend wasm|cpu]
                   join a federation (T: the join code "<id>.<token>", or a bare token with --federation ID) with
                   FILE's rows and take part until it finishes: each round, train from the global weights, clip and
                   noise the update, send it; --recipe R.json: unfitted local steps (casts, derived columns) fitted on
                   FILE and applied to it before the check against the federation's input columns; --max-epsilon:
                   stop before a round would take ε above E; print one JSON line per progress change, then
                   {ended, version, roundsJoined, epsilon, epsilonImproved, delta, metrics: {validation, test},
                   weightsSha256, …} (ε null where unbounded, z = 0); --bundle also writes the final global model as
                   a model bundle (its input columns are the federation's); Ctrl+C stops it (exit 130)
  privacy --q Q --sigma Z --steps N --delta D
                   the (ε, δ) spent by N rounds of the sampled Gaussian mechanism (sampling rate Q, noise multiplier
                   Z), by RDP over Opacus' default orders; print one JSON line {epsilon, order, epsilonImproved,
                   orderImproved} (classic and Balle et al. 2020 conversions; null where ε is unbounded, Z = 0)

  --seed N         a whole number from 0 to 4294967295`;

async function fileSource(path: string): Promise<ByteSource> {
  const info = await stat(path).catch(() => null);
  if (!info || !info.isFile()) throw new EnclaveError('not-found', `No such file: ${path}`);
  const blob = await openAsBlob(path);
  return { name: basename(path), size: blob.size, stream: () => blob.stream() as ReadableStream<Uint8Array>, slice: (start, end) => blob.slice(start, end) };
}

async function profile(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      skip: { type: 'string' }, 'no-header': { type: 'boolean' }, delimiter: { type: 'string' }, 'decimal-comma': { type: 'boolean' },
      encoding: { type: 'string' }, 'date-format': { type: 'string', multiple: true }, sheet: { type: 'string' }
    }
  });
  const [path] = positionals;
  if (!path) throw new EnclaveError('invalid-argument', 'profile needs a FILE.\n\n' + USAGE);
  const options = importOptionsFromFlags(values);
  const source = await fileSource(path);
  const { table, format, delimiter, warnings } = await readTable(source, { ...options, splitCsv: csvPartReader(path) });
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

/** profile's flags as ImportOptions, checked as the page's are. */
function importOptionsFromFlags(v: { skip?: string; 'no-header'?: boolean; delimiter?: string; 'decimal-comma'?: boolean; encoding?: string; 'date-format'?: string[]; sheet?: string }): ImportOptions {
  const skip = v.skip === undefined ? undefined : /^\d+$/.test(v.skip) ? Number(v.skip) : NaN;
  const delimiter = v.delimiter === 'tab' || v.delimiter === '\\t' ? '\t' : v.delimiter;
  return checkImportOptions({
    ...(skip !== undefined ? { skipLines: skip } : {}),
    ...(v['no-header'] ? { header: false } : {}),
    ...(delimiter !== undefined ? { delimiter } : {}),
    ...(v['decimal-comma'] ? { decimalComma: true } : {}),
    ...(v.encoding !== undefined ? { encoding: parseEncoding(v.encoding) } : {}),
    ...(v['date-format'] ? { dateFormats: v['date-format'].map(parseDateFormatFlag) } : {}),
    ...(v.sheet !== undefined ? { sheet: v.sheet } : {})
  });
}

async function readFileTable(path: string) {
  return (await readTable(await fileSource(path), { splitCsv: csvPartReader(path) })).table;
}

async function prepare(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { recipe: { type: 'string' }, target: { type: 'string' }, seed: { type: 'string' }, split: { type: 'string' }, method: { type: 'string' }, group: { type: 'string' }, time: { type: 'string' } }
  });
  const [path] = positionals;
  if (!path) throw new EnclaveError('invalid-argument', 'prepare needs a FILE.\n\n' + USAGE);
  let recipe: unknown = { steps: [] };
  if (values.recipe) {
    const text = await readFile(values.recipe, 'utf8').catch(() => { throw new EnclaveError('not-found', `No such recipe file: ${values.recipe}`); });
    try { recipe = JSON.parse(text); } catch (e) { throw new EnclaveError('invalid-recipe', `The recipe file is not valid JSON: ${(e as Error).message}`); }
  }
  if (Array.isArray(recipe)) recipe = { steps: recipe };
  if (values.target) recipe = { ...(recipe as object), target: values.target };
  const seed = values.seed === undefined ? undefined : parseSeed(values.seed, '--seed');
  let fractions: [number, number, number] | undefined;
  if (values.split) {
    const parts = values.split.split('/').map(Number);
    if (parts.length !== 3 || parts.some((x) => !Number.isFinite(x) || x < 0)) throw new EnclaveError('invalid-argument', `--split takes three percentages like 60/20/20, not "${values.split}".`);
    const sum = parts[0] + parts[1] + parts[2];
    fractions = [parts[0] / sum, parts[1] / sum, parts[2] / sum];
  }
  const table = await readFileTable(path);
  const out = prepareTable(table, recipe, {
    split: { seed, fractions, method: values.method as never, group: values.group, time: values.time }
  });
  return {
    file: basename(path),
    rows: table.rowCount,
    recipe: out.recipe,
    split: out.report.split,
    sizes: { train: out.splits.train.rowCount, validation: out.splits.validation.rowCount, test: out.splits.test.rowCount },
    columns: out.splits.train.columns.map((c) => ({ name: c.name, type: c.type })),
    fitted: out.fitted,
    validation: { schema: out.report.schema, anomalies: out.report.anomalies, blocking: out.report.blocking, comparison: out.report.comparison }
  };
}

const DRIFT_TESTS = ['psi', 'ks', 'chisquare', 'z', 'jensenshannon', 'linf', 'wasserstein'];

async function drift(args: string[]) {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { test: { type: 'string' } } });
  const [ref, cur] = positionals;
  if (values.test && !DRIFT_TESTS.includes(values.test)) throw new EnclaveError('invalid-argument', `--test must be one of ${DRIFT_TESTS.join(', ')}, not "${values.test}".`);
  if (!ref || !cur) throw new EnclaveError('invalid-argument', 'drift needs a REFERENCE and a CURRENT file.\n\n' + USAGE);
  const [reference, current] = [await readFileTable(ref), await readFileTable(cur)];
  const tests = values.test ? Object.fromEntries(reference.columns.map((c) => [c.name, values.test])) : undefined;
  return { reference: basename(ref), current: basename(cur), ...driftReport(reference, current, { tests: tests as never }) };
}

async function readRecipe(path: string | undefined): Promise<unknown> {
  if (!path) return undefined;
  const text = await readFile(path, 'utf8').catch(() => { throw new EnclaveError('not-found', `No such recipe file: ${path}`); });
  try { return JSON.parse(text); } catch (e) { throw new EnclaveError('invalid-recipe', `The recipe file is not valid JSON: ${(e as Error).message}`); }
}

const TRAIN_ALGORITHMS = ['auto', 'logistic', 'mlp', 'knn', 'linear'];

/** --hyperparameters: a JSON object for a named algorithm (auto chooses its own); the model spec checks each value. */
function hyperparametersOf(text: string, algorithm: string): Record<string, unknown> {
  if (algorithm === 'auto') throw new EnclaveError('invalid-argument', '--hyperparameters needs a named --algorithm: auto chooses its own settings.');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new EnclaveError('invalid-argument', `--hyperparameters is not JSON: ${text.slice(0, 80)} (write it like '{"optimizer":"lbfgs"}').`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new EnclaveError('invalid-argument', `--hyperparameters must be a JSON object, like '{"epochs":100}'.`);
  return value as Record<string, unknown>;
}

async function train(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { target: { type: 'string' }, recipe: { type: 'string' }, algorithm: { type: 'string' }, seed: { type: 'string' }, drop: { type: 'string' }, backend: { type: 'string' }, bundle: { type: 'string' }, hyperparameters: { type: 'string' } }
  });
  const [path] = positionals;
  if (!path) throw new EnclaveError('invalid-argument', 'train needs a FILE.\n\n' + USAGE);
  if (!values.target) throw new EnclaveError('invalid-argument', 'train needs --target COL: the column to predict.\n\n' + USAGE);
  const algorithm = values.algorithm ?? 'auto';
  if (!TRAIN_ALGORITHMS.includes(algorithm)) throw new EnclaveError('invalid-argument', `--algorithm must be one of ${TRAIN_ALGORITHMS.join(', ')}, not "${algorithm}".`);
  const seed = values.seed === undefined ? undefined : parseSeed(values.seed, '--seed');
  const backendName = values.backend ?? 'wasm';
  if (backendName !== 'wasm' && backendName !== 'cpu') throw new EnclaveError('invalid-argument', `--backend must be wasm or cpu, not "${backendName}".`);
  const drop = values.drop ? values.drop.split(',').map((c) => c.trim()).filter(Boolean) : undefined;
  const recipe = await readRecipe(values.recipe);
  const hyperparameters = values.hyperparameters === undefined ? undefined : hyperparametersOf(values.hyperparameters, algorithm);
  // tfjs only when training: the other commands stay quick to start.
  const { initBackend } = await import('../src/lib/ml/backend.ts');
  const { trainPipeline } = await import('../src/lib/services/pipeline.ts');
  const backend = await initBackend(backendName);
  const table = await readFileTable(path);
  const options = { target: values.target, recipe, algorithm: algorithm as never, seed, drop, ...(hyperparameters ? { hyperparameters } : {}) };
  const total = table.rowCount;
  // Without a bundle to write nothing reads the table again: the pipeline may release it once split (0.8 GB at 5M rows).
  // The source splits are compared on a second thread meanwhile (bin/compare-splits.ts).
  const result = await trainPipeline(table, options, { releaseSource: !values.bundle, compareElsewhere: splitComparer(total) });
  const { model, fitted: _fitted, history, ...report } = result;
  try {
    if (values.bundle) await writeFile(values.bundle, await bundleOfRun(table, options, result, basename(path)));
  } finally {
    model.dispose();
  }
  const last = history[history.length - 1];
  return { file: basename(path), ...report, rows: { total, ...report.rows }, backendTrials: backend.trials, history: { epochs: history.length, last }, ...(values.bundle ? { bundle: values.bundle } : {}) };
}

const commands: Record<string, (args: string[]) => Promise<unknown>> = {
  profile, prepare, drift, train,
  monitor: (args) => monitorCommand(args, readFileTable),
  compare: (args) => compareCommand(args, readFileTable),
  export: exportCommand,
  federation: federationCommand
};

async function main(argv: string[]) {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h') {
    console.log(USAGE);
    return;
  }
  if (cmd === 'privacy') {
    // One JSON line, not the pretty-printed object of the other commands.
    process.stdout.write(privacyCommand(rest));
    return;
  }
  if (cmd === 'federate') {
    // Lines as they happen, not one object at the end; the first Ctrl+C stops the client cleanly, a second kills it.
    const stop = new AbortController();
    process.once('SIGINT', () => stop.abort());
    try {
      await federateCommand(rest, { readTable: readFileTable, write: (line) => process.stdout.write(line), signal: stop.signal });
    } catch (err) {
      if (!stop.signal.aborted) throw err;
      process.stderr.write(JSON.stringify({ error: { code: 'cancelled', message: 'Stopped (Ctrl+C): this client joins no further round.' } }, null, 2) + '\n');
      process.exitCode = 130;
    }
    return;
  }
  if (cmd === 'predict') {
    // CSV, not JSON.
    process.stdout.write(await predictCommand(rest, readFileTable));
    return;
  }
  const run = Object.hasOwn(commands, cmd) ? commands[cmd] : undefined;
  if (!run) throw new EnclaveError('invalid-argument', `Unknown command "${cmd}".\n\n${USAGE}`);
  const out = await run(rest);
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
}

main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(JSON.stringify({ error: toErrorShape(err) }, null, 2) + '\n');
  process.exit(2);
});
