/**
 * Seeded data of the train benchmark: bench/train/data/train-20k.bin, 20,000 rows × 32 features, a binary target.
 *   x ~ N(0, 1) (32 independent features), w ~ N(0, 1) (seeded, fixed), y = 1[w·x + ε > 0] with ε ~ N(0, (0.5·|w|)²)
 *   (so ~10% of the labels are flipped by the noise: a task a 64-32 MLP learns to ~88–92%, not a trivial one).
 * File layout (little-endian, no header): X as float32, row-major n × d, then y as int32 (n). Same seed → same bytes.
 * Both sides (the Chromium worker and scikit-learn) read this file, and neither times the reading.
 * Run alone with `node --import tsx bench/train/generate.ts`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { seeded } from '../../src/lib/core/random.ts';
import { dataFiles } from '../shared/data-file.ts';

export const SEED = 20261125;
export const ROWS = 20_000;
export const FEATURES = 32;
const VERSION = 1;

export const { dir: DATA_DIR, path: BIN_PATH, meta: META_PATH } = dataFiles(import.meta.url, 'train-20k.bin');

export interface TrainData {
  path: string;
  n: number;
  d: number;
  seed: number;
  version: number;
  /** Share of rows with y = 1. */
  positive: number;
  bytes: number;
}

export function generate(): { X: Float32Array; y: Int32Array; positive: number } {
  const rng = seeded(SEED);
  const w = Float64Array.from({ length: FEATURES }, () => rng.normal());
  const norm = Math.sqrt(w.reduce((s, v) => s + v * v, 0));
  const X = new Float32Array(ROWS * FEATURES);
  const y = new Int32Array(ROWS);
  let positive = 0;
  for (let i = 0; i < ROWS; i++) {
    let z = 0;
    for (let j = 0; j < FEATURES; j++) {
      const x = Math.fround(rng.normal());
      X[i * FEATURES + j] = x;
      z += w[j] * x;
    }
    y[i] = z + 0.5 * norm * rng.normal() > 0 ? 1 : 0;
    positive += y[i];
  }
  return { X, y, positive: positive / ROWS };
}

/** The file, generated when missing or stale (a few ms). */
export function ensureData(log: (s: string) => void = () => undefined): TrainData {
  try {
    const meta = JSON.parse(readFileSync(META_PATH, 'utf8')) as TrainData;
    if (meta.version === VERSION && meta.seed === SEED && existsSync(BIN_PATH)) return { ...meta, path: BIN_PATH };
  } catch { /* generate */ }
  const { X, y, positive } = generate();
  mkdirSync(DATA_DIR, { recursive: true });
  const bytes = new Uint8Array(X.byteLength + y.byteLength);
  bytes.set(new Uint8Array(X.buffer), 0);
  bytes.set(new Uint8Array(y.buffer), X.byteLength); // x86/ARM hosts are little-endian, as the layout says
  writeFileSync(BIN_PATH, bytes);
  const info: TrainData = { path: BIN_PATH, n: ROWS, d: FEATURES, seed: SEED, version: VERSION, positive, bytes: bytes.byteLength };
  writeFileSync(META_PATH, JSON.stringify(info));
  log(`data: wrote ${BIN_PATH} (${bytes.byteLength.toLocaleString('en')} bytes, ${ROWS} × ${FEATURES}, ${(positive * 100).toFixed(1)}% positive)`);
  return info;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.log(JSON.stringify(ensureData(console.log)));
