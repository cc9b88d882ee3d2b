/**
 * The native training engine: Enclave's WebAssembly SIMD kernels (native/dense.ts) behind the same NetEngine
 * interface as the tfjs loop. The epoch runs in slices of a few batches, with a checkpoint between slices, so a
 * cancel is seen and other tasks run while it trains.
 */
import { DenseTrainer, type DenseKernels } from './native/dense.ts';
import type { EngineInput, NetEngine } from './network-fit.ts';

/** Batches per call into WebAssembly between checkpoints (a call of 4 batches of 256 × 32 takes well under 1 ms). */
const SLICE = 4;

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
  return {
    async epoch(order, checkpoint) {
      if (arch.dropout > 0) trainer.seed([rng.int(0x7fffffff), rng.int(0x7fffffff), rng.int(0x7fffffff), rng.int(0x7fffffff)]);
      trainer.begin(order);
      const batches = Math.ceil(data.n / Math.max(1, Math.min(hp.batchSize, data.n)));
      for (let b = 0; b < batches; b += SLICE) {
        await checkpoint();
        trainer.run(b, SLICE);
      }
      const [loss, metric] = trainer.sums();
      return validation ? [loss, metric, ...trainer.scoreValidation()] : [loss, metric];
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
