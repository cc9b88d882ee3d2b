/**
 * `enclave privacy`, spawned as tests/unit/cli.test.ts does. The reference ε are the quadrature values of
 * tests/unit/fixtures/rdp_reference.py (see federated-accountant.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'bin/enclave.ts', ...args], { encoding: 'utf8' });

describe('enclave privacy --q Q --sigma Z --steps N --delta D', () => {
  it('prints one JSON line with both conversions (DP-SGD on MNIST: ε 3.008 at order 8.8, improved 2.597 at 8.1)', () => {
    const r = run('privacy', '--q', String(256 / 60000), '--sigma', '1.1', '--steps', '14063', '--delta', '1e-5');
    expect(r.status).toBe(0);
    expect(r.stdout.endsWith('\n')).toBe(true);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(1);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['epsilon', 'order', 'epsilonImproved', 'orderImproved']);
    expect(Math.abs(out.epsilon - 3.0083810468337937) / 3.0083810468337937).toBeLessThan(1e-6);
    expect(Math.abs(out.epsilonImproved - 2.596655528680914) / 2.596655528680914).toBeLessThan(1e-6);
    expect(out.order).toBe(8.8);
    expect(out.orderImproved).toBe(8.1);
  });

  it('prints null for an unbounded ε (sigma 0), and exits 2 with a coded, readable error for bad or missing options', () => {
    const none = run('privacy', '--q', '0.1', '--sigma', '0', '--steps', '5', '--delta', '1e-5');
    expect(none.status).toBe(0);
    expect(JSON.parse(none.stdout)).toEqual({ epsilon: null, order: null, epsilonImproved: null, orderImproved: null });

    const errorOf = (...args: string[]) => {
      const r = run('privacy', ...args);
      expect(r.status).toBe(2);
      return JSON.parse(r.stderr).error as { code: string; message: string };
    };
    expect(errorOf('--q', '1.5', '--sigma', '1', '--steps', '5', '--delta', '1e-5')).toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/sampling rate q must be a number in \(0, 1\]/) });
    expect(errorOf('--q', '0.1', '--sigma', '1', '--steps', '2.5', '--delta', '1e-5').message).toMatch(/whole number/);
    expect(errorOf('--q', 'abc', '--sigma', '1', '--steps', '5', '--delta', '1e-5').message).toBe('--q must be a number; got "abc".');
    expect(errorOf('--q', '0.1', '--sigma', '1', '--steps', '5').message).toMatch(/privacy needs --delta/);
    expect(errorOf('--q', '0.1', '--sigma', '1', '--steps', '5', '--delta', '1e-5', '--frob', '1').code).toBe('invalid-argument');
  });

  it('is listed in the usage text', () => {
    const r = run('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/privacy --q Q --sigma Z --steps N --delta D/);
  });
});
