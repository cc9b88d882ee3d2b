import { beforeAll, describe, expect, it } from 'vitest';
import { EnclaveError } from '../../src/lib/core/errors.ts';
import { initBackend } from '../../src/lib/ml/backend.ts';
import { DenseTrainer, loadDenseKernels, type DenseKernels } from '../../src/lib/ml/native/dense.ts';
import { trainModel, type EpochLog } from '../../src/lib/ml/train.ts';
import type { Architecture, NetworkModel } from '../../src/lib/ml/models/network.ts';
import type { ModelSpecInput } from '../../src/lib/ml/models/spec.ts';
import { blobs, datasetOf } from './ml-fixtures.ts';
import { seeded } from '../../src/lib/core/random.ts';
import { generate, generateLogistic, LOGISTIC_OUTPUT, OUTPUT } from '../../scripts/build-wasm.ts';
import { readFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

let kernels: DenseKernels;
beforeAll(async () => {
  await initBackend('cpu'); // the tfjs reference runs on the CPU backend
  kernels = (await loadDenseKernels())!;
});

const data = blobs([[-1, 0, 0], [1, 0.5, 0], [0, 1, 1]], 30, 0.8, 11);
const val = blobs([[-1, 0, 0], [1, 0.5, 0], [0, 1, 1]], 10, 0.8, 12);
const flat = (m: unknown) => (m as NetworkModel).values.flatMap((w) => [...w.kernel, ...w.bias]);

describe('the native kernels', () => {
  it('load in Node (plain SIMD: Node 20 does not validate relaxed SIMD)', () => {
    expect(kernels).not.toBeNull();
    expect(kernels.fma).toBe(false);
  });

  it('gemm matches the naive product: 4×8 blocks, ragged edges, transposed A, accumulate', () => {
    const x = new WebAssembly.Instance(kernels.module, {}).exports as unknown as {
      memory: WebAssembly.Memory; heapBase(): number;
      gemm(A: number, rsA: number, csA: number, B: number, ldb: number, C: number, ldc: number, M: number, N: number, K: number, acc: number): void;
    };
    x.memory.grow(8);
    const A = (x.heapBase() + 15) & ~15, B = A + 40_000, C = B + 40_000;
    const f = new Float32Array(x.memory.buffer);
    let s = 1;
    for (let i = A / 4; i < (C + 40_000) / 4; i++) f[i] = ((s = (s * 48271) % 2147483647) / 2147483647) - 0.5;
    for (const [M, N, K, transposed, acc] of [[8, 16, 5, 0, 0], [7, 13, 3, 0, 0], [9, 2, 33, 1, 0], [4, 8, 1, 1, 1], [1, 1, 1, 0, 1], [12, 24, 17, 1, 1]]) {
      const [rsA, csA] = transposed ? [1, M] : [K, 1];
      const before = f.slice(C / 4, C / 4 + M * N);
      x.gemm(A, rsA, csA, B, N, C, N, M, N, K, acc);
      for (let i = 0; i < M; i++)
        for (let j = 0; j < N; j++) {
          let want = acc ? before[i * N + j] : 0;
          for (let p = 0; p < K; p++) want += f[A / 4 + i * rsA + p * csA] * f[B / 4 + p * N + j];
          expect(f[C / 4 + i * N + j]).toBeCloseTo(want, 5);
        }
    }
  });

  it('one SGD step of a logistic regression is the hand-computed one', () => {
    // x = [1, 2], class 1, W = 0, b = 0: p = [½, ½], δ = p − onehot = [½, −½], ∂W = xᵀδ, ∂b = δ; lr ½.
    const arch: Architecture = { sizes: [2, 2], activation: 'relu', dropout: 0, output: 'softmax' };
    const t = new DenseTrainer(kernels, arch, new Float32Array(6), { optimizer: 'sgd', learningRate: 0.5, l2: 0, batchSize: 1 }, { X: Float32Array.of(1, 2), y: Int32Array.of(1), n: 1 }, null);
    t.begin(Int32Array.of(0));
    t.run(0, 1);
    expect([...t.weights()]).toEqual([-0.25, 0.25, -0.5, 0.5, -0.25, 0.25]);
    expect(t.sums()[0]).toBeCloseTo(Math.LN2, 6);
    expect(t.sums()[1]).toBe(0); // argmax of a tie is class 0: wrong
  });

  it('trains the same weights as the tfjs loop, step for step (no dropout)', async () => {
    const reg = datasetOf(Array.from({ length: 50 }, (_, i) => [i / 10, Math.sin(i)]), Array.from({ length: 50 }, (_, i) => 3 * (i / 10) - Math.sin(i) + 100));
    const cases: [ModelSpecInput, typeof data][] = [
      [{ algorithm: 'mlp', hyperparameters: { units: [16, 8], epochs: 5, batchSize: 16, learningRate: 0.01 } }, data],
      [{ algorithm: 'mlp', hyperparameters: { units: [16, 8], activation: 'tanh', epochs: 5, batchSize: 7, learningRate: 0.01, l2: 0.01, optimizer: 'sgd' } }, data],
      [{ algorithm: 'mlp', hyperparameters: { units: [5], activation: 'sigmoid', epochs: 5, batchSize: 32, learningRate: 0.05, classWeight: 'balanced' } }, data],
      [{ algorithm: 'logistic', hyperparameters: { optimizer: 'adam', epochs: 8, batchSize: 10, learningRate: 0.1 } }, data],
      [{ algorithm: 'mlp', hyperparameters: { units: [9], epochs: 6, batchSize: 8, learningRate: 0.01 } }, reg],
    ];
    for (const [spec, ds] of cases) {
      const opts = { seed: 3, validation: ds === data ? val : undefined };
      const a = await trainModel(spec, ds, { ...opts, engine: 'tfjs' });
      const b = await trainModel(spec, ds, { ...opts, engine: 'native' });
      expect([a.engine, b.engine]).toEqual(['tfjs', 'native']);
      const [wa, wb] = [flat(a.model), flat(b.model)];
      expect(wb.length).toBe(wa.length);
      wa.forEach((w, i) => expect(Math.abs(w - wb[i])).toBeLessThan(1e-5));
      b.history.forEach((h, i) => {
        expect(h.loss).toBeCloseTo(a.history[i].loss, 5);
        expect(h.metric).toBeCloseTo(a.history[i].metric, 4);
        if (h.valLoss !== undefined) expect(h.valLoss).toBeCloseTo(a.history[i].valLoss!, 5);
      });
      a.model.dispose();
      b.model.dispose();
    }
  });

  it('early stopping keeps the best epoch, as the tfjs loop does', async () => {
    const spec = { algorithm: 'mlp', hyperparameters: { units: [32], epochs: 60, batchSize: 8, learningRate: 0.05, patience: 3 } } as const;
    const a = await trainModel(spec, data, { seed: 9, validation: val, engine: 'tfjs' });
    const b = await trainModel(spec, data, { seed: 9, validation: val, engine: 'native' });
    expect(b.stoppedEarly).toBe(a.stoppedEarly);
    expect(b.bestEpoch).toBe(a.bestEpoch);
    const [wa, wb] = [flat(a.model), flat(b.model)];
    wa.forEach((w, i) => expect(Math.abs(w - wb[i])).toBeLessThan(1e-4));
  });

  it('trains the deepest network the spec allows (16 hidden layers), as the tfjs loop does', async () => {
    const spec = { algorithm: 'mlp', hyperparameters: { units: Array(16).fill(4), activation: 'tanh', epochs: 2, batchSize: 16, learningRate: 0.01 } } as const;
    const a = await trainModel(spec, data, { seed: 2, engine: 'tfjs' });
    const b = await trainModel(spec, data, { seed: 2, engine: 'native' });
    const [wa, wb] = [flat(a.model), flat(b.model)];
    wa.forEach((w, i) => expect(Math.abs(w - wb[i])).toBeLessThan(1e-5));
  });

  it('dropout is seeded: the same seed gives the same weights, another seed others, and it still learns', async () => {
    const spec = { algorithm: 'mlp', hyperparameters: { units: [32, 16], dropout: 0.3, epochs: 30, batchSize: 16, learningRate: 0.01 } } as const;
    const run = (seed: number) => trainModel(spec, data, { seed, validation: val, engine: 'native' });
    const [a, b, c] = [await run(4), await run(4), await run(5)];
    expect(flat(b.model)).toEqual(flat(a.model));
    expect(flat(c.model)).not.toEqual(flat(a.model));
    expect(a.history.at(-1)!.valMetric).toBeGreaterThan(0.8);
  });

  it('cancels mid-epoch when a timer fires while it trains', async () => {
    const big = blobs([[-1, 0, 0], [1, 0.5, 0]], 20_000, 1, 3);
    const ac = new AbortController();
    const logs: EpochLog[] = [];
    setTimeout(() => ac.abort(), 30);
    const e = await trainModel({ algorithm: 'mlp', hyperparameters: { units: [256, 256], epochs: 1000, batchSize: 32 } }, big, { signal: ac.signal, engine: 'native', onEpoch: (l) => logs.push(l) }).then(() => null, (err: unknown) => err);
    expect(e).toBeInstanceOf(EnclaveError);
    expect((e as EnclaveError).code).toBe('cancelled');
    expect(logs).toHaveLength(0); // one epoch is ~1,250 batches: the cancel came inside it
  });

  it('says so when training diverges: a non-finite error naming the epoch, never a model', async () => {
    const huge = datasetOf(Array.from({ length: 40 }, (_, i) => [i * 1e4, -i * 1e4]), Array.from({ length: 40 }, (_, i) => i));
    const spec = { algorithm: 'mlp', hyperparameters: { units: [8], epochs: 50, batchSize: 4, learningRate: 10, optimizer: 'sgd' } } as const;
    await expect(trainModel(spec, huge, { engine: 'native' })).rejects.toMatchObject({
      code: 'non-finite',
      message: expect.stringMatching(/^Training on WASM \(Enclave kernels\) produced non-finite values at epoch 2 .*the mlp diverged\. Lower the learning rate \(now 10\)/),
    });
  });

  it('a loss that becomes non-finite after a finite epoch is an error on the native engine too (early stopping does not hide it)', async () => {
    // Features with a standard deviation of 10, plain SGD at 0.01: epoch 1 ends finite, epoch 2 overflows.
    const rng = seeded(8);
    const rows = Array.from({ length: 80 }, () => [10 * rng.normal(), 10 * rng.normal()]);
    const y = rows.map(([a, b]) => 3 * a - 2 * b + rng.normal());
    const spec = { algorithm: 'mlp', hyperparameters: { units: [8], optimizer: 'sgd', learningRate: 0.01, epochs: 200, batchSize: 16, patience: 1000 } } as const;
    const logs: EpochLog[] = [];
    await expect(trainModel(spec, datasetOf(rows.slice(0, 60), y.slice(0, 60)), { validation: datasetOf(rows.slice(60), y.slice(60)), seed: 1, engine: 'native', onEpoch: (l) => logs.push(l) }))
      .rejects.toMatchObject({ code: 'non-finite', detail: { epoch: 2, engine: 'native', learningRate: 0.01 } });
    expect(logs.map((l) => l.epoch)).toEqual([1]);
  });

  it('the relaxed-SIMD (fused multiply-add) build Chromium runs trains the same weights as the plain build', () => {
    const script = fileURLToPath(new URL('./relaxed-simd-check.ts', import.meta.url));
    const r = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--import', 'tsx', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { maxDiff: number; plainLoss: number; relaxedLoss: number };
    expect(out.maxDiff).toBeLessThan(1e-4);
    expect(out.relaxedLoss).toBeCloseTo(out.plainLoss, 5);
    expect(out.plainLoss).toBeLessThan(0.5); // and it learned: 3 classes start near ln 3 ≈ 1.1
  }, 60_000);

  it('src/lib/ml/native/kernels.ts is the build of assembly/dense.ts (run scripts/build-wasm.ts after editing it)', async () => {
    expect(await readFile(new URL(`../../${OUTPUT}`, import.meta.url), 'utf8')).toBe(await generate());
  }, 60_000);

  it('src/lib/ml/native/logistic-kernel.ts is the build of assembly/logistic.ts (run scripts/build-wasm.ts after editing it)', async () => {
    expect(await readFile(new URL(`../../${LOGISTIC_OUTPUT}`, import.meta.url), 'utf8')).toBe(await generateLogistic());
  }, 60_000);
});
