/**
 * Penguins split for federation tests (not a test file): a held-out fifth, and the rest in three stratified parts,
 * one per client; the operator's model (recipe fitted on the first part, logistic regression) and central baselines.
 */
import { applyRecipe } from '../../src/lib/core/recipe/index.ts';
import { splitTable } from '../../src/lib/core/split.ts';
import type { Table } from '../../src/lib/core/table.ts';
import { takeRows } from '../../src/lib/core/table-ops.ts';
import { federatedModelOf, type FederatedModel } from '../../src/lib/federated/model-spec.ts';
import { toDataset, type Dataset } from '../../src/lib/ml/matrix.ts';
import type { NetworkSpec } from '../../src/lib/ml/models/network.ts';
import { trainPipeline } from '../../src/lib/services/pipeline.ts';
import { penguinsTable } from './tables.ts';

export interface PenguinFederation {
  parts: Table[];
  heldOut: Table;
  model: FederatedModel;
  /** The held-out rows through the federation's fitted recipe. */
  heldOutData: Dataset;
  /** Logistic regression trained centrally on all three parts (its own recipe), scored on the held-out rows. */
  centralAccuracy: number;
}

export async function penguinFederation(): Promise<PenguinFederation> {
  const penguins = penguinsTable();
  const outer = splitTable(penguins, { target: 'Species', seed: 7, fractions: [0.8, 0, 0.2] });
  const pool = takeRows(penguins, outer.indices.train);
  const heldOut = takeRows(penguins, outer.indices.test);
  const thirds = splitTable(pool, { target: 'Species', seed: 8, fractions: [1 / 3, 1 / 3, 1 / 3] });
  const parts = [thirds.indices.train, thirds.indices.validation, thirds.indices.test].map((ix) => takeRows(pool, ix));
  // The operator's preparation: the default recipe fitted on its own part (the first).
  const operator = await trainPipeline(parts[0], { target: 'Species', algorithm: 'logistic', hyperparameters: { epochs: 1 }, seed: 3 });
  operator.model.dispose();
  const spec = { algorithm: 'logistic', hyperparameters: { l2: 1e-4, optimizer: 'adam', learningRate: 0.03, batchSize: 32, epochs: 1, patience: 0, classWeight: 'none' } } as NetworkSpec;
  const card = { name: 'penguins-federated', target: 'Species', task: 'classification' as const, features: operator.features, classNames: operator.classNames!, inputSchema: parts[0].columns.filter((c) => c.name !== 'Species').map((c) => ({ name: c.name, type: c.type, kind: c.kind })), fitted: operator.fitted };
  const model = federatedModelOf(card, spec, 11);
  const heldOutData = toDataset(applyRecipe(heldOut, model.fitted, 'eval'), 'Species', { task: 'classification', features: model.features, classNames: model.classNames });
  const central = await trainPipeline(pool, { target: 'Species', algorithm: 'logistic', seed: 3 });
  try {
    const data = toDataset(applyRecipe(heldOut, central.fitted, 'eval'), 'Species', { task: 'classification', features: central.features, classNames: central.classNames! });
    const { scoreModel } = await import('../../src/lib/ml/models/score.ts');
    const scores = await scoreModel(central.model, data);
    return { parts, heldOut, model, heldOutData, centralAccuracy: (scores as { accuracy: number }).accuracy };
  } finally {
    central.model.dispose();
  }
}
