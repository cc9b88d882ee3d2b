/**
 * Everything the evaluation view shows for a regressor, as plain JSON (null where a score is undefined, never NaN):
 * RMSE, MSE, MAE, R² (sklearn definitions, see regression.ts) and the residual summary for the residual plot.
 */
import { checkSameLength, type Numbers } from './input.ts';
import { mae, mse, r2, rmse } from './regression.ts';
import { finite } from './report-json.ts';
import { residualSummary, type ResidualOptions, type ResidualSummary } from './residuals.ts';

export interface RegressionReport {
  kind: 'regression';
  /** Rows where both values are finite. */
  n: number;
  rmse: number | null;
  mse: number | null;
  mae: number | null;
  /** null with fewer than two rows (sklearn: nan). */
  r2: number | null;
  residuals: ResidualSummary;
  notes: string[];
}

export function regressionReport(yTrue: Numbers, yPred: Numbers, options: ResidualOptions = {}): RegressionReport {
  checkSameLength(yTrue, yPred);
  const residuals = residualSummary(yTrue, yPred, options);
  const notes: string[] = [];
  if (residuals.n === 0) notes.push('No row has both a finite true value and a finite prediction.');
  else if (residuals.n < 2) notes.push('R² is not defined with fewer than two rows.');
  return {
    kind: 'regression',
    n: residuals.n,
    rmse: finite(rmse(yTrue, yPred)),
    mse: finite(mse(yTrue, yPred)),
    mae: finite(mae(yTrue, yPred)),
    r2: finite(r2(yTrue, yPred)),
    residuals,
    notes
  };
}
