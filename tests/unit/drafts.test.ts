import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeLocalStorage } from './local-storage.ts';
import { draftKey, draftSources, readDraft, writeDraft } from '../../src/lib/store/drafts.ts';

const split = { target: 'y', method: 'auto' as const, percents: [60, 20, 20] as [number, number, number], seed: 42, group: '', time: '' };
let previous: Storage;
beforeEach(() => { previous = globalThis.localStorage; globalThis.localStorage = fakeLocalStorage(); });
afterEach(() => { globalThis.localStorage = previous; });

describe('Prepare drafts', () => {
  it('reads back what was written, per source version', () => {
    writeDraft('h1', { steps: [{ kind: 'impute', columns: ['a'], strategy: 'mean' }], split });
    expect(readDraft('h1')).toEqual({ steps: [{ kind: 'impute', columns: ['a'], strategy: 'mean' }], split });
    expect(readDraft('h2')).toBeNull();
    expect(draftSources()).toEqual(['h1']);
  });

  it('drops a damaged draft instead of breaking the page (not JSON, wrong shape, a seed out of range)', () => {
    for (const text of ['{not json', '{"steps": 3}', JSON.stringify({ steps: [], split: { ...split, seed: -1 } }), JSON.stringify({ steps: [{ columns: [] }], split })]) {
      localStorage.setItem(draftKey('h'), text);
      expect(readDraft('h')).toBeNull();
      expect(localStorage.getItem(draftKey('h'))).toBeNull();
    }
  });
});
