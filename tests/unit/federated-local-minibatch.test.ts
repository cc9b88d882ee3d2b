import { describe, expect, it, vi } from 'vitest';

// What localUpdate asks trainModel for, captured instead of trained (the round's arithmetic is tested elsewhere).
const asked: { hyperparameters: Record<string, unknown> }[] = [];
vi.mock('../../src/lib/ml/train.ts', () => ({
  trainModel: vi.fn(async (spec: { hyperparameters: Record<string, unknown> }, _data: unknown, opts: { initial: unknown }) => {
    asked.push(spec);
    return { model: opts.initial, history: [{ epoch: 1, loss: 0.5 }] };
  }),
}));

const { localUpdate } = await import('../../src/lib/federated/local-update.ts');
const { federatedModelOf } = await import('../../src/lib/federated/model-spec.ts');
const { parseSpec } = await import('../../src/lib/ml/models/spec.ts');
const { initBackend } = await import('../../src/lib/ml/backend.ts');

const card = { name: 'f', target: 'y', task: 'classification' as const, features: ['a', 'b'], classNames: ['no', 'yes'], inputSchema: [], fitted: { steps: [] } };
const settings = { clipNorm: 1, noiseMultiplier: 0, localEpochs: 2, learningRate: 0.05, batchSize: 16 };
const data = { X: new Float32Array(8), n: 4, d: 2, y: new Int32Array([0, 1, 0, 1]), shape: { task: 'classification' as const, features: ['a', 'b'], classNames: ['no', 'yes'] } };

describe('a federated round on a logistic model', () => {
  it("trains by mini-batch Adam at the federation's rate and batch size, with Adam's l2, when the model was solved by L-BFGS", async () => {
    await initBackend('cpu');
    const spec = parseSpec({ algorithm: 'logistic' }); // L-BFGS by default, l2 1 on the summed loss
    expect(spec.hyperparameters).toMatchObject({ optimizer: 'lbfgs', l2: 1 });
    const m = federatedModelOf(card as never, spec as never, 1);
    await localUpdate(m, new Float32Array(6), data, settings, { seed: 1 });
    expect(asked.at(-1)!.hyperparameters).toMatchObject({ optimizer: 'adam', l2: 1e-3, epochs: 2, learningRate: 0.05, batchSize: 16 });
  });

  it('keeps the optimizer and l2 of a model already trained by mini-batches', async () => {
    const spec = parseSpec({ algorithm: 'logistic', hyperparameters: { optimizer: 'sgd', l2: 0.01 } });
    const m = federatedModelOf(card as never, spec as never, 1);
    await localUpdate(m, new Float32Array(6), data, settings, { seed: 1 });
    expect(asked.at(-1)!.hyperparameters).toMatchObject({ optimizer: 'sgd', l2: 0.01, epochs: 2 });
  });
});
