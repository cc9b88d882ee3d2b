/**
 * What bench/prepare measures on the studio side, as plain functions of a Table (no DOM, no Node): the Chromium
 * worker (worker-entry.ts) runs them, and so can Node (stages.ts) for a CPU profile of the same code.
 *
 *   timePrepare  one prepareTable(table, RECIPE, { split: { seed: 42 } }) — the call the data worker's prepare job makes
 *                (split → fit on train → apply on validation/test → validate) — with its own progress callbacks
 *                stamped, so the same run also gives split / fit / apply / validate and the pipeline alone.
 *   breakdown    the same work again, piece by piece with the same core functions, each timed alone: split
 *                (splitTable, takeRows), every recipe step's fit and apply (on train, validation, test), and the
 *                validation's inferSchema, checkTable and compareSplits on the source columns (as prepareTable).
 */
import { prepareTable } from '../../src/lib/core/prepare.ts';
import { parseRecipe, STEP_KINDS } from '../../src/lib/core/recipe/index.ts';
import type { Recipe } from '../../src/lib/core/recipe/types.ts';
import { splitTable } from '../../src/lib/core/split.ts';
import { takeRows } from '../../src/lib/core/table-ops.ts';
import type { Table } from '../../src/lib/core/table.ts';
import { acceptAnomalies, checkTable } from '../../src/lib/core/validate/anomalies.ts';
import { compareSplits } from '../../src/lib/core/validate/compare-splits.ts';
import { driftReport } from '../../src/lib/core/validate/drift/report.ts';
import { inferSchema } from '../../src/lib/core/validate/schema.ts';

export const TARGET = 'label';

/**
 * sklearn's ColumnTransformer in recipe form: numbers imputed (median) then min-max scaled, categories imputed (most
 * frequent) then one-hot encoded. Scaling comes before one-hot on purpose: '*numeric' after the one-hot step would
 * also pick (and "scale") the 125 new 0/1 columns, which sklearn's pipeline does not do.
 */
export const RECIPE: Recipe = {
  target: TARGET,
  steps: [
    { kind: 'impute', columns: '*numeric', strategy: 'median' },
    { kind: 'scale', columns: '*numeric', method: 'minmax' },
    { kind: 'impute', columns: '*categorical', strategy: 'most_frequent' },
    { kind: 'onehot', columns: '*categorical', unknown: 'ignore' },
  ],
};
export const SPLIT = { seed: 42 } as const;

export interface PrepareTiming {
  /** prepareTable, call to return. */
  totalMs: number;
  /** From the call to the 'validate' progress mark: split + fit + apply (+ recipe parsing, negligible). */
  pipelineMs: number;
  splitMs: number;
  fitMs: number;
  applyMs: number;
  validateMs: number;
  /** Output shape, to check both sides made the same thing. */
  rows: [number, number, number];
  columns: number;
  method: string;
  trainClasses: Record<string, number>;
  /** Anomaly ids found in validation and test (`kind:column`). */
  anomalies: string[];
}

export function timePrepare(table: Table): PrepareTiming {
  const marks: Record<string, number> = {};
  const t0 = performance.now();
  const out = prepareTable(table, RECIPE, { split: SPLIT, onProgress: (p) => { marks[`${p.stage}:${p.done}`] ??= performance.now(); } });
  const t1 = performance.now();
  const { split: s, anomalies } = out.report;
  return {
    totalMs: t1 - t0,
    pipelineMs: marks['validate:3'] - t0,
    splitMs: marks['fit:1'] - marks['split:0'],
    fitMs: marks['apply:2'] - marks['fit:1'],
    applyMs: marks['validate:3'] - marks['apply:2'],
    validateMs: t1 - marks['validate:3'],
    rows: [out.splits.train.rowCount, out.splits.validation.rowCount, out.splits.test.rowCount],
    columns: out.splits.train.columns.length,
    method: s.method,
    trainClasses: Object.fromEntries((s.classes ?? []).map((c) => [c.value, c.counts.train])),
    anomalies: [...anomalies.validation, ...anomalies.test].map((x) => `${x.severity} ${x.id}`),
  };
}

/** [stage, milliseconds, detail], in the order run; indented names are parts of the line above. */
export type Timings = [string, number, string][];

export function breakdown(table: Table): Timings {
  const out: Timings = [];
  const time = <T>(name: string, fn: () => T, detail = ''): T => {
    const t0 = performance.now();
    const r = fn();
    out.push([name, performance.now() - t0, detail]);
    return r;
  };
  const recipe = time('parse recipe', () => parseRecipe(RECIPE));
  const split = time('split: splitTable (stratified)', () => splitTable(table, { ...SPLIT, target: TARGET }));
  const raw = time('split: takeRows × 3', () => ({
    train: takeRows(table, split.indices.train),
    validation: takeRows(table, split.indices.validation),
    test: takeRows(table, split.indices.test),
  }), `${table.columns.length} columns`);

  let train = raw.train, validation = raw.validation, test = raw.test;
  recipe.steps.forEach((spec, index) => {
    const kind = STEP_KINDS.get(spec.kind)!;
    const ctx = { index, target: TARGET, mode: 'train' as const };
    const params = kind.parse(spec, ctx);
    const label = `step ${index + 1} ${spec.kind} ${JSON.stringify(spec.columns)}${spec.strategy ? ` ${spec.strategy}` : spec.method ? ` ${spec.method}` : ''}`;
    const state = time(`${label}: fit`, () => kind.fit(train, params, ctx));
    const cols = (state as { columns: unknown[] }).columns.length;
    train = time(`${label}: apply train`, () => kind.apply(train, params, state, ctx), `${cols} columns in`);
    const evalCtx = { ...ctx, mode: 'eval' as const };
    validation = time(`${label}: apply validation`, () => kind.apply(validation, params, state, evalCtx));
    test = time(`${label}: apply test`, () => kind.apply(test, params, state, evalCtx), `${train.columns.length} columns out`);
  });

  const schema = time('validate: inferSchema(train)', () => inferSchema(train, { target: TARGET }), `${train.columns.length} columns`);
  const anomalies = time('validate: checkTable × 2', () => [...checkTable(validation, schema), ...checkTable(test, schema)]);
  time('validate: acceptAnomalies', () => acceptAnomalies(anomalies, []));
  // As prepareTable does: the splits are compared on the source columns (before the recipe).
  time('validate: compareSplits (source columns)', () => compareSplits(raw, { target: TARGET }), `${raw.train.columns.length} columns`);
  const features = raw.train.columns.filter((c) => c.name !== TARGET).map((c) => c.name);
  time('  compareSplits: target drift + class counts', () => compareSplits(raw, { target: TARGET, columns: [] }));
  time('  compareSplits: drift of the source features', () => {
    driftReport(raw.train, raw.validation, { columns: features, target: TARGET });
    driftReport(raw.train, raw.test, { columns: features, target: TARGET });
  }, `${features.length} columns × 2 splits`);
  return out;
}
