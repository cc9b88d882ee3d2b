import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// Issue 10: a shared helper lives once. These read the sources as text: a second definition is a copy that can drift.
const ROOT = join(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return sources(path);
    return /\.(ts|svelte)$/.test(name) ? [path] : [];
  });
}
const ALL = [...sources('src'), ...sources('workers'), ...sources('bin')];
const text = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const defining = (re: RegExp) => ALL.filter((p) => re.test(text(p))).sort();

describe('one definition of each shared helper', () => {
  it('declares SplitName once, in core/split/methods.ts', () => {
    expect(defining(/\btype SplitName\s*=/)).toEqual(['src/lib/core/split/methods.ts']);
  });

  it('defines nextTask once, in core/next-task.ts', () => {
    expect(defining(/\bfunction nextTask\b|\bnextTask\s*=\s*(async\s*)?\(/)).toEqual(['src/lib/core/next-task.ts']);
  });

  it('yields to the event loop in one place (the training loop too, not a copy of nextTask)', () => {
    expect(defining(/\bsetImmediate\(/)).toEqual(['src/lib/core/next-task.ts']);
  });

  it('computes argmax over class probabilities once, in ml/models/saved.ts', () => {
    expect(defining(/\bfunction argmax\w*\b/)).toEqual(['src/lib/ml/models/saved.ts']);
  });

  it('defines describeStep once, in the core recipe (the Prepare page uses it)', () => {
    expect(defining(/\bfunction describeStep\b/)).toEqual(['src/lib/core/recipe/describe.ts']);
  });

  it("keeps one string dictionary (infer/dictionary.ts), which the text-only column (inference off) uses too", () => {
    expect(defining(/withSpace\+\+/)).toEqual(['src/lib/core/infer/dictionary.ts']);
  });

  it('keeps the CSV engine and the column builder in modules of at most 300 lines, each named for what it does', () => {
    const long = ALL.filter((p) => /^src\/lib\/core\/(io\/|infer)/.test(relative('.', p)))
      .map((p) => [p, text(p).split('\n').length] as const)
      .filter(([, lines]) => lines > 300);
    expect(long).toEqual([]);
  });
});
