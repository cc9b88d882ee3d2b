/**
 * The tfjs training engine (WebGPU, WebGL, CPU; and WASM when asked): a gradient loop written for low per-batch
 * overhead (not model.fit):
 *   - the training split is uploaded once; each epoch uploads one shuffled index vector and batches are gathered on
 *     the device;
 *   - all weights live in ONE flat variable (layers are views of it) updated by a flat Adam/SGD, so a step costs a few
 *     dozen kernels whatever the depth; each batch is one variableGrads + update inside tf.tidy;
 *   - the loss and metric sums stay on the device and are read back once per epoch, with the validation sums.
 */
import * as tf from '@tensorflow/tfjs';
import { flatten, forward, unflatten } from './models/network.ts';
import type { EngineInput, NetEngine } from './network-fit.ts';

/** Training rows scored per block when the starting weights are scored (bounded activation memory). */
const SCORE_ROWS = 8192;

async function readAndDispose(t: tf.Tensor): Promise<ArrayLike<number>> {
  try {
    return await t.data();
  } finally {
    t.dispose();
  }
}

/**
 * Adam (as Keras: ε = 1e-7, bias-corrected moments) or plain SGD on one flat parameter vector: a dozen kernels per
 * step whatever the depth (tf.train.adam runs ~15 per variable, and creates its scalars anew every step).
 */
function flatOptimizer(kind: 'adam' | 'sgd', lr: number, size: number) {
  const [b1, b2, eps] = [0.9, 0.999, 1e-7];
  // tf.variable shares its initial tensor's data; tidy frees that tensor, the variable stays.
  const m = kind === 'adam' ? tf.tidy(() => tf.variable(tf.zeros([size]), false)) : null;
  const v = kind === 'adam' ? tf.tidy(() => tf.variable(tf.zeros([size]), false)) : null;
  const c = { b1: tf.scalar(b1), b1c: tf.scalar(1 - b1), b2: tf.scalar(b2), b2c: tf.scalar(1 - b2), eps: tf.scalar(eps), lr: tf.scalar(lr) };
  let t = 0;
  return {
    /** θ ← θ − step(g); call inside tf.tidy. */
    apply(theta: tf.Variable, g: tf.Tensor) {
      if (!m || !v) return theta.assign(tf.sub(theta, tf.mul(g, c.lr)));
      t++;
      m.assign(tf.add(tf.mul(m, c.b1), tf.mul(g, c.b1c)));
      v.assign(tf.add(tf.mul(v, c.b2), tf.mul(tf.square(g), c.b2c)));
      const vHat = tf.mul(v, tf.scalar(1 / (1 - b2 ** t)));
      const step = tf.div(tf.mul(m, tf.scalar(lr / (1 - b1 ** t))), tf.add(tf.sqrt(vHat), c.eps));
      theta.assign(tf.sub(theta, step));
    },
    dispose() {
      m?.dispose();
      v?.dispose();
      Object.values(c).forEach((x) => x.dispose());
    },
  };
}

export function tfjsEngine(input: EngineInput): NetEngine {
  const { arch, data, validation, hp, classWeight, target, rng, initial } = input;
  const { n, d } = data;
  const classification = arch.output === 'softmax';
  const k = arch.sizes[arch.sizes.length - 1];
  const theta = tf.tidy(() => tf.variable(tf.tensor1d(initial), true));
  const owned: tf.Tensor[] = [theta];
  const own = <T extends tf.Tensor>(t: T): T => (owned.push(t), t);
  const upload = (ds: { X: Float32Array; y: Int32Array | Float32Array; n: number }) => ({
    n: ds.n,
    X: own(tf.tensor2d(ds.X.subarray(0, ds.n * d), [ds.n, d])),
    Y: own(classification
      ? tf.tidy(() => tf.oneHot(tf.tensor1d(ds.y as Int32Array, 'int32'), k).toFloat())
      : tf.tensor2d(Float32Array.from(ds.y, (v) => (v - target!.mean) / target!.std), [ds.n, 1])),
  });
  const train = upload(data);
  const val = validation ? upload(validation) : null;
  const W = classWeight ? own(tf.tidy(() => tf.gather(tf.tensor1d(classWeight), tf.tensor1d(data.y as Int32Array, 'int32')))) : null;
  // L2 on kernels only (as Keras' kernel_regularizer), added to the gradient directly: ∂(l2·Σw²)/∂w = 2·l2·w.
  const l2Grad = hp.l2 > 0 ? own(tf.tensor1d(flatten(arch.sizes.slice(1).map((fanOut, l) => ({ kernel: new Float32Array(arch.sizes[l] * fanOut).fill(2 * hp.l2), bias: new Float32Array(fanOut) }))))) : null;
  const optimizer = flatOptimizer(hp.optimizer, hp.learningRate, initial.length);
  const dropoutSeed = arch.dropout > 0 ? () => rng.int(0x7fffffff) : undefined;
  let best: tf.Tensor1D | null = null;

  /** [sum over rows of the loss, sum of correct answers or of squared errors] for one batch or split. */
  const sums = (out: tf.Tensor2D, y: tf.Tensor, w: tf.Tensor | null): [tf.Scalar, tf.Scalar] => {
    if (classification) {
      let ce: tf.Tensor = tf.neg(tf.sum(tf.mul(y, tf.logSoftmax(out)), 1));
      if (w) ce = tf.mul(ce, w);
      return [tf.sum(ce) as tf.Scalar, tf.sum(tf.cast(tf.equal(tf.argMax(out, 1), tf.argMax(y, 1)), 'float32')) as tf.Scalar];
    }
    const se = tf.sum(tf.square(tf.sub(out, y))) as tf.Scalar;
    return [se, se];
  };

  /** [loss sum, metric sum] of the current weights on a split (no dropout, no class weights); call inside tf.tidy. */
  const splitSums = (split: { X: tf.Tensor2D; Y: tf.Tensor }) => tf.stack(sums(forward(unflatten(theta, arch), arch, split.X), split.Y, null));

  return {
    async epoch(order, checkpoint) {
      const perm = tf.tensor1d(order, 'int32');
      let acc: tf.Tensor = tf.zeros([2]);
      try {
        for (let start = 0; start < n; start += hp.batchSize) {
          await checkpoint();
          const size = Math.min(hp.batchSize, n - start);
          const next = tf.tidy(() => {
            const ids = tf.slice(perm, [start], [size]);
            const xb = tf.gather(train.X, ids) as tf.Tensor2D;
            const yb = tf.gather(train.Y, ids);
            const wb = W ? tf.gather(W, ids) : null;
            // variableGrads runs its function in its own tidy: the batch's sums are kept out of it, then disposed here.
            const box: { stats?: tf.Tensor } = {};
            const { grads } = tf.variableGrads(() => {
              const [loss, metric] = sums(forward(unflatten(theta, arch), arch, xb, dropoutSeed), yb, wb);
              box.stats = tf.keep(tf.stack([loss, metric]));
              return tf.div(loss, size) as tf.Scalar;
            }, [theta]);
            const g = l2Grad ? tf.add(grads[theta.name], tf.mul(theta, l2Grad)) : grads[theta.name];
            optimizer.apply(theta, g);
            const sum = tf.add(acc, box.stats!);
            box.stats!.dispose();
            return sum;
          });
          acc.dispose();
          acc = next;
        }
      } catch (e) {
        acc.dispose();
        throw e;
      } finally {
        perm.dispose();
      }
      const all = tf.tidy(() => (val ? tf.concat([acc, splitSums(val)]) : acc.clone()));
      acc.dispose();
      return readAndDispose(all);
    },
    async score() {
      // The training split in row blocks (its activations can be large); the validation split as each epoch scores it.
      let acc: tf.Tensor = tf.zeros([2]);
      for (let start = 0; start < n; start += SCORE_ROWS) {
        const rows = Math.min(SCORE_ROWS, n - start);
        const next = tf.tidy(() => tf.add(acc, splitSums({ X: tf.slice(train.X, [start, 0], [rows, d]), Y: tf.slice(train.Y, [start, 0], [rows, -1]) })));
        acc.dispose();
        acc = next;
      }
      const all = tf.tidy(() => (val ? tf.concat([acc, splitSums(val)]) : acc.clone()));
      acc.dispose();
      return readAndDispose(all);
    },
    keepBest() {
      best?.dispose();
      best = tf.clone(theta);
    },
    restoreBest() {
      if (best) theta.assign(best);
    },
    async weights() {
      return (await theta.data()) as Float32Array;
    },
    dispose() {
      best?.dispose();
      optimizer.dispose();
      owned.forEach((t) => t.dispose());
    },
  };
}
