import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnclaveError, MAX_MESSAGE_LENGTH, fromErrorShape, toErrorShape } from '../../src/lib/core/errors.ts';

const huge = 'x'.repeat(279_000);

describe('error messages have a bounded length', () => {
  it('cuts an EnclaveError message to MAX_MESSAGE_LENGTH, keeping its start and saying how long it was', () => {
    const e = new EnclaveError('invalid-target', `The target "${huge}" is not a column.`);
    expect(e.message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    expect(e.message.startsWith('The target "xxx')).toBe(true);
    expect(e.message).toMatch(/cut: 279,\d{3} characters in all/);
    expect(toErrorShape(e).message).toBe(e.message);
  });

  it('leaves a message within the limit as it is', () => {
    expect(new EnclaveError('invalid-argument', 'short').message).toBe('short');
    expect(toErrorShape(new Error('plain')).message).toBe('Unexpected error: plain');
  });

  it('cuts the message of an unknown error, of a thrown string and of a foreign { code, message } shape', () => {
    for (const err of [new Error(huge), huge, { code: 'internal', message: huge }]) {
      const shape = toErrorShape(err);
      expect(shape.message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
      expect(shape.message).toMatch(/cut: /);
    }
    expect(fromErrorShape({ code: 'internal', message: huge }).message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
  });

  it('bounds the detail too: a 100,000-name column list keeps its first names and its count', () => {
    const columns = Array.from({ length: 100_000 }, (_, i) => `column_with_a_long_name_${i}`);
    const shape = toErrorShape(new EnclaveError('header-only', 'no rows', { columns, line: 1, note: huge }));
    const size = JSON.stringify(shape).length;
    expect(size).toBeLessThan(3 * MAX_MESSAGE_LENGTH);
    const detail = shape.detail!;
    expect(detail.line).toBe(1);
    expect((detail.columns as string[]).slice(0, 2)).toEqual(['column_with_a_long_name_0', 'column_with_a_long_name_1']);
    expect(detail.truncated).toEqual(expect.arrayContaining(['columns: 100000 items']));
    expect((detail.note as string).length).toBeLessThan(MAX_MESSAGE_LENGTH);
  });

  it('the CLI prints a bounded error for a file whose 60,000-column header (2 MB) has no data rows', () => {
    const dir = mkdtempSync(join(tmpdir(), 'enclave-cap-'));
    const path = join(dir, 'header.csv');
    writeFileSync(path, Array.from({ length: 60_000 }, (_, i) => `a_rather_long_column_name_number_${i}`).join(',') + '\n');
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bin/enclave.ts', 'profile', path], { encoding: 'utf8', timeout: 50_000 });
    expect(r.status).toBe(2);
    expect(r.stderr.length).toBeLessThan(4 * MAX_MESSAGE_LENGTH);
    const { error } = JSON.parse(r.stderr);
    expect(error.code).toBe('header-only');
    expect(error.detail.columns.slice(0, 1)).toEqual(['a_rather_long_column_name_number_0']);
  }, 60_000);
});

describe('running out of memory', () => {
  it('is too-large with a message that fits any job (not only an import) and says what to do', async () => {
    const { toErrorShape } = await import('../../src/lib/core/errors.ts');
    let thrown: unknown;
    try {
      new ArrayBuffer(2 ** 53); // beyond any engine's limit: RangeError "Array buffer allocation failed" / "Invalid array buffer length"
    } catch (e) {
      thrown = e;
    }
    const shape = toErrorShape(thrown ?? new RangeError('Array buffer allocation failed'));
    expect(shape.code).toBe('too-large');
    expect(shape.message).not.toMatch(/file/);
    expect(shape.message).toMatch(/ran out of memory/);
    expect(shape.message).toMatch(/fewer rows/);
  });
});
