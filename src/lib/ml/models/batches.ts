/** Prediction in row batches: bounded tensor memory for any number of rows, read back into one array. */
import * as tf from '@tensorflow/tfjs';

/**
 * Runs `block(start, rows)` (inside tf.tidy) for rows start…start+rows−1 of n, `batch` rows at a time, and reads each
 * result (`width` values a row) into its place in one n × width array; each result is disposed once read.
 */
export async function predictInBatches(n: number, width: number, batch: number, block: (start: number, rows: number) => tf.Tensor): Promise<Float32Array> {
  const out = new Float32Array(n * width);
  for (let start = 0; start < n; start += batch) {
    const rows = Math.min(batch, n - start);
    const y = tf.tidy(() => block(start, rows));
    try {
      out.set(await y.data(), start * width);
    } finally {
      y.dispose();
    }
  }
  return out;
}
