/**
 * Train on prepared splits and assess: fit (fit.ts), then score train and validation and keep validation's full
 * report. The test split is not an input: it stays sealed until promotion (promote.ts). The caller owns the returned
 * model (serialise it, then dispose it); on any error here it is disposed.
 */
import { throwIfAborted } from '../core/errors.ts';
import type { Dataset } from '../ml/matrix.ts';
import { scoreModel, type Scores } from '../ml/models/score.ts';
import { assess, type EvaluationReport } from './assess.ts';
import { fitModel, type FitControl, type FitRequest, type FitResult } from './fit.ts';

export interface TrainedOnSplits extends FitResult {
  metrics: { train: Scores; validation: Scores };
  evaluation: { validation: EvaluationReport };
  /** Milliseconds: fitting, then scoring. */
  timing: { trainMs: number; evaluateMs: number };
}

export interface AssessProgress {
  stage: 'evaluate';
  done: number;
  total: number;
}

export async function trainOnSplits(
  req: FitRequest,
  data: { train: Dataset; validation: Dataset },
  ctl: FitControl & { onAssess?: (p: AssessProgress) => void }
): Promise<TrainedOnSplits> {
  const t0 = performance.now();
  const fit = await fitModel(req, data.train, data.validation, ctl);
  const t1 = performance.now();
  const model = fit.outcome.model;
  try {
    throwIfAborted(ctl.signal);
    ctl.onAssess?.({ stage: 'evaluate', done: 0, total: 2 });
    const train = await scoreModel(model, data.train);
    throwIfAborted(ctl.signal);
    ctl.onAssess?.({ stage: 'evaluate', done: 1, total: 2 });
    const validation = await assess(model, data.validation);
    throwIfAborted(ctl.signal);
    ctl.onAssess?.({ stage: 'evaluate', done: 2, total: 2 });
    return { ...fit, metrics: { train, validation: validation.scores }, evaluation: { validation: validation.report }, timing: { trainMs: t1 - t0, evaluateMs: performance.now() - t1 } };
  } catch (e) {
    model.dispose();
    throw e;
  }
}
