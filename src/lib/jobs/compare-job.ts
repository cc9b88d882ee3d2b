/**
 * The A/B comparison job (model worker): two registered versions of one model scored on the same labelled file —
 * metric difference with a paired bootstrap interval, McNemar's test for classes, a plain verdict
 * (services/compare.ts). Nothing is stored.
 */
import { EnclaveError, throwIfAborted } from '../core/errors.ts';
import { readTable } from '../core/io/index.ts';
import type { ByteSource } from '../core/io/source.ts';
import { initBackend } from '../ml/backend.ts';
import { modelFromJSON } from '../ml/train.ts';
import { compareModels, type Comparison } from '../services/compare.ts';
import { db as defaultDb, type EnclaveDB } from '../store/db.ts';
import { getModel } from '../store/models.ts';
import { getArtifact } from '../store/runs.ts';
import { versionBackend } from './train-job.ts';

export interface CompareRequest {
  champion: string;
  challenger: string;
  /** A labelled file (CSV, JSON, Parquet) with the models' input columns and the target. */
  file: ByteSource;
  seed?: number;
}

export interface CompareProgress {
  stage: 'read' | 'score';
  done: number;
  total: number;
}

export async function compareVersions(req: CompareRequest, opts: { signal?: AbortSignal; onProgress?: (p: CompareProgress) => void; database?: EnclaveDB } = {}): Promise<Comparison> {
  const { signal, onProgress } = opts;
  const database = opts.database ?? defaultDb();
  const [a, b] = [await getModel(database, req.champion), await getModel(database, req.challenger)];
  if (a.name !== b.name || a.target !== b.target)
    throw new EnclaveError('invalid-argument', `${a.name} ${a.version} and ${b.name} ${b.version} do not predict the same thing: compare versions of one model.`);
  onProgress?.({ stage: 'read', done: 0, total: req.file.size });
  const { table } = await readTable(req.file, { signal, onProgress: (p) => onProgress?.({ stage: 'read', done: p.done, total: p.total }) });
  throwIfAborted(signal);
  onProgress?.({ stage: 'score', done: 0, total: 1 });
  await initBackend(await versionBackend(database, a));
  const champion = modelFromJSON(await getArtifact(database, a.run));
  const challenger = modelFromJSON(await getArtifact(database, b.run));
  try {
    return await compareModels({ model: champion, card: a }, { model: challenger, card: b }, table, { target: a.target, ...(req.seed !== undefined ? { seed: req.seed } : {}), signal });
  } finally {
    champion.dispose();
    challenger.dispose();
  }
}
