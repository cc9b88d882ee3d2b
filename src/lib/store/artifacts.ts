/** Runs and their model artifacts now live in runs.ts; this module remains for older import paths. */
export { getArtifact, saveRunWithArtifact } from './runs.ts';
