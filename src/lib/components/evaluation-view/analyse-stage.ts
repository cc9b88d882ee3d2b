/** The analyse job's progress in words for the Evaluate page's bar ("Shuffling Flipper Length (mm)", "12 of 28 scorings"). */
import type { AnalyseProgress } from '../../services/analyse.ts';
import type { ProgressView } from '../../bridge/job-state.svelte.ts';

export function analyseStage(p: AnalyseProgress): ProgressView {
  switch (p.stage) {
    case 'load': return { stage: 'Loading the model and the validation split', done: p.done, total: p.total, detail: '' };
    case 'predict': return { stage: 'Predicting the validation split', done: p.done, total: p.total, detail: '' };
    case 'importance':
      return {
        stage: p.feature ? `Shuffling ${p.feature} and scoring again` : 'Scoring the unshuffled validation split',
        done: p.done, total: p.total,
        detail: `${p.done.toLocaleString('en-US')} of ${p.total.toLocaleString('en-US')} scorings`
      };
    default: return { stage: 'Slices and worst-predicted rows', done: p.done, total: p.total, detail: '' };
  }
}
