/** `enclave profile` with the import options as flags (values from pandas, as in import-options.test.ts). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'bin/enclave.ts', ...args], { encoding: 'utf8' });
const BREAST = 'tests/fixtures/sklearn/breast_cancer.csv';

describe('enclave profile FILE with import option flags', () => {
  it('--skip 1 --no-header reads breast_cancer.csv (refused without): 569 rows, 31 columns as pandas skiprows=1, header=None', () => {
    const refused = run('profile', BREAST);
    expect(refused.status).toBe(2);
    expect(JSON.parse(refused.stderr).error.code).toBe('ragged-rows');
    const r = run('profile', BREAST, '--skip', '1', '--no-header');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ rows: 569, columnCount: 31 });
    // pandas: column 0 mean = 8038.429 / 569
    expect(out.columns[0]).toMatchObject({ name: 'column_1' });
    expect(out.columns[0].mean).toBeCloseTo(8038.429 / 569, 9);
  });

  it('--encoding latin1 --delimiter ";" --decimal-comma --date-format reads a Latin-1 file as pandas does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'enclave-cli-'));
    const path = join(dir, 'latin.csv');
    writeFileSync(path, Buffer.from('name;value;when\ncaf\xe9;1,5;Jun 12 1998\nth\xe9;2,25;Dec 1 2001\n', 'latin1'));
    const r = run('profile', path, '--encoding', 'latin1', '--delimiter', ';', '--decimal-comma', '--date-format', 'when=MMM D YYYY');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    const [name, value, when] = out.columns;
    // pandas read_csv(encoding='latin-1', sep=';', decimal=','): name ['café', 'thé'], value [1.5, 2.25] (mean 1.875)
    expect(name.top.map((t: { value: string }) => t.value).sort()).toEqual(['café', 'thé']);
    expect(value).toMatchObject({ type: 'float', mean: 1.875 });
    expect(when.type).toBe('datetime');
    expect(out.warnings.join(' ')).not.toMatch(/UTF-8/);
  });

  it('a bad flag is an invalid-argument error naming it', () => {
    for (const flags of [['--skip', 'two'], ['--encoding', 'ebcdic'], ['--date-format', 'nodate'], ['--delimiter', '::']]) {
      const r = run('profile', 'static/samples/penguins.csv', ...flags);
      expect(r.status).toBe(2);
      expect(JSON.parse(r.stderr).error.code).toBe('invalid-argument');
    }
  });
});
