/**
 * The native training engine: Enclave's WebAssembly SIMD kernels (native/dense.ts) behind the same NetEngine
 * interface as the tfjs loop. The epoch runs in slices of a few batches, with a checkpoint between slices, so a
 * cancel is seen and other tasks run while it trains.
 */
import { DenseTrainer, type DenseKernels } from './native/dense.ts';
import type { EngineInput, NetEngine } from './network-fit.ts';

/** Time one call into WebAssembly aims at: long enough that calls are few, short enough that a cancel is seen soon. */
const CALL_MS = 8;

export function nativeEngine(kernels: DenseKernels, input: EngineInput): NetEngine {
  const { arch, data, validation, hp, classWeight, target, rng, initial } = input;
  const standardise = (y: Int32Array | Float32Array) => Float32Array.from(y, (v) => (v - target!.mean) / target!.std);
  const asTarget = (y: Int32Array | Float32Array) => (arch.output === 'softmax' ? y : standardise(y));
  const trainer = new DenseTrainer(
    kernels, arch, initial,
    { optimizer: hp.optimizer, learningRate: hp.learningRate, l2: hp.l2, batchSize: hp.batchSize, classWeight },
    { X: data.X, y: asTarget(data.y), n: data.n },
    validation ? { X: validation.X, y: asTarget(validation.y), n: validation.n } : null,
  );
  let best: Float32Array | null = null;
  let slice = 1;
  return {
    async epoch(order, checkpoint) {
      if (arch.dropout > 0) trainer.seed([rng.int(0x7fffffff), rng.int(0x7fffffff), rng.int(0x7fffffff), rng.int(0x7fffffff)]);
      trainer.begin(order);
      const batches = Math.ceil(data.n / Math.max(1, Math.min(hp.batchSize, data.n)));
      // Batches per call adapt to their cost (a batch of 256 × 32 takes ~0.2 ms, one of 65,536 × 4,096 seconds).
      for (let b = 0; b < batches; ) {
        await checkpoint();
        const t0 = performance.now();
        trainer.run(b, slice);
        b += slice;
        const ms = performance.now() - t0;
        if (ms < CALL_MS / 2) slice *= 2;
        else if (ms > 2 * CALL_MS && slice > 1) slice = Math.max(1, slice >> 1);
      }
      const [loss, metric] = trainer.sums();
      return validation ? [loss, metric, ...trainer.scoreValidation()] : [loss, metric];
    },
    async score() {
      return validation ? [...trainer.scoreTraining(), ...trainer.scoreValidation()] : trainer.scoreTraining();
    },
    keepBest() {
      best = trainer.weights();
    },
    restoreBest() {
      if (best) trainer.setWeights(best);
    },
    async weights() {
      return trainer.weights();
    },
    dispose() {
      best = null;
    },
  };
}
