/**
 * The preview worker: rows of a stored version, the before/after of one recipe step, and the check of every step (Prepare). Apart from the data worker,
 * so a long import or prepare does not hold up a preview (and cancelling a preview does not stop either).
 */
import { expose } from '../src/lib/bridge/expose.ts';
import { preview } from '../src/lib/jobs/import-job.ts';
import { checkRecipe, previewStep } from '../src/lib/jobs/prepare-job.ts';
import type { SplitOptions } from '../src/lib/core/split.ts';

const api = {
  previewRows: (hash: string, start: number, count: number) => preview(hash, start, count),
  previewStep: (source: string, recipe: unknown, split: SplitOptions, index: number) => previewStep(source, recipe, split, index),
  checkRecipe: (source: string, recipe: unknown, split: SplitOptions) => checkRecipe(source, recipe, split)
};

export type PreviewWorkerApi = typeof api;
expose(api);
