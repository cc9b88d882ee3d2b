import { describe, expect, it } from 'vitest';
import { rolloutArm } from '../../src/lib/core/rollout.ts';
import { numericColumn } from '../../src/lib/core/table-ops.ts';
import { routeRollout, rowKeys } from '../../src/lib/services/rollout-scoring.ts';

describe('routeRollout', () => {
  const n = 2000;
  const table = { rowCount: n, columns: [numericColumn('x', 'integer', Float64Array.from({ length: n }, (_, i) => i))] };
  const champion = { version: '1.0.0', out: { predictions: Array.from({ length: n }, () => 'a'), probabilities: Array.from({ length: n }, () => [1, 0]) } };
  const challenger = { version: '1.1.0', out: { predictions: Array.from({ length: n }, () => 'b'), probabilities: Array.from({ length: n }, () => [0, 1]) } };

  it('serves each row from the model its seeded row hash picks, about the share to the challenger, with each side summarised', () => {
    const r = routeRollout(table, champion, challenger, 0.25, 11);
    r.arms.forEach((arm, i) => {
      expect(arm).toBe(rolloutArm(String(i), 0.25, 11)); // one cell: the key is its text
      expect(r.served.predictions[i]).toBe(arm === 'challenger' ? 'b' : 'a');
      expect(r.served.probabilities![i]).toEqual(arm === 'challenger' ? [0, 1] : [1, 0]);
    });
    expect(r.challenger.rows / n).toBeGreaterThan(0.22);
    expect(r.challenger.rows / n).toBeLessThan(0.28);
    expect(r.champion).toEqual({ version: '1.0.0', rows: n - r.challenger.rows, classCounts: [['a', n - r.challenger.rows]] });
  });

  it('keeps a row with the challenger as its share grows', () => {
    const at5 = routeRollout(table, champion, challenger, 0.05, 3).arms;
    const at50 = routeRollout(table, champion, challenger, 0.5, 3).arms;
    at5.forEach((arm, i) => { if (arm === 'challenger') expect(at50[i]).toBe('challenger'); });
    expect(rowKeys({ rowCount: 1, columns: [numericColumn('x', 'float', Float64Array.of(1.5), Uint8Array.of(0))] })).toEqual(['']);
  });
});
