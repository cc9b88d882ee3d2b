/**
 * What every trained model is, and its saved form: `{ spec, shape, weights: [{ name, shape, data }] }`, where data is
 * float32 as base64 (the default: compact and exact) or a plain number[] (readable; also exact, as float32 → double →
 * float32 round-trips). Everything from outside is checked with valibot before any tensor is made.
 */
import type { CompactRows } from '../solvers/compact-rows.ts';
import * as v from 'valibot';
import { EnclaveError } from '../../core/errors.ts';
import { parseJsonText } from '../../core/json-text.ts';
import type { DataShape } from '../matrix.ts';
import { parseSpec, type ModelSpec } from './spec.ts';

export interface SavedWeight {
  name: string;
  shape: number[];
  /** Little-endian float32 bytes as base64, or the values. */
  data: string | number[];
}

export interface SavedModel {
  format: 'enclave-model';
  version: 1;
  spec: ModelSpec;
  shape: DataShape;
  seed: number;
  /** Regression networks learn a standardised target: prediction = output · std + mean. */
  target?: { mean: number; std: number };
  weights: SavedWeight[];
  /** An ensemble's members, each a whole saved model (its own weights are then empty). */
  members?: SavedModel[];
}

export interface TrainedModel {
  readonly spec: ModelSpec;
  readonly shape: DataShape;
  readonly seed: number;
  /**
   * For n rows of X (row-major n × d): classification → n × k class probabilities (row-major); regression → n values.
   * Async because GPU backends can only read results back asynchronously.
   */
  predict(X: Float32Array, n?: number): Promise<Float32Array>;
  /** The same predictions from compact rows (a Dataset's `compact`), where the model reads them without X. */
  predictRows?(rows: CompactRows): Promise<Float32Array>;
  toJSON(options?: { encoding?: 'base64' | 'array' }): SavedModel;
  /** Frees the model's tensors (its weights, or a kNN model's training rows). */
  dispose(): void;
}

/** The fields a saved model starts with: format and version, then copies of the model's spec and shape, and its seed. */
export function savedHeader(model: Pick<TrainedModel, 'spec' | 'shape' | 'seed'>): Pick<SavedModel, 'format' | 'version' | 'spec' | 'shape' | 'seed'> {
  return { format: 'enclave-model', version: 1, spec: structuredClone(model.spec), shape: structuredClone(model.shape), seed: model.seed };
}

export function encodeFloat32(a: Float32Array): string {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function decodeFloat32(s: string): Float32Array {
  const bin = atob(s);
  if (bin.length % 4) throw new EnclaveError('invalid-argument', 'A saved weight is not whole float32 values (its byte length is not a multiple of 4).');
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}

export function saveWeight(name: string, shape: number[], data: Float32Array, encoding: 'base64' | 'array' = 'base64'): SavedWeight {
  return { name, shape, data: encoding === 'base64' ? encodeFloat32(data) : Array.from(data) };
}

const savedSchema = v.object({
  format: v.literal('enclave-model'),
  version: v.literal(1),
  spec: v.unknown(),
  shape: v.object({
    task: v.picklist(['classification', 'regression']),
    features: v.array(v.string()),
    classNames: v.optional(v.array(v.string())),
  }),
  seed: v.number(),
  target: v.optional(v.object({ mean: v.number(), std: v.number() })),
  weights: v.array(v.object({
    name: v.string(),
    shape: v.array(v.pipe(v.number(), v.integer(), v.minValue(0))),
    data: v.union([v.string(), v.array(v.number())]),
  })),
  members: v.optional(v.array(v.unknown())),
});

/** A saved model checked and with its weights decoded (name → values, shape). */
export interface LoadedModel extends Omit<SavedModel, 'weights' | 'members'> {
  weights: Map<string, { shape: number[]; data: Float32Array }>;
  members?: LoadedModel[];
}

export function parseSaved(json: unknown): LoadedModel {
  json = parseJsonText(json, 'invalid-argument', 'The saved model');
  const r = v.safeParse(savedSchema, json);
  if (!r.success) {
    const issue = r.issues[0];
    throw new EnclaveError('invalid-argument', `This is not a saved Enclave model (${v.getDotPath(issue) ?? 'top level'}: ${issue.message}).`);
  }
  const s = r.output;
  if (s.shape.task === 'classification' && !(s.shape.classNames && s.shape.classNames.length >= 2))
    throw new EnclaveError('invalid-argument', 'A saved classifier must list at least two class names.');
  const weights = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const w of s.weights) {
    const data = typeof w.data === 'string' ? decodeFloat32(w.data) : Float32Array.from(w.data);
    const size = w.shape.reduce((a, b) => a * b, 1);
    if (data.length !== size) throw new EnclaveError('invalid-argument', `Saved weight "${w.name}" has ${data.length} values; its shape [${w.shape.join(', ')}] needs ${size}.`);
    if (!data.every(Number.isFinite)) throw new EnclaveError('invalid-argument', `Saved weight "${w.name}" holds values that are not finite numbers.`);
    weights.set(w.name, { shape: w.shape, data });
  }
  const spec = parseSpec(s.spec);
  const members = s.members?.map(parseSaved);
  if (spec.algorithm === 'ensemble' && members?.length !== spec.hyperparameters.members.length)
    throw new EnclaveError('invalid-argument', `The saved ensemble lists ${spec.hyperparameters.members.length} members but holds ${members?.length ?? 0}.`);
  return { format: s.format, version: s.version, spec, shape: s.shape as DataShape, seed: s.seed, ...(s.target ? { target: s.target } : {}), weights, ...(members ? { members } : {}) };
}

/** The named weight with the expected shape, or an error naming it. */
export function weightOf(m: LoadedModel, name: string, shape: number[]): Float32Array {
  const w = m.weights.get(name);
  if (!w) throw new EnclaveError('invalid-argument', `The saved model lacks the weight "${name}".`);
  if (w.shape.length !== shape.length || w.shape.some((x, i) => x !== shape[i]))
    throw new EnclaveError('invalid-argument', `Saved weight "${name}" has shape [${w.shape.join(', ')}]; the model needs [${shape.join(', ')}].`);
  return w.data;
}

/** Predicted class codes from n × k probabilities (ties: the first class, as numpy's argmax). */
export function argmaxRows(probs: Float32Array, k: number): Int32Array {
  const n = probs.length / k;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (probs[i * k + j] > probs[i * k + best]) best = j;
    out[i] = best;
  }
  return out;
}
