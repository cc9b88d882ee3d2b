/** A model name's history in words, and which champion a rollback restores (the Deploy page's list and button). */
import { describe, expect, it } from 'vitest';
import { describeEvent, rollbackTarget } from '../../src/lib/components/deploy/history.ts';
import type { ModelEventRecord } from '../../src/lib/store/db.ts';

const v = new Map([['a', '1.0.0'], ['b', '1.1.0']]);
const versionOf = (id: string) => v.get(id) ?? 'a deleted version';
const ev = (action: ModelEventRecord['action'], model: string, extra: Partial<ModelEventRecord> = {}): ModelEventRecord => ({ id: `${action}-${model}`, name: 'm', at: 0, action, model, ...extra });

describe('the Deploy history', () => {
  it('says each event with the versions it concerns', () => {
    expect(describeEvent(ev('register', 'a'), versionOf)).toBe('1.0.0 registered from a training run');
    expect(describeEvent(ev('retrain', 'b', { previous: 'a' }), versionOf)).toBe('1.1.0 retrained from 1.0.0, as challenger');
    expect(describeEvent(ev('rollout', 'b', { share: 0.25 }), versionOf)).toBe('1.1.0 rolled out to 25% of scored rows');
    expect(describeEvent(ev('promote', 'b', { previous: 'a' }), versionOf)).toBe('1.1.0 promoted to champion (replacing 1.0.0)');
    expect(describeEvent(ev('rollback', 'a', { previous: 'b' }), versionOf)).toBe('Rolled back: 1.0.0 is champion again (1.1.0 back to challenger)');
    expect(describeEvent(ev('promote', 'b', { previous: 'gone' }), versionOf)).toBe('1.1.0 promoted to champion (replacing a deleted version)');
  });

  it('offers a rollback only to the champion a promotion of the current one replaced', () => {
    const promoted = [ev('register', 'a'), ev('retrain', 'b', { previous: 'a' }), ev('promote', 'b', { previous: 'a' })];
    expect(rollbackTarget(promoted, 'b')).toBe('a');
    // After the rollback, 1.0.0 is champion and no promotion made it: nothing to roll back to.
    expect(rollbackTarget([...promoted, ev('rollback', 'a', { previous: 'b' })], 'a')).toBeUndefined();
    expect(rollbackTarget(promoted, undefined)).toBeUndefined();
  });
});
