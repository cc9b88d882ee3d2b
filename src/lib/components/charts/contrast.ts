/**
 * Text on a coloured cell: the shade of a base colour over white, and whichever of white or dark ink reads at WCAG's
 * 4.5:1 against it (white when both do, dark ink otherwise — it always reaches 4.5:1 on a light shade).
 */
type Rgb = [number, number, number];

const channel = (c: number) => {
  const s = c / 255;
  return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
};
export const luminance = ([r, g, b]: Rgb): number => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
export const contrast = (a: Rgb, b: Rgb): number => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
};

/** `base` at opacity `alpha` over white, as an opaque colour. */
export const shade = (base: Rgb, alpha: number): Rgb => base.map((c) => Math.round(255 - alpha * (255 - c))) as Rgb;

export const INK: Rgb = [0x16, 0x21, 0x1d];
export const WHITE: Rgb = [255, 255, 255];

export function textOn(background: Rgb): string {
  return contrast(WHITE, background) >= 4.5 ? '#fff' : '#16211d';
}

export const css = ([r, g, b]: Rgb): string => `rgb(${r}, ${g}, ${b})`;
