/** Checks shared by the bundle writer and reader: what a model's weights hold, and whether they fit a description. */
import type { DataShape } from '../../ml/matrix.ts';
import type { SavedModel } from '../../ml/models/saved.ts';

/** A kNN model stores its training rows as weights; an ensemble holds them when a member does. */
export function holdsTrainingRows(model: Pick<SavedModel, 'spec'> & { members?: unknown[] }): boolean {
  const spec = model.spec;
  if (spec.algorithm === 'knn') return true;
  return spec.algorithm === 'ensemble' && spec.hyperparameters.members.some((m) => m.algorithm === 'knn');
}

const same = (a: readonly string[] | undefined, b: readonly string[] | undefined) =>
  (a ?? []).length === (b ?? []).length && (a ?? []).every((x, i) => x === b![i]);

/** '' when the model's shape is the description's (task, features in order, classes in order), else what differs. */
export function sameShape(shape: DataShape, described: { task: string; features: readonly string[]; classNames?: readonly string[] }): string {
  if (shape.task !== described.task) return `the model is a ${shape.task} model, the description says ${described.task}`;
  if (!same(shape.features, described.features)) return `the model's features are ${shape.features.join(', ')}; the description lists ${described.features.join(', ')}`;
  if (shape.task === 'classification' && !same(shape.classNames, described.classNames))
    return `the model's classes are ${(shape.classNames ?? []).join(', ')}; the description lists ${(described.classNames ?? []).join(', ')}`;
  return '';
}
