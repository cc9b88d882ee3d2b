/**
 * A batch checked against a model's input schema: what stops scoring (missing columns, wrong types, no rows) and what
 * only warns (extra columns, unseen categories, values outside the training range), each said per column with the
 * rows as the person's file counts them (1-based data rows). Tables come from the CSV reader, as an uploaded file would.
 */
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../src/lib/core/io/index.ts';
import { bytesSource } from '../../src/lib/core/io/source.ts';
import { profileTable } from '../../src/lib/core/profile.ts';
import { checkBatch, type InputField } from '../../src/lib/services/check-batch.ts';
import { hintsFromProfile } from '../../src/lib/services/batch-hints.ts';

const schema: InputField[] = [
  { name: 'Island', type: 'categorical', kind: 'string' },
  { name: 'Body Mass (g)', type: 'integer', kind: 'numeric' },
  { name: 'Sex', type: 'categorical', kind: 'string' }
];
const csv = async (text: string) => (await readCsv(bytesSource('batch.csv', text))).table;
const hints = new Map([
  ['Island', { categories: ['Biscoe', 'Dream', 'Torgersen'] }],
  ['Body Mass (g)', { min: 2700, max: 6300 }],
  ['Sex', { categories: ['MALE', 'FEMALE'] }]
]);

describe('checkBatch', () => {
  it('passes a batch with the schema columns and values seen in training', async () => {
    const t = await csv('Island,Body Mass (g),Sex\nBiscoe,3750,MALE\nDream,,FEMALE\n');
    expect(checkBatch(schema, t, { hints })).toEqual({ ok: true, rowCount: 2, columns: [] });
  });

  it('blocks a missing column, naming it', async () => {
    const t = await csv('Island,Sex\nBiscoe,MALE\n');
    const r = checkBatch(schema, t, { hints });
    expect(r.ok).toBe(false);
    expect(r.columns).toEqual([expect.objectContaining({ column: 'Body Mass (g)', problem: 'missing', blocking: true, count: 1 })]);
    expect(r.columns[0].message).toBe('Column "Body Mass (g)" is missing: the model needs it to predict. Add it to the file (empty cells are read as unknown values).');
  });

  it('blocks text in a number column, quoting the values and their rows', async () => {
    const t = await csv('Island,Body Mass (g),Sex\nBiscoe,3750,MALE\nDream,heavy,MALE\nDream,4000,MALE\nDream,light,FEMALE\nDream,heavy,MALE\n');
    const r = checkBatch(schema, t, { hints });
    expect(r.ok).toBe(false);
    expect(r.columns).toEqual([{ column: 'Body Mass (g)', problem: 'wrong-type', blocking: true, count: 3, rows: [2, 4, 5], message: 'Column "Body Mass (g)" should hold numbers, but it has 3 values that are not numbers: "heavy", "light" (rows 2, 4, 5). Fix them and score again.' }]);
  });

  it('warns of categories never seen in training, the model still scoring them', async () => {
    const rows = ['Biscoe', 'Dream', 'Torgersen', 'Atlantis', 'Dream', 'Dream', 'Dream', 'Dream', 'Atlantis', 'Dream', 'Dream', 'Atlantis'];
    const t = await csv(`Island,Body Mass (g),Sex\n${rows.map((i) => `${i},4000,MALE`).join('\n')}\n`);
    const r = checkBatch(schema, t, { hints });
    expect(r.ok).toBe(true);
    expect(r.columns).toEqual([{ column: 'Island', problem: 'unseen-categories', blocking: false, count: 3, rows: [4, 9, 12], message: 'Column "Island" has 3 values never seen in training: "Atlantis" (rows 4, 9, 12). The model still scores those rows, as if the value were none it knows.' }]);
  });

  it('warns of values outside the training range with separators in the numbers', async () => {
    const t = await csv('Island,Body Mass (g),Sex\nBiscoe,12000,MALE\nBiscoe,4000,MALE\nBiscoe,2699,FEMALE\nBiscoe,2700,FEMALE\nBiscoe,6300,FEMALE\n');
    const r = checkBatch(schema, t, { hints });
    expect(r.ok).toBe(true);
    expect(r.columns).toEqual([{ column: 'Body Mass (g)', problem: 'out-of-range', blocking: false, count: 2, rows: [1, 3], message: 'Column "Body Mass (g)" has 2 values outside the training range 2,700 to 6,300 (rows 1, 3). The model still scores those rows, but a prediction far from the data it learned from is less reliable.' }]);
  });

  it('warns of extra columns (the target too), which are copied to the output and not used', async () => {
    const t = await csv('Species,Island,Body Mass (g),Sex,Note\nAdelie,Biscoe,4000,MALE,x\n');
    const r = checkBatch(schema, t, { hints, target: 'Species' });
    expect(r.ok).toBe(true);
    expect(r.columns.map((p) => [p.column, p.problem, p.blocking])).toEqual([['Species', 'extra', false], ['Note', 'extra', false]]);
    expect(r.columns[0].message).toMatch(/^Column "Species" is what the model predicts/);
    expect(r.columns[1].message).toMatch(/^Column "Note" is not one the model uses/);
  });

  it('blocks a batch with no rows', () => {
    const empty = { rowCount: 0, columns: [] };
    const r = checkBatch(schema, empty);
    expect(r.ok).toBe(false);
    expect(r.columns[0]).toEqual(expect.objectContaining({ column: '', problem: 'no-rows', blocking: true }));
    expect(r.columns.filter((p) => p.problem === 'missing').map((p) => p.column)).toEqual(['Island', 'Body Mass (g)', 'Sex']);
  });

  it('lists the first 20 rows of a problem and counts them all', async () => {
    const body = Array.from({ length: 30 }, () => 'Biscoe,9999,MALE').join('\n');
    const r = checkBatch(schema, await csv(`Island,Body Mass (g),Sex\n${body}\n`), { hints });
    expect(r.columns[0].count).toBe(30);
    expect(r.columns[0].rows).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(r.columns[0].message).toContain('(rows 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20 and 10 more)');
  });

  it('reads numbers where text is expected as their text (a code), checked against the categories', async () => {
    const codes: InputField[] = [{ name: 'Zone', type: 'categorical', kind: 'string' }];
    const r = checkBatch(codes, await csv('Zone\n1\n2\n7\n'), { hints: new Map([['Zone', { categories: ['1', '2'] }]]) });
    expect(r.ok).toBe(true);
    expect(r.columns).toEqual([expect.objectContaining({ column: 'Zone', problem: 'unseen-categories', rows: [3], count: 1 })]);
  });
});

describe('hintsFromProfile', () => {
  it('takes the numeric range and, when the profile lists them all, the categories', async () => {
    const t = await csv(`a,b,c\n${Array.from({ length: 12 }, (_, i) => `${i + 1},${['x', 'y'][i % 2]},v${i}`).join('\n')}\n`);
    const h = hintsFromProfile(profileTable(t));
    expect(h.get('a')).toEqual({ min: 1, max: 12 });
    expect(h.get('b')).toEqual({ categories: ['x', 'y'] });
    // 12 distinct values, the profile lists 10: not all known, so none is called unseen.
    expect(h.has('c')).toBe(false);
  });
});
