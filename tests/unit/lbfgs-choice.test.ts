import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, hyperparameters } from '../../src/lib/components/train-form/TrainForm.svelte';

const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'bin/enclave.ts', ...args], { encoding: 'utf8' });

describe('choosing L-BFGS for logistic regression', () => {
  it('the Train form sends optimizer lbfgs with its iteration limit and no learning rate or batch size; it is the default, and Adam is named when chosen', () => {
    expect(DEFAULT_SETTINGS.solver).toBe('lbfgs');
    expect(hyperparameters({ ...DEFAULT_SETTINGS, algorithm: 'logistic', solver: 'lbfgs', iterations: 150 })).toEqual({ optimizer: 'lbfgs', epochs: 150, classWeight: 'none' });
    // Its limit is its own, not the MLP's 60 epochs: the model's default, 300 (5M rows take 83 iterations).
    expect(hyperparameters({ ...DEFAULT_SETTINGS, algorithm: 'logistic' })).toEqual({ optimizer: 'lbfgs', epochs: 300, classWeight: 'none' });
    expect(hyperparameters({ ...DEFAULT_SETTINGS, algorithm: 'logistic', solver: 'adam' })).toEqual({ optimizer: 'adam', epochs: 60, learningRate: 0.01, batchSize: 32, classWeight: 'none' });
    // The MLP ignores the solver field.
    expect(hyperparameters({ ...DEFAULT_SETTINGS, algorithm: 'mlp', solver: 'lbfgs' })).not.toHaveProperty('optimizer');
  });

  it('enclave train takes --hyperparameters: penguins by L-BFGS, and a clear error for text that is not a JSON object', () => {
    const r = run('train', 'static/samples/penguins.csv', '--target', 'Species', '--algorithm', 'logistic', '--hyperparameters', '{"optimizer":"lbfgs","epochs":200}');
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.hyperparameters).toMatchObject({ optimizer: 'lbfgs', epochs: 200 });
    expect(out.metrics.test.accuracy).toBeGreaterThanOrEqual(0.97);
    for (const bad of ['{bad', '[1]']) {
      const e = run('train', 'static/samples/penguins.csv', '--target', 'Species', '--algorithm', 'logistic', '--hyperparameters', bad);
      expect(e.status).toBe(2);
      expect(JSON.parse(e.stderr).error).toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/--hyperparameters/) });
    }
  }, 60_000);
});

describe('an L-BFGS run in the runs table', () => {
  it('reads "L-BFGS, L2 …, ≤ N iterations", without the learning rate or batch size it never used', async () => {
    const { formatHyperparameters } = await import('../../src/lib/components/runs-table/hyperparameters.ts');
    expect(formatHyperparameters('logistic', { l2: 0.001, optimizer: 'lbfgs', learningRate: 0.03, batchSize: 64, epochs: 200, patience: 20, classWeight: 'none' })).toBe('L-BFGS, L2 0.001, ≤ 200 iterations');
    expect(formatHyperparameters('logistic', { l2: 0.001, optimizer: 'adam', learningRate: 0.01, batchSize: 32, epochs: 20, patience: 20, classWeight: 'none' })).toBe('L2 0.001, lr 0.01, 20 epochs, Adam, batch 32');
  });
});

describe('tuning an L-BFGS logistic regression', () => {
  it('searches l2 alone by default (sklearn C = 10, 1, 0.1): L-BFGS has no learning rate; Adam keeps its grid', async () => {
    const { spaceFor, SPACES } = await import('../../src/lib/components/tune-panel/TunePanel.svelte');
    expect(spaceFor('logistic', 'lbfgs')).toEqual({ l2: '0.1, 1, 10' });
    expect(spaceFor('logistic', 'adam')).toEqual(SPACES.logistic);
    expect(spaceFor('logistic', 'adam')).toHaveProperty('learningRate');
    expect(spaceFor('mlp', 'lbfgs')).toEqual(SPACES.mlp);
  });
});
