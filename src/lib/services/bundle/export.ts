/**
 * A registered model version → one zip file (manifest.json, model.json, recipe.json, summary.json when given,
 * predict.js, README.txt) that predicts anywhere without the studio. The same input gives the same bytes: fixed
 * timestamps, files in a fixed order, JSON written from the records as they are.
 */
import { zipSync, strToU8, type Zippable } from 'fflate';
import { EnclaveError } from '../../core/errors.ts';
import { parseSaved, type SavedModel } from '../../ml/models/saved.ts';
import { BUNDLE_FORMAT, BUNDLE_VERSION, contentHashOf, sha256Hex, type BundleFile, type BundleLineage, type BundleManifest, type BundleModelVersion } from './manifest.ts';
import { predictFile } from './predict-file.ts';
import { readmeText } from './readme.ts';
import { holdsTrainingRows, sameShape } from './shape.ts';

export interface ExportBundleInput {
  /** The registered model version (a ModelRecord). */
  record: BundleModelVersion;
  /** Its run's artifact (getArtifact(db, record.run)). */
  model: SavedModel;
  /** The training data summary (core/validate/drift/summary.ts), written as summary.json when given. */
  summary?: unknown;
  /** A kNN model (or an ensemble with one) is its training rows: they leave the device only when this is true. */
  includeTrainingRows?: boolean;
  /** Lineage the version record does not carry (from its run and preparation). */
  lineage?: Omit<BundleLineage, 'run' | 'source'>;
}

export async function exportBundle(input: ExportBundleInput): Promise<Uint8Array> {
  const { record, model } = input;
  // The model must load, and be the one the version describes, before anything is written.
  const loaded = parseSaved(model);
  const rows = holdsTrainingRows(loaded);
  if (rows && !input.includeTrainingRows)
    throw new EnclaveError('invalid-argument', `A k-nearest-neighbours model is its training rows: ${model.spec.algorithm === 'ensemble' ? 'this ensemble has one as a member, so ' : ''}its bundle would carry every training row. Export again with training rows included (they leave this device inside the bundle).`, { algorithm: model.spec.algorithm });
  const mismatch = sameShape(loaded.shape, record);
  if (mismatch) throw new EnclaveError('invalid-argument', `This model's weights do not belong to ${record.name} ${record.version}: ${mismatch}.`);

  const text = new Map<string, string>([
    ['model.json', JSON.stringify(model)],
    ['recipe.json', JSON.stringify(record.fitted, null, 2) + '\n'],
  ]);
  if (input.summary !== undefined) {
    const json = JSON.stringify(input.summary, null, 2);
    if (json === undefined) throw new EnclaveError('invalid-argument', 'The training summary is not JSON.');
    text.set('summary.json', json + '\n');
  }
  text.set('predict.js', predictFile(model, record.fitted, record));
  const header: Omit<BundleManifest, 'files' | 'contentHash'> = {
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_VERSION,
    created: new Date(record.created).toISOString(),
    name: record.name,
    version: record.version,
    algorithm: model.spec.algorithm,
    task: record.task,
    target: record.target,
    features: [...record.features],
    ...(record.classNames ? { classNames: [...record.classNames] } : {}),
    inputSchema: record.inputSchema.map(({ name, type, kind }) => ({ name, type, kind })),
    // Through JSON: a NaN score becomes null, as it will read back.
    metrics: JSON.parse(JSON.stringify(record.metrics)),
    trainingRows: rows,
    lineage: { run: record.run, source: record.source, ...input.lineage },
  };
  text.set('README.txt', readmeText(header));

  const bytes = new Map([...text].map(([path, t]) => [path, strToU8(t)] as const));
  const files: BundleFile[] = [];
  for (const path of [...bytes.keys()].sort()) files.push({ path, sha256: await sha256Hex(bytes.get(path)!) });
  const manifest: BundleManifest = { ...header, files, contentHash: await contentHashOf(files) };

  // Zip timestamps are local time: a date built from local fields (now, in this time zone) writes the same bytes
  // in every time zone.
  const mtime = new Date(2000, 0, 1, 0, 0, 0);
  // Our own fixed file names: safe as object keys (fflate takes an object).
  const zip: Zippable = { 'manifest.json': [strToU8(JSON.stringify(manifest, null, 2) + '\n'), { mtime }] };
  for (const { path } of files) zip[path] = [bytes.get(path)!, { mtime }];
  return zipSync(zip, { level: 6 });
}
