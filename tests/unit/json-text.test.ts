import { describe, expect, it } from 'vitest';
import { parseJsonText } from '../../src/lib/core/json-text.ts';
import { parseRecipe } from '../../src/lib/core/recipe/index.ts';
import { parseSaved } from '../../src/lib/ml/models/saved.ts';
import { parseSpec } from '../../src/lib/ml/models/spec.ts';
import { errorOf } from './errors.ts';

describe('a value given as itself or as its JSON text', () => {
  it('is passed through as an object, parsed as text', () => {
    const o = { a: 1 };
    expect(parseJsonText(o, 'invalid-argument', 'The thing')).toBe(o);
    expect(parseJsonText('{"a": [1, null]}', 'invalid-argument', 'The thing')).toEqual({ a: [1, null] });
  });

  it("refuses text that is not JSON in the words of what it is, with the parser's reason, for recipes, specs and saved models alike", () => {
    let reason = '';
    try {
      JSON.parse('{"a": ');
    } catch (e) {
      reason = (e as Error).message; // the JSON parser's own words ("Unexpected end of JSON input")
    }
    expect(reason).not.toBe('');
    expect(errorOf(() => parseJsonText('{"a": ', 'invalid-recipe', 'The recipe'))).toMatchObject({ code: 'invalid-recipe', message: `The recipe is not valid JSON: ${reason}` });
    expect(errorOf(() => parseRecipe('{"a": '))).toMatchObject({ code: 'invalid-recipe', message: `The recipe is not valid JSON: ${reason}` });
    expect(errorOf(() => parseSpec('{"a": '))).toMatchObject({ code: 'invalid-argument', message: `The model spec is not valid JSON: ${reason}` });
    expect(errorOf(() => parseSaved('{"a": '))).toMatchObject({ code: 'invalid-argument', message: `The saved model is not valid JSON: ${reason}` });
  });
});
