import 'fake-indexeddb/auto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { predict } from '../../src/lib/jobs/train-job.ts';
import { tableFromRecords } from '../../src/lib/core/table-from-records.ts';
import { initBackend } from '../../src/lib/ml/backend.ts';
import { createDb, type EnclaveDB } from '../../src/lib/store/db.ts';
import { prefill, recordOf } from '../../src/lib/components/model-registry/what-if.ts';
import { errorOf } from './errors.ts';

/*
 * A feature may be named "__proto__" or "constructor" (column names come from data). A plain object keyed by such a
 * name loses it — `row["__proto__"] = "8.5"` sets a prototype — so the what-if form dropped a feature named
 * "__proto__" and the model predicted without it. Rows travel as [name, value] pairs (or Maps).
 */
let dbs: EnclaveDB[] = [];
beforeAll(async () => {
  await initBackend('cpu');
});
afterEach(async () => {
  for (const d of dbs) { d.close(); await d.delete(); }
  dbs = [];
});

/** A 1-nearest-neighbour model on features ["__proto__", "constructor"], registered by hand: the class is "high" where __proto__ ≥ 5. */
async function registered(): Promise<EnclaveDB> {
  const d = createDb(`predict-records-${crypto.randomUUID()}`);
  dbs.push(d);
  const features = ['__proto__', 'constructor'];
  const model = {
    format: 'enclave-model', version: 1, spec: { algorithm: 'knn', hyperparameters: { k: 1, distance: 'euclidean' } },
    shape: { task: 'classification', features, classNames: ['high', 'low'] }, seed: 1,
    weights: [{ name: 'train/X', shape: [2, 2], data: [0, 0, 10, 0] }, { name: 'train/y', shape: [2], data: [1, 0] }],
  };
  await d.artifacts.add({ run: 'run-1', model: model as never, created: 1 });
  await d.models.add({
    id: 'm', name: 'keys', version: '1.0.0', run: 'run-1', source: 'v', fitted: { target: 'y', steps: [] },
    inputSchema: features.map((name) => ({ name, type: 'float', kind: 'numeric' })), features, target: 'y', task: 'classification',
    classNames: ['high', 'low'], aliases: ['champion'], metrics: {}, created: 1,
  } as never);
  return d;
}

describe('a feature named "__proto__" or "constructor" arrives and is used', () => {
  it('predict reads rows given as [name, value] pairs or Maps, using a feature named "__proto__"', async () => {
    const d = await registered();
    const rows = [[['__proto__', '8.5'], ['constructor', '0']], [['__proto__', '1'], ['constructor', '0']]] as const;
    expect((await predict('m', rows, d)).predictions).toEqual(['high', 'low']);
    expect((await predict('m', rows.map((r) => new Map(r)), d)).predictions).toEqual(['high', 'low']);
    // A plain object from JSON.parse has "__proto__" as an own key: it is read too.
    expect((await predict('m', [JSON.parse('{"__proto__": 9, "constructor": 0}')], d)).predictions).toEqual(['high']);
  });

  it('the what-if form keeps a feature named "__proto__" from the prefilled row to the prediction', async () => {
    const d = await registered();
    const inputs = [{ name: '__proto__' }, { name: 'constructor' }];
    const values = prefill(inputs, { columns: [{ name: 'constructor' }, { name: '__proto__' }], rows: [[0, 8.5]] });
    expect(values).toEqual([{ name: '__proto__', value: '8.5' }, { name: 'constructor', value: '0' }]);
    expect(recordOf(values)).toEqual([['__proto__', '8.5'], ['constructor', '0']]);
    expect((await predict('m', [recordOf(values)], d)).predictions).toEqual(['high']);
    values[0].value = '2'; // the person edits the field
    expect((await predict('m', [recordOf(values)], d)).predictions).toEqual(['low']);
    values[1].value = ''; // an emptied field is a missing value
    expect(recordOf(values)[1]).toEqual(['constructor', null]);
  });

  it('prefills a date as a person types it, and the form reads it back as the same instant', () => {
    const fields = prefill([{ name: 'day' }, { name: 'at' }, { name: 'when' }], { columns: [{ name: 'day' }, { name: 'at' }, { name: 'when' }], rows: [['2012-01-01T00:00:00.000Z', '2012-01-01T13:45:07.000Z', new Date(Date.UTC(2015, 5, 30))]] });
    expect(fields.map((f) => f.value)).toEqual(['2012-01-01', '2012-01-01 13:45:07', '2015-06-30']);
    const table = tableFromRecords([recordOf(fields)]);
    expect(table.columns.map((c) => [c.type, c.kind === 'numeric' ? c.values[0] : null])).toEqual([
      ['datetime', Date.UTC(2012, 0, 1)],
      ['datetime', Date.UTC(2012, 0, 1, 13, 45, 7)],
      ['datetime', Date.UTC(2015, 5, 30)]
    ]);
  });

  it('prefills empty fields when there is no first row, or the row lacks a column', () => {
    expect(prefill([{ name: 'constructor' }], null)).toEqual([{ name: 'constructor', value: '' }]);
    expect(prefill([{ name: 'toString' }], { columns: [{ name: 'x' }], rows: [[1]] })).toEqual([{ name: 'toString', value: '' }]);
  });

  it('refuses rows that are not pairs, name a column twice or hold objects, naming the row', () => {
    expect(errorOf(() => tableFromRecords([[['x', 1]], 'x=1'])).message).toBe('Row 2 to predict is not a list of [column, value] pairs, a Map or an object.');
    expect(errorOf(() => tableFromRecords([[['x', 1], ['x', 2]]])).message).toBe('Row 1 to predict names column "x" twice.');
    expect(errorOf(() => tableFromRecords([[['x', { a: 1 }]]])).message).toBe('Row 1 to predict has a value for column "x" that is not text, a number, true/false or empty.');
    expect(errorOf(() => tableFromRecords([[['x']]])).code).toBe('invalid-argument');
  });

  it('builds one column per name in order of first appearance, missing where a row lacks it', () => {
    const t = tableFromRecords([[['__proto__', 1]], new Map<string, string | number>([['constructor', 'a'], ['__proto__', 2]])]);
    expect(t.columns.map((c) => c.name)).toEqual(['__proto__', 'constructor']);
    expect(Array.from(t.columns[1].valid)).toEqual([0, 1]);
  });
});
