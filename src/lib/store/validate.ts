/**
 * Reading records back: storage outlives code (a record may come from an older build, a crashed write or a hand-edited
 * profile), so every repository read goes through a schema here. A record that does not fit is reported as damaged,
 * naming it — never handed to a page to fail later as a TypeError. The schemas check every field the app reads and the
 * outline of big nested reports (their curves are drawn as they are, not checked point by point).
 */
import * as v from 'valibot';
import { EnclaveError } from '../core/errors.ts';
import type { EvaluationReport, Json } from './db.ts';
import type { PrepareReport } from '../core/prepare.ts';
import type { Scores } from '../ml/models/score.ts';

/** What a damaged record is called in a message ("run", "model version", …), its table and its key. */
export interface RecordName {
  what: string;
  table: string;
  id: string;
}

/** The error for a stored record that does not have the shape this build reads: code 'storage', as tables.ts uses. */
export function damaged(name: RecordName, problem: string): EnclaveError {
  const short = name.id.length > 12 ? `${name.id.slice(0, 12)}…` : name.id;
  return new EnclaveError('storage', `The stored ${name.what} ${short} is damaged and cannot be read (${problem}).`, {
    table: name.table,
    id: name.id,
    problem
  });
}

/** The record, checked against `schema`; a record that does not fit throws `damaged`. */
export function parseRecord<T>(schema: v.GenericSchema<unknown, T>, raw: unknown, name: RecordName): T {
  const r = v.safeParse(schema, raw);
  if (!r.success) {
    const issue = r.issues[0];
    throw damaged(name, `${v.getDotPath(issue) ?? 'the record'}: ${issue.message}`);
  }
  return r.output;
}

// Scores and losses may be NaN (an empty split) or ±Infinity (a failed trial before JSON): any number, not only finite.
export const anyNumber = v.custom<number>((x) => typeof x === 'number', 'not a number');
const nullableNumber = v.nullable(anyNumber);
export const count = v.pipe(v.number(), v.integer(), v.minValue(0));
/** An array whose items are not checked one by one (curve points, histogram bins). */
const list = v.custom<unknown[]>(Array.isArray, 'not a list');

export const SplitNameSchema = v.picklist(['train', 'validation', 'test']);

export const SplitConfigSchema = v.object({
  method: v.picklist(['random', 'stratified', 'group', 'time']),
  fractions: v.tuple([v.number(), v.number(), v.number()]),
  seed: v.number(),
  target: v.optional(v.string()),
  group: v.optional(v.string()),
  time: v.optional(v.string())
});

const NUMERIC_TYPES = ['integer', 'float', 'boolean', 'datetime'] as const;
const STRING_TYPES = ['categorical', 'text', 'identifier'] as const;

// kind and type stay paired, which is what lets loadTable build Columns without casts.
export const SchemaFieldSchema = v.union([
  v.object({ name: v.string(), type: v.picklist([...NUMERIC_TYPES, 'identifier'] as const), kind: v.literal('numeric') }),
  v.object({ name: v.string(), type: v.picklist(STRING_TYPES), kind: v.literal('string') })
]);

/** A recipe's outline: each step's parameters are checked by parseRecipe / applyRecipe when it is used. */
const StepSpecSchema = v.looseObject({ kind: v.string() });
export const RecipeSchema = v.object({ target: v.optional(v.string()), steps: v.array(StepSpecSchema) });
export const FittedRecipeSchema = v.object({
  target: v.optional(v.string()),
  steps: v.array(v.object({ spec: StepSpecSchema, state: v.unknown() }))
});

// Scores are printed as they are (every entry) and ranked by accuracy or RMSE: those are what is checked, so a record
// with fewer scores than this build computes still reads.
const ScoreEntries = v.record(v.string(), anyNumber);
const HeadlineScore = v.union([v.looseObject({ accuracy: anyNumber }), v.looseObject({ rmse: anyNumber })]);
export const ScoresSchema = v.custom<Scores>((x) => v.is(ScoreEntries, x) && v.is(HeadlineScore, x), 'not a set of scores with an accuracy or an RMSE');

export const MetricsSchema = v.object({ train: v.optional(ScoresSchema), validation: v.optional(ScoresSchema), test: v.optional(ScoresSchema) });

const averages = v.looseObject({ precision: nullableNumber, recall: nullableNumber, f1: nullableNumber });
const ClassificationEnvelope = v.looseObject({
  kind: v.literal('classification'),
  n: anyNumber,
  classNames: v.array(v.string()),
  accuracy: nullableNumber,
  confusionMatrix: v.array(list),
  perClass: v.array(v.looseObject({ name: v.string(), precision: anyNumber, recall: anyNumber, f1: anyNumber, support: anyNumber })),
  macro: averages,
  micro: averages,
  weighted: averages,
  probabilities: v.nullable(v.looseObject({ rocCurves: list, prCurve: v.nullable(v.looseObject({ precision: list, recall: list })), calibration: v.nullable(v.looseObject({ probPred: list, probTrue: list })) })),
  notes: v.array(v.string())
});
const RegressionEnvelope = v.looseObject({
  kind: v.literal('regression'),
  n: anyNumber,
  rmse: nullableNumber,
  mse: nullableNumber,
  mae: nullableNumber,
  r2: nullableNumber,
  residuals: v.looseObject({ points: v.looseObject({ predicted: list, residual: list }), histogram: list }),
  notes: v.array(v.string())
});
const ReportEnvelope = v.variant('kind', [ClassificationEnvelope, RegressionEnvelope]);
/** A full evaluation report: its envelope and the fields the evaluation view reads are checked; it is kept whole. */
export const EvaluationReportSchema = v.custom<EvaluationReport>((x) => v.is(ReportEnvelope, x), 'not a classification or regression report');

const PrepareEnvelope = v.looseObject({
  split: v.looseObject({ method: v.string(), seed: anyNumber, sizes: v.looseObject({}) }),
  anomalies: v.object({ validation: list, test: list }),
  comparison: v.looseObject({ target: v.nullable(v.looseObject({})), drift: v.looseObject({}) }),
  blocking: list,
  accepted: list
});
/** The prepare stage's report: the outline the validation report reads is checked; it is kept whole. */
export const PrepareReportSchema = v.custom<PrepareReport>((x) => v.is(PrepareEnvelope, x), 'not a prepare report');

/** Whether x is plain JSON (what a setting may hold). */
export function isJson(x: unknown, depth = 0): x is Json {
  if (x === null || typeof x === 'string' || typeof x === 'boolean') return true;
  if (typeof x === 'number') return Number.isFinite(x);
  if (depth > 32 || typeof x !== 'object') return false;
  if (Array.isArray(x)) return x.every((e) => isJson(e, depth + 1));
  if (Object.getPrototypeOf(x) !== Object.prototype && Object.getPrototypeOf(x) !== null) return false;
  return Object.values(x).every((e) => isJson(e, depth + 1));
}
