/**
 * The model worker's backend started while a training runs (src/lib/jobs/warm-backend.ts): a backend name from the
 * page starts that backend here; anything else starts nothing and says so.
 */
import { describe, expect, it } from 'vitest';
import { activeBackend } from '../../src/lib/ml/backend.ts';
import { warmBackend } from '../../src/lib/jobs/warm-backend.ts';

describe('warmBackend', () => {
  it('starts a backend by its name', async () => {
    expect(await warmBackend('cpu')).toBe(true);
    expect(activeBackend()).toBe('cpu');
  });

  it('starts nothing for what is no backend name', async () => {
    for (const name of ['nope', '__proto__', 'toString', '', 42, null, undefined, { name: 'cpu' }]) expect(await warmBackend(name)).toBe(false);
    expect(activeBackend()).toBe('cpu');
  });
});
