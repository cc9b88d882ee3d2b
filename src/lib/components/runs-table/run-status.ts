/**
 * A run's status in the table: a finished run says nothing more; a cancelled one says how far it got and that it has
 * no model (kept for its curves, never promoted).
 */
import type { RunRecord } from '../../store/db.ts';

export interface StatusView {
  label: string;
  /** The tooltip: what the status means for this run. */
  detail: string;
}

export function runStatus(run: Pick<RunRecord, 'status' | 'history' | 'trials' | 'hyperparameters'>): StatusView {
  if (run.status === 'completed') return { label: 'completed', detail: 'Trained to the end; its model can be promoted.' };
  const epochs = run.history.length ? run.history[run.history.length - 1].epoch : 0;
  const planned = typeof run.hyperparameters.epochs === 'number' ? run.hyperparameters.epochs : null;
  const how = run.trials?.length
    ? `${run.trials.length} candidate${run.trials.length === 1 ? '' : 's'}`
    : `epoch ${epochs.toLocaleString('en-US')}${planned !== null ? ` of ${planned.toLocaleString('en-US')}` : ''}`;
  return {
    label: `${run.status} (${how})`,
    detail: `${run.status === 'cancelled' ? 'Cancelled' : 'Failed'} at ${how}: kept with its curves so far, without a model, so it cannot be promoted.`
  };
}
