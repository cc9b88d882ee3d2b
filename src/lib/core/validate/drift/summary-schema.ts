/**
 * Reading a TrainingSummary from outside (a model bundle, a stored record): the shape, and the invariants the drift
 * tests rely on — counts are whole and add up, quantiles and cuts ascend, every number is finite, column names are
 * unique. A summary that does not fit is refused naming the column and field, never read into a wrong p-value.
 */
import * as v from 'valibot';
import { EnclaveError } from '../../errors.ts';
import { MAX_VALUE_BUCKETS } from './shares.ts';
import { SUMMARY_FORMAT, SUMMARY_VERSION, type TrainingSummary } from './summary.ts';

const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const num = v.pipe(v.number(), v.finite());
const ascending = (xs: number[]) => xs.every((x, i) => i === 0 || x >= xs[i - 1]);
const strictlyAscending = (xs: number[]) => xs.every((x, i) => i === 0 || x > xs[i - 1]);
const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);

const HistogramBinSchema = v.object({ x0: num, x1: num, count });

const NumericSummarySchema = v.pipe(
  v.object({
    name: v.string(),
    kind: v.literal('numeric'),
    type: v.picklist(['integer', 'float', 'boolean', 'datetime']),
    count,
    missing: count,
    min: v.nullable(num),
    max: v.nullable(num),
    mean: v.nullable(num),
    std: v.nullable(v.pipe(num, v.minValue(0))),
    histogram: v.array(HistogramBinSchema),
    quantiles: v.pipe(v.array(num), v.check(ascending, 'quantiles must ascend')),
    bins: v.pipe(
      v.object({
        cuts: v.pipe(v.array(num), v.check(strictlyAscending, 'cuts must ascend')),
        counts: v.array(count),
      }),
      v.check((b) => b.counts.length === (b.cuts.length ? b.cuts.length + 1 : 0), 'one count per bucket'),
    ),
    values: v.nullable(
      v.pipe(
        v.array(v.tuple([num, v.pipe(count, v.minValue(1))])),
        v.maxLength(MAX_VALUE_BUCKETS, `at most ${MAX_VALUE_BUCKETS} values are listed`),
        v.check((vs) => strictlyAscending(vs.map((p) => p[0])), 'values must ascend'),
      ),
    ),
  }),
  v.check((c) => (c.count === 0) === (c.quantiles.length === 0) && c.quantiles.length !== 1, 'a quantile sketch of at least two points for a column with values, none without'),
  v.check((c) => (c.count === 0) === (c.min === null) && (c.min === null) === (c.max === null) && (c.min === null || c.min <= c.max!), 'min and max for a column with values'),
  v.check((c) => c.count === 0 || (c.quantiles[0] === c.min && c.quantiles[c.quantiles.length - 1] === c.max), 'the sketch runs from min to max'),
  v.check((c) => c.count === 0 || (c.mean !== null && c.std !== null), 'mean and std for a column with values'),
  v.check((c) => sum(c.bins.counts) === c.count, 'bucket counts add up to count'),
  v.check((c) => c.values === null || sum(c.values.map((p) => p[1])) === c.count, 'value counts add up to count'),
);

const CategoricalSummarySchema = v.pipe(
  v.object({
    name: v.string(),
    kind: v.literal('string'),
    type: v.literal('categorical'),
    count,
    missing: count,
    categories: v.array(v.tuple([v.string(), v.pipe(count, v.minValue(1))])),
    other: count,
    otherCategories: count,
  }),
  v.check((c) => new Set(c.categories.map((p) => p[0])).size === c.categories.length, 'each category once'),
  v.check((c) => sum(c.categories.map((p) => p[1])) + c.other === c.count, 'category counts and other add up to count'),
  v.check((c) => (c.other === 0) === (c.otherCategories === 0) && c.otherCategories <= c.other, 'other rows and other categories agree'),
);

const WithheldSummarySchema = v.pipe(
  v.object({ name: v.string(), kind: v.literal('withheld'), type: v.picklist(['text', 'identifier']), count, missing: count, distinct: count }),
  v.check((c) => c.distinct <= c.count && (c.count === 0) === (c.distinct === 0), 'distinct values within count'),
);

export const TrainingSummarySchema = v.pipe(
  v.object({
    format: v.literal(SUMMARY_FORMAT),
    version: v.literal(SUMMARY_VERSION),
    rowCount: count,
    columns: v.array(v.variant('kind', [NumericSummarySchema, CategoricalSummarySchema, WithheldSummarySchema])),
  }),
  v.check((s) => new Set(s.columns.map((c) => c.name)).size === s.columns.length, 'each column once'),
  v.check((s) => s.columns.every((c) => c.count + c.missing === s.rowCount), 'count + missing = rowCount in every column'),
);

/** A summary read from outside, checked; anything else is an 'invalid-argument' error naming where it fails. */
export function parseTrainingSummary(input: unknown): TrainingSummary {
  const r = v.safeParse(TrainingSummarySchema, input);
  if (r.success) return r.output as TrainingSummary;
  const issue = r.issues[0];
  const path = v.getDotPath(issue);
  const version = (input as { version?: unknown } | null)?.version;
  if (path === 'version' || path === 'format') {
    throw new EnclaveError('invalid-argument', `This training summary is not one this version of Enclave reads (format ${JSON.stringify((input as { format?: unknown }).format)}, version ${JSON.stringify(version)}; expected ${SUMMARY_FORMAT} version ${SUMMARY_VERSION}).`, { path });
  }
  const columns = (input as { columns?: unknown })?.columns;
  const at = path?.match(/^columns\.(\d+)/);
  const named = at && Array.isArray(columns) ? (columns[Number(at[1])] as { name?: unknown } | undefined)?.name : undefined;
  const where = typeof named === 'string' ? `column "${named}"${path!.slice(at![0].length) ? `, ${path!.slice(at![0].length + 1)}` : ''}` : (path ?? 'the summary');
  throw new EnclaveError('invalid-argument', `The training summary is damaged (${where}: ${issue.message}).`, { path });
}
