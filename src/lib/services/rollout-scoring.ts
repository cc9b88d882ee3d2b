/**
 * Scoring during a staged rollout: each row goes to the champion or the challenger by a seeded hash of the row's own
 * values (core/rollout.ts), so the same row always meets the same model, and a row the challenger scores at 5% it
 * still scores at 25% and 50%. Both models' results come back side by side.
 */
import { rolloutArm, type RolloutArm } from '../core/rollout.ts';
import { rowArrays, type Table } from '../core/table.ts';
import type { Predictions } from './predict.ts';

export interface ArmSummary {
  version: string;
  rows: number;
  /** Classification: each predicted class with its row count, most frequent first. */
  classCounts?: [string, number][];
  /** Regression: the mean prediction. */
  mean?: number;
}

export interface RolloutScoring {
  /** The predictions served, row by row, and which model served each. */
  served: Predictions;
  arms: RolloutArm[];
  share: number;
  champion: ArmSummary;
  challenger: ArmSummary;
}

/** A row's key: its cells as text, in column order (the hash input; never stored). */
export function rowKeys(table: Table): string[] {
  return rowArrays(table).map((cells) => cells.map((c) => (c === null ? '' : String(c))).join('\u001f'));
}

export function routeRollout(table: Table, champion: { version: string; out: Predictions }, challenger: { version: string; out: Predictions }, share: number, seed: number): RolloutScoring {
  const arms = rowKeys(table).map((key) => rolloutArm(key, share, seed));
  const pick = <T>(a: T[] | undefined, b: T[] | undefined) => (a && b ? arms.map((arm, i) => (arm === 'challenger' ? b[i] : a[i])) : undefined);
  const probabilities = pick(champion.out.probabilities, challenger.out.probabilities);
  const served: Predictions = { predictions: pick(champion.out.predictions, challenger.out.predictions)!, ...(probabilities ? { probabilities } : {}) };
  const summary = (arm: RolloutArm, version: string): ArmSummary => {
    const mine = served.predictions.filter((_, i) => arms[i] === arm);
    if (!mine.length || typeof mine[0] === 'number') {
      const nums = mine as number[];
      return { version, rows: nums.length, ...(nums.length ? { mean: nums.reduce((s, x) => s + x, 0) / nums.length } : {}) };
    }
    const counts = new Map<string, number>();
    for (const p of mine) counts.set(String(p), (counts.get(String(p)) ?? 0) + 1);
    return { version, rows: mine.length, classCounts: [...counts].sort((a, b) => b[1] - a[1]) };
  };
  return { served, arms, share, champion: summary('champion', champion.version), challenger: summary('challenger', challenger.version) };
}
