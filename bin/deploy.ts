/**
 * The headless runner's deployment commands — the studio's services on files: predict with a model bundle, monitor a
 * batch against the bundle's training summaries, compare two bundles on labelled rows, export ONNX, and the bundle of
 * a `train` run. tfjs and the bundle code load only when one of these runs.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { EnclaveError } from '../src/lib/core/errors.ts';
import { splitTable } from '../src/lib/core/split.ts';
import { dropColumns, takeRows } from '../src/lib/core/table-ops.ts';
import type { Table } from '../src/lib/core/table.ts';
import { parseTrainingSummary } from '../src/lib/core/validate/drift/summary-schema.ts';
import { summariseTable, type TrainingSummary } from '../src/lib/core/validate/drift/summary.ts';
import type { PipelineOptions, PipelineResult } from '../src/lib/services/pipeline.ts';
import type { Bundle } from '../src/lib/services/bundle/index.ts';
import type { ModelCard } from '../src/lib/services/predict.ts';
import { csvField } from '../src/lib/services/predictions-csv.ts';
import type { Scores } from '../src/lib/ml/models/score.ts';

/** What the bundle's summary.json holds: the training split's source rows and the validation predictions, summarised. */
export interface BundleSummaries {
  training: TrainingSummary;
  predictions?: TrainingSummary;
}

async function loadBundle(path: string | undefined, what: string): Promise<Bundle> {
  if (!path) throw new EnclaveError('invalid-argument', `${what} needs a model bundle (.zip).`);
  const bytes = await readFile(path).catch(() => { throw new EnclaveError('not-found', `No such file: ${path}`); });
  const { readBundle } = await import('../src/lib/services/bundle/index.ts');
  return readBundle(new Uint8Array(bytes));
}

async function modelOf(bundle: Bundle) {
  const { initBackend } = await import('../src/lib/ml/backend.ts');
  const { modelFromJSON } = await import('../src/lib/ml/train.ts');
  await initBackend('wasm');
  const m = bundle.manifest;
  const card: ModelCard = { target: m.target, features: m.features, task: m.task, ...(m.classNames ? { classNames: m.classNames } : {}), fitted: bundle.recipe };
  return { model: modelFromJSON(bundle.model), card };
}

function summariesOf(bundle: Bundle): BundleSummaries {
  const s = bundle.summary as { training?: unknown; predictions?: unknown } | undefined;
  if (!s || s.training === undefined) throw new EnclaveError('invalid-argument', 'This bundle carries no training summary, so there is nothing to compare the batch with: export it again from a studio that writes one.');
  return { training: parseTrainingSummary(s.training), ...(s.predictions !== undefined ? { predictions: parseTrainingSummary(s.predictions) } : {}) };
}

/** A bundle's scores: a score JSON could not hold (NaN) is written as null; it is NaN again here. */
function scoresOf(scores: Record<string, number | null>): Scores {
  return Object.fromEntries(Object.entries(scores).map(([k, v]) => [k, v ?? Number.NaN])) as unknown as Scores;
}

/** `predict BUNDLE FILE`: CSV on stdout — the input's row number, `prediction`, and `p_<class>` per class. */
export async function predictCommand(args: string[], readFileTable: (path: string) => Promise<Table>): Promise<string> {
  const [bundlePath, file] = args;
  if (!file) throw new EnclaveError('invalid-argument', 'predict needs a BUNDLE and a FILE.');
  const bundle = await loadBundle(bundlePath, 'predict');
  const table = await readFileTable(file);
  const { model, card } = await modelOf(bundle);
  const { predictTable } = await import('../src/lib/services/predict.ts');
  try {
    const out = await predictTable(model, card, table);
    const classes = out.probabilities ? card.classNames ?? [] : [];
    const lines = [['row', 'prediction', ...classes.map((c) => `p_${c}`)].map(csvField).join(',')];
    out.predictions.forEach((p, i) => lines.push([String(i + 1), csvField(String(p)), ...(out.probabilities?.[i] ?? []).map(String)].join(',')));
    return lines.join('\n') + '\n';
  } finally {
    model.dispose();
  }
}

/** `monitor BUNDLE FILE [--target COL]`: the drift report of FILE against the bundle's training data. */
export async function monitorCommand(args: string[], readFileTable: (path: string) => Promise<Table>) {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { target: { type: 'string' } } });
  const [bundlePath, file] = positionals;
  if (!file) throw new EnclaveError('invalid-argument', 'monitor needs a BUNDLE and a FILE.');
  const bundle = await loadBundle(bundlePath, 'monitor');
  const summaries = summariesOf(bundle);
  const table = await readFileTable(file);
  if (values.target !== undefined && values.target !== bundle.manifest.target)
    throw new EnclaveError('invalid-argument', `This model predicts "${bundle.manifest.target}", not "${values.target}".`);
  const { model, card } = await modelOf(bundle);
  const { monitorBatch } = await import('../src/lib/services/monitor-batch.ts');
  try {
    const report = await monitorBatch({
      model, card, summary: summaries.training, ...(summaries.predictions ? { predictionSummary: summaries.predictions } : {}),
      ...(bundle.manifest.metrics.test ? { testMetrics: scoresOf(bundle.manifest.metrics.test) } : {}), batch: table,
      ...(values.target !== undefined ? { target: values.target } : {})
    });
    return { model: `${bundle.manifest.name} ${bundle.manifest.version}`, file: basename(file), ...report };
  } finally {
    model.dispose();
  }
}

/** `compare CHAMPION.zip CHALLENGER.zip FILE --target COL`. */
export async function compareCommand(args: string[], readFileTable: (path: string) => Promise<Table>) {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { target: { type: 'string' }, seed: { type: 'string' } } });
  const [a, b, file] = positionals;
  if (!file) throw new EnclaveError('invalid-argument', 'compare needs CHAMPION.zip, CHALLENGER.zip and a labelled FILE.');
  if (!values.target) throw new EnclaveError('invalid-argument', 'compare needs --target COL: the column with the true values.');
  const [champion, challenger] = [await loadBundle(a, 'compare'), await loadBundle(b, 'compare')];
  const table = await readFileTable(file);
  const [one, two] = [await modelOf(champion), await modelOf(challenger)];
  const { compareModels } = await import('../src/lib/services/compare.ts');
  const { parseSeed } = await import('../src/lib/core/seed.ts');
  try {
    return await compareModels(one, two, table, { target: values.target, ...(values.seed !== undefined ? { seed: parseSeed(values.seed, '--seed') } : {}) });
  } finally {
    one.model.dispose();
    two.model.dispose();
  }
}

/** `export BUNDLE --onnx OUT.onnx`. */
export async function exportCommand(args: string[]) {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { onnx: { type: 'string' } } });
  if (!values.onnx) throw new EnclaveError('invalid-argument', 'export needs --onnx OUT.onnx: the file to write.');
  const bundle = await loadBundle(positionals[0], 'export');
  const m = bundle.manifest;
  const { exportOnnxModel } = await import('../src/lib/services/onnx/index.ts');
  const { bytes, inputs } = exportOnnxModel({ model: bundle.model, fitted: bundle.recipe, inputSchema: m.inputSchema, target: m.target, task: m.task, ...(m.classNames ? { classNames: m.classNames } : {}) });
  await writeFile(values.onnx, bytes);
  return { file: values.onnx, bytes: bytes.byteLength, inputs, outputs: m.task === 'classification' ? ['probabilities', 'prediction', 'label'] : ['prediction'] };
}

/** The bundle of a headless training run: the model, its fitted recipe, and summaries of its training data. */
export async function bundleOfRun(table: Table, opts: PipelineOptions, result: PipelineResult, fileName: string): Promise<Uint8Array> {
  const { exportBundle } = await import('../src/lib/services/bundle/index.ts');
  const { predictionSummaryOf } = await import('../src/lib/services/monitor-batch.ts');
  const source = opts.drop?.length ? dropColumns(table, opts.drop) : table;
  // The pipeline's split, again (it is deterministic): the summaries describe the training rows as they were read.
  const indices = splitTable(source, { ...opts.split, seed: result.seed, target: opts.target }).indices;
  const card: ModelCard = { target: result.target, features: result.features, task: result.task, ...(result.classNames ? { classNames: result.classNames } : {}), fitted: result.fitted };
  const summaries: BundleSummaries = {
    training: summariseTable(takeRows(source, indices.train)),
    predictions: await predictionSummaryOf(result.model, card, takeRows(source, indices.validation))
  };
  const inputSchema = source.columns.filter((c) => c.name !== opts.target).map((c) => ({ name: c.name, type: c.type, kind: c.kind }));
  return exportBundle({
    record: { name: fileName.replace(/\.[^.]+$/, '') || 'model', version: '1.0.0', run: 'cli', source: '', fitted: result.fitted, inputSchema, features: result.features, target: result.target, task: result.task, ...(result.classNames ? { classNames: result.classNames } : {}), metrics: result.metrics, created: 0 },
    model: result.model.toJSON(),
    summary: summaries,
    // A k-NN model is its training rows: a bundle written on request from the command line may carry them.
    includeTrainingRows: true
  });
}
