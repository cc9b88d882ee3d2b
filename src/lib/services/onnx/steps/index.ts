/** Each recipe step kind's ONNX mapping; a kind missing here is refused by name (see recipe.ts). */
import type { StepInput } from '../ops.ts';
import { binStep } from './bin.ts';
import { castStep } from './cast.ts';
import { dropColumnsStep, dropDuplicatesStep, dropMissingStep, keepColumnsStep } from './columns.ts';
import { datePartsStep } from './date-parts.ts';
import { deriveStep } from './derive.ts';
import { imputeStep } from './impute.ts';
import { onehotStep } from './onehot.ts';
import { ordinalStep } from './ordinal.ts';
import { outliersStep } from './outliers.ts';
import { scaleStep } from './scale.ts';

// Typed per kind in each file; here every mapping takes the step as parsed by its kind's own parse.
type Mapping = (s: StepInput<never, unknown>) => void;

export const STEP_MAPPINGS: ReadonlyMap<string, Mapping> = new Map<string, Mapping>([
  ['impute', imputeStep as Mapping],
  ['scale', scaleStep as Mapping],
  ['onehot', onehotStep as Mapping],
  ['ordinal', ordinalStep as Mapping],
  ['outliers', outliersStep as Mapping],
  ['bin', binStep as Mapping],
  ['cast', castStep as Mapping],
  ['derive', deriveStep as Mapping],
  ['date-parts', datePartsStep as Mapping],
  ['drop-columns', dropColumnsStep as Mapping],
  ['keep-columns', keepColumnsStep as Mapping],
  ['drop-missing', dropMissingStep as Mapping],
  ['drop-duplicates', dropDuplicatesStep as Mapping],
]);
