import { describe, expect, it } from 'vitest';
import { contrast, shade, textOn } from '../../src/lib/components/charts/contrast.ts';

describe('text on a shaded cell', () => {
  it('computes WCAG contrast as the spec defines it (white on black 21:1, #777 on white 4.48:1)', () => {
    expect(contrast([255, 255, 255], [0, 0, 0])).toBeCloseTo(21, 10);
    expect(contrast([0x77, 0x77, 0x77], [255, 255, 255])).toBeCloseTo(4.48, 2);
  });

  it('picks a text colour that reads at 4.5:1 on every shade of the accent the confusion matrix uses (it failed axe at 2.0–3.8)', () => {
    for (let a = 0; a <= 0.75; a += 0.01) {
      const bg = shade([0x2a, 0x72, 0x64], a);
      const text = textOn(bg) === '#fff' ? ([255, 255, 255] as [number, number, number]) : ([0x16, 0x21, 0x1d] as [number, number, number]);
      expect(contrast(text, bg)).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('finds no text colour for a mid-tone, which is why the matrix stops at 75%', () => {
    const mid = shade([0x2a, 0x72, 0x64], 0.85);
    expect(Math.max(contrast([255, 255, 255], mid), contrast([0x16, 0x21, 0x1d], mid))).toBeLessThan(4.5);
  });
});
