/** What a compared run's legend entry says about its validation loss curve. */
import type { EpochLog } from '../../ml/train.ts';

export function bestLoss(history: readonly EpochLog[]): string {
  let best: EpochLog | null = null;
  for (const e of history) if (e.valLoss !== undefined && Number.isFinite(e.valLoss) && (best === null || e.valLoss < best.valLoss!)) best = e;
  return best ? `lowest ${+best.valLoss!.toPrecision(4)} at epoch ${best.epoch.toLocaleString('en-US')}` : 'no validation curve';
}
