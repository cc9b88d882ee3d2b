import { afterEach, describe, expect, it } from 'vitest';
import { connect, type Client } from '../../src/lib/bridge/connect.ts';
import { importHelper } from '../../src/lib/jobs/import-helper.ts';
import { pearsonMatrix } from '../../src/lib/core/profile/correlation.ts';
import { hashTable } from '../../src/lib/core/hash.ts';
import type { NumericColumn } from '../../src/lib/core/table.ts';
import { fakeWorkers } from './fake-worker.ts';
import { fails } from './errors.ts';
import { penguinsTable } from './tables.ts';

type HelperApi = typeof importHelper;
let client: Client<HelperApi>;
afterEach(() => client?.close());
function helper(): Client<HelperApi> {
  client = connect<HelperApi>('import helper', fakeWorkers(importHelper).factory);
  return client;
}

describe('import helper over the bridge', () => {
  it('reads the rest of a CSV from a record boundary: the part arrives with its rows', async () => {
    const text = 'a,b\n1,x\n2,y\n3,z\n';
    const file = new File([text], 'small.csv');
    const start = text.indexOf('2,y');
    const part = await helper().part(file, { start, delimiter: ',', names: ['a', 'b'] }).result;
    expect(part.rows).toBe(2);
    expect(part.remarked).toBe(false);
    expect(part.columns).toHaveLength(2);
  });

  it('an error in the part keeps its code: a NUL byte in the second half is a binary file, not an internal error', async () => {
    const text = 'a,b\n1,x\n2,\u0000y\n';
    const file = new File([text], 'nul.csv');
    const err = await fails(helper().part(file, { start: text.indexOf('2,'), delimiter: ',', names: ['a', 'b'] }).result);
    expect(err.code).toBe('binary-file');
    expect(err.message).toContain('NUL byte');
  });

  it('correlate then hash: the same correlations and hash as computed in place', async () => {
    const table = penguinsTable();
    const numeric = table.columns.flatMap((c, i) => (c.kind === 'numeric' ? [i] : []));
    const h = helper();
    const correlations = h.correlate(table, numeric).result;
    const hash = h.hash().result;
    expect(await correlations).toEqual(pearsonMatrix(numeric.map((i) => table.columns[i] as NumericColumn), table.rowCount));
    expect(await hash).toBe(await hashTable(table));
  });

  it('refuses to correlate a column that is not numeric, and to hash without a table', async () => {
    const table = penguinsTable();
    const text = table.columns.findIndex((c) => c.kind !== 'numeric');
    const h = helper();
    expect((await fails(h.correlate(table, [text]).result)).code).toBe('invalid-argument');
    const err = await fails(h.hash().result);
    expect(err.code).toBe('internal');
    expect(err.message).toBe('The import helper has no table to hash.');
  });
});
