/**
 * `enclave federation create`: SPEC.json with the weights as a .f32 file or base64 creates the federation on a running
 * aggregator and opens round 1; bad specs are refused before anything is created; the aggregator's refusals keep
 * their code.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { federationCreate } from '../../bin/federation.ts';
import { EnclaveError } from '../../src/lib/core/errors.ts';
import { ADMIN, admin, bytesOf, settings, startAggregator, weights, type Aggregator } from './aggregator-fixture.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'enclave-agg-cli-'));
let agg: Aggregator;
beforeAll(async () => {
  agg = await startAggregator();
  writeFileSync(join(dir, 'w.f32'), bytesOf([1, 2, 3, 4]));
});
afterAll(async () => {
  await agg.close();
  rmSync(dir, { recursive: true, force: true });
});

function spec(name: string, extra: Record<string, unknown>) {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ ...settings(), ...extra }));
  return path;
}

async function federationCount() {
  return (await (await admin(agg.url, '/api/federations')).json()).federations.length;
}

describe('federation create', () => {
  it('with a .f32 file next to the spec: prints {id, tokens}, round 1 open on those weights', async () => {
    const out = await federationCreate(['--server', agg.url + '/', '--admin-token', ADMIN, spec('a.json', { initialWeightsFile: 'w.f32' })]);
    expect(out.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(out.tokens).toHaveLength(3);
    const w = await weights(agg.url, out.id, out.tokens[0].token);
    expect([...w.values]).toEqual([1, 2, 3, 4]);
    expect(w.res.headers.get('x-enclave-round')).toBe('1');
  });

  it('with base64 weights, through `npm run -s enclave -- federation create` (the command line)', async () => {
    const path = spec('b.json', { initialWeightsBase64: Buffer.from(bytesOf([0.5, 0, 0, 0])).toString('base64') });
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bin/enclave.ts', 'federation', 'create', '--server', agg.url, path], {
      cwd: repo,
      env: { ...process.env, ENCLAVE_ADMIN_TOKEN: ADMIN }
    });
    const out = JSON.parse(stdout);
    expect([...(await weights(agg.url, out.id, out.tokens[2].token)).values]).toEqual([0.5, 0, 0, 0]);
  });

  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['both weight sources', { initialWeightsFile: 'w.f32', initialWeightsBase64: 'AAAA' }, /exactly one of/],
    ['no weights', {}, /exactly one of/],
    ['weights of the wrong length', { initialWeightsBase64: Buffer.from(bytesOf([1, 2, 3])).toString('base64') }, /12 bytes; parameterCount 4 needs exactly 16/],
    ['a missing weights file', { initialWeightsFile: 'nope.f32' }, /No such weights file/],
    ['invalid settings', { initialWeightsFile: 'w.f32', rounds: 0 }, /rounds/]
  ];
  for (const [what, extra, reason] of bad) {
    it(`refuses ${what} before creating anything`, async () => {
      const before = await federationCount();
      await expect(federationCreate(['--server', agg.url, '--admin-token', ADMIN, spec('bad.json', extra)])).rejects.toThrow(reason);
      expect(await federationCount()).toBe(before);
    });
  }

  it('passes on the aggregator’s refusal with its status and code', async () => {
    const err = await federationCreate(['--server', agg.url, '--admin-token', 'wrong-admin-token', spec('c.json', { initialWeightsFile: 'w.f32' })]).catch((e) => e);
    expect(err).toBeInstanceOf(EnclaveError);
    expect(err.message).toMatch(/refused to create the federation \(unauthorized:/);
    expect(err.detail).toEqual({ status: 401, code: 'unauthorized' });
  });
});
