import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, hashJson } from '../../src/lib/core/canonical-json.ts';

describe('canonicalJson', () => {
  it('sorts object keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 1 }, 3] })).toBe('{"a":[{"c":1,"d":2},3],"b":1}');
  });
  it('keeps an own "__proto__" key (JSON.parse makes one; a recipe may name a column so) instead of setting a prototype', () => {
    const parsed = JSON.parse('{"order":{"size":["S"],"__proto__":["b","a"]}}');
    expect(canonicalJson(parsed)).toBe('{"order":{"__proto__":["b","a"],"size":["S"]}}');
    expect(canonicalJson(parsed)).not.toBe(canonicalJson({ order: { size: ['S'] } }));
  });
  it('drops undefined members as JSON.stringify does', () => {
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
  });
});

describe('hashJson', () => {
  it('is the SHA-256 of the canonical text, the same for any key order', async () => {
    const expected = createHash('sha256').update('{"kind":"scale","method":"minmax"}').digest('hex');
    expect(await hashJson({ method: 'minmax', kind: 'scale' })).toBe(expected);
    expect(await hashJson({ kind: 'scale', method: 'minmax' })).toBe(expected);
  });
});
