/**
 * Penguins through the studio's jobs into `database` (not a test file): imported, prepared (impute, one-hot `onehot`,
 * seed 42) for `target`, and a 3-nearest-neighbours run trained on cpu. The jobs' progress and analysis tests start here.
 */
import { readFileSync } from 'node:fs';
import { importFile } from '../../src/lib/jobs/import-job.ts';
import { prepare } from '../../src/lib/jobs/prepare-job.ts';
import { train } from '../../src/lib/jobs/train-job.ts';
import type { EnclaveDB } from '../../src/lib/store/db.ts';

const text = readFileSync('static/samples/penguins.csv', 'utf8');

export async function knnPenguinsRun(database: EnclaveDB, target = 'Species', onehot: string[] = ['Island', 'Sex']) {
  const blob = new Blob([text]);
  const imported = await importFile({ file: { name: 'penguins.csv', size: blob.size, stream: () => blob.stream() } }, { database });
  const steps = [
    { kind: 'impute', columns: '*numeric', strategy: 'mean' },
    { kind: 'impute', columns: ['Sex'], strategy: 'most_frequent' },
    { kind: 'onehot', columns: onehot },
  ];
  const prep = await prepare({ source: imported.hash, recipe: { target, steps }, split: { seed: 42 } }, { database });
  if (prep.status !== 'saved') throw new Error('expected saved');
  const run = await train({ preparation: prep.preparation.id, algorithm: 'knn', hyperparameters: { k: 3 }, backend: 'cpu' }, { database });
  return { imported, preparation: prep.preparation, run };
}
