/**
 * A run's hyperparameters in a few words ("64-32 relu, lr 0.001, 200 epochs"), not JSON: the ones that tell runs
 * apart first, then any other that differs from its algorithm's default (parseSpec's), so two runs that differ only
 * in batch size still read differently. Unknown algorithms and values are written as "name value", never dropped.
 */
import { parseSpec } from '../../ml/models/spec.ts';

type Params = Record<string, unknown>;

/** The word people use for each hyperparameter; the ones shown first per algorithm go in LEAD. */
const NAMES = new Map<string, string>([
  ['learningRate', 'lr'], ['batchSize', 'batch'], ['l2', 'L2'], ['dropout', 'dropout'], ['patience', 'patience'],
  ['optimizer', 'optimizer'], ['classWeight', 'class weight'], ['distance', 'distance'], ['activation', 'activation']
]);

const LEAD = new Map<string, string[]>([
  ['mlp', ['units', 'activation', 'learningRate', 'epochs']],
  ['logistic', ['l2', 'learningRate', 'epochs']],
  ['linear', ['l2']],
  ['knn', ['k']]
]);

/** A number as people write it: 0.001, 1e-8, 200 (no float noise such as 0.30000000000000004). */
export function readableNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const short = +x.toPrecision(6);
  return Math.abs(short) !== 0 && (Math.abs(short) < 1e-4 || Math.abs(short) >= 1e6) ? short.toExponential().replace('e+', 'e') : String(short);
}

function value(v: unknown): string {
  if (typeof v === 'number') return readableNumber(v);
  if (Array.isArray(v)) return v.map(value).join('-');
  if (typeof v === 'string' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return '—';
  return JSON.stringify(v) ?? String(v);
}

/** One hyperparameter in words: "lr 0.001", "200 epochs", "64-32", "k 5", "balanced classes". */
function phrase(key: string, v: unknown, all: Params): string {
  if (key === 'units') return `${value(v)}${typeof all.activation === 'string' ? ` ${all.activation}` : ''}`;
  if (key === 'epochs') return all.optimizer === 'lbfgs' ? `≤ ${value(v)} iterations` : `${value(v)} epochs`;
  if (key === 'optimizer' && v === 'lbfgs') return 'L-BFGS';
  if (key === 'classWeight' && v === 'balanced') return 'balanced classes';
  if (key === 'optimizer' && v === 'adam') return 'Adam';
  if (key === 'optimizer' && typeof v === 'string') return v.toUpperCase();
  return `${NAMES.get(key) ?? key} ${value(v)}`;
}

function defaultsOf(algorithm: string): Params {
  try {
    return parseSpec({ algorithm, hyperparameters: {} }).hyperparameters as Params;
  } catch {
    return {}; // an algorithm this build does not know: every value is shown
  }
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** "64-32 relu, lr 0.001, 200 epochs" for an MLP; "k 5" for kNN; an ensemble lists its members. */
export function formatHyperparameters(algorithm: string, hyperparameters: Params): string {
  if (algorithm === 'ensemble' && Array.isArray(hyperparameters.members)) {
    const members = hyperparameters.members as { algorithm?: unknown; hyperparameters?: unknown }[];
    return `mean of ${members.length}: ${members.map((m) => `${String(m.algorithm)} (${formatHyperparameters(String(m.algorithm), (m.hyperparameters ?? {}) as Params)})`).join('; ')}`;
  }
  if (algorithm === 'auto' && Object.keys(hyperparameters).length === 0) return 'candidates chosen automatically';
  // L-BFGS solves on all rows at once: its learning rate, batch size and patience are never used, so never shown.
  const lbfgs = hyperparameters.optimizer === 'lbfgs';
  const lead = lbfgs ? ['optimizer', 'l2', 'epochs'] : (LEAD.get(algorithm) ?? []);
  const defaults = defaultsOf(algorithm);
  const entries = Object.entries(hyperparameters).filter(([k]) => !(lbfgs && (k === 'learningRate' || k === 'batchSize' || k === 'patience')));
  const parts: string[] = [];
  for (const key of lead) {
    if (key === 'activation' && Object.hasOwn(hyperparameters, 'units')) continue; // said with the units ("64-32 relu")
    if (Object.hasOwn(hyperparameters, key)) parts.push(phrase(key, hyperparameters[key], hyperparameters));
  }
  for (const [key, v] of entries) {
    if (lead.includes(key) || (Object.hasOwn(defaults, key) && same(defaults[key], v))) continue;
    parts.push(phrase(key, v, hyperparameters));
  }
  return parts.join(', ') || 'defaults';
}
