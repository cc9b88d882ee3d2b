import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { importFile, preview } from '../../src/lib/jobs/import-job.ts';
import { createDb, type EnclaveDB } from '../../src/lib/store/db.ts';
import { listDatasets } from '../../src/lib/store/tables.ts';
import { loadTable } from '../../src/lib/store/load-table.ts';
import { hashTable } from '../../src/lib/core/hash.ts';
import { EnclaveError } from '../../src/lib/core/errors.ts';

const penguins = new Uint8Array(readFileSync('static/samples/penguins.csv'));
let dbs: EnclaveDB[] = [];

function fresh(): EnclaveDB {
  const d = createDb(`import-job-${crypto.randomUUID()}`);
  dbs.push(d);
  return d;
}
function file(name: string, body: Uint8Array<ArrayBuffer> | string) {
  const blob = new Blob([body]);
  return { name, size: blob.size, lastModified: 0, stream: () => blob.stream() };
}

afterEach(async () => {
  for (const d of dbs) { d.close(); await d.delete(); }
  dbs = [];
});

describe('importFile', () => {
  it('reads, profiles and stores the penguins as one version with 344 rows and 7 columns', async () => {
    const database = fresh();
    const stages = new Set<string>();
    const r = await importFile({ file: file('penguins.csv', penguins) }, { database, onProgress: (p) => stages.add(p.stage) });
    expect(r.created).toBe(true);
    expect(r.rowCount).toBe(344);
    expect(r.columns.map((c) => c.name)).toEqual(['Species', 'Island', 'Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)', 'Sex']);
    expect(r.profile.missingCells).toBe(18);
    expect([...stages]).toEqual(['read', 'hash', 'profile', 'save']);
    const listed = await listDatasets(database);
    expect(listed).toHaveLength(1);
    expect(listed[0].name).toBe('penguins');
    // What was stored hashes to the version's name (content addressing holds across the round trip).
    expect(await hashTable(await loadTable(database, r.hash))).toBe(r.hash);
  });

  it('stores nothing new when the same data is imported again, even under another file name', async () => {
    const database = fresh();
    const a = await importFile({ file: file('penguins.csv', penguins) }, { database });
    const b = await importFile({ file: file('copy of penguins.csv', penguins) }, { database });
    expect(b.created).toBe(false);
    expect(b.hash).toBe(a.hash);
    expect(await database.versions.count()).toBe(1);
  });

  it('a cancelled import rejects with code "cancelled" and stores nothing', async () => {
    const database = fresh();
    const controller = new AbortController();
    const run = importFile({ file: file('penguins.csv', penguins) }, {
      database,
      signal: controller.signal,
      onProgress: (p) => { if (p.stage === 'profile') controller.abort(); }
    });
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
    expect(await database.versions.count()).toBe(0);
    expect(await database.chunks.count()).toBe(0);
    expect(await database.datasets.count()).toBe(0);
  });

  it('a bad file rejects with a coded error naming the line and stores nothing', async () => {
    const database = fresh();
    const err = await importFile({ file: file('ragged.csv', 'a,b\n1,2\n3,4,5\n') }, { database }).catch((e) => e);
    expect(err).toBeInstanceOf(EnclaveError);
    expect(err.code).toBe('ragged-rows');
    expect(err.message).toMatch(/line 3/i);
    expect(await database.datasets.count()).toBe(0);
  });

  it('a file over the size limit is refused with code "too-large"', async () => {
    const database = fresh();
    await expect(importFile({ file: file('penguins.csv', penguins), maxBytes: 100 }, { database })).rejects.toMatchObject({ code: 'too-large' });
    expect(await database.datasets.count()).toBe(0);
  });
});

describe('preview', () => {
  it('returns the requested rows in column order, missing as null', async () => {
    const database = fresh();
    const r = await importFile({ file: file('penguins.csv', penguins) }, { database });
    const p = await preview(r.hash, 2, 2, database);
    expect(p.rowCount).toBe(344);
    expect(p.rows).toEqual([
      ['Adelie', 'Torgersen', 40.3, 18, 195, 3250, 'FEMALE'],
      ['Adelie', 'Torgersen', null, null, null, null, null]
    ]);
  });

  it('refuses more than 10,000 rows or a negative start', async () => {
    await expect(preview('x', -1, 10)).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(preview('x', 0, 10_001)).rejects.toMatchObject({ code: 'invalid-argument' });
  });
});
