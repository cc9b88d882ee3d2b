/**
 * Promotion's one look at the sealed test split: the model's scores and full report on it. Registering the version
 * (semantic version, aliases, the run marked promoted) is the store's (store/models.ts registerModelVersion).
 */
import type { Dataset } from '../ml/matrix.ts';
import type { TrainedModel } from '../ml/models/saved.ts';
import { assess, type Assessment } from './assess.ts';

export function scoreSealedTest(model: TrainedModel, test: Dataset): Promise<Assessment> {
  return assess(model, test);
}
