/**
 * Styles for any number of compared runs: ten colours first (each ≥ 3:1 against the page and the cards, WCAG's
 * contrast for graphics, and far apart in CIELAB so no two are confused), then the same ten with dashes and markers,
 * so run 11 never looks like run 1. 10 colours × 4 dashes × 5 markers = 200 distinct styles; beyond that they repeat.
 */
export const PALETTE = ['#1f6fb4', '#c4450c', '#2a7d2e', '#b3245b', '#6a4cb0', '#8a5a2b', '#0b7f86', '#5c6370', '#a0309e', '#7a7a00'] as const;

export const DASHES = [null, '6 3', '2 3', '8 3 2 3'] as const;
export const MARKERS = ['none', 'circle', 'square', 'triangle', 'diamond'] as const;
export type Marker = (typeof MARKERS)[number];

export interface SeriesStyle {
  color: string;
  /** An SVG stroke-dasharray, or null for a solid line. */
  dash: string | null;
  marker: Marker;
}

/** The style of the `index`-th series (0-based): colours first, then dashes, then markers. */
export function seriesStyle(index: number): SeriesStyle {
  if (!Number.isInteger(index) || index < 0) throw new RangeError(`A series index is a whole number ≥ 0 (got ${index}).`);
  const round = Math.floor(index / PALETTE.length);
  return {
    color: PALETTE[index % PALETTE.length],
    dash: DASHES[round % DASHES.length],
    marker: MARKERS[Math.floor(round / DASHES.length) % MARKERS.length]
  };
}

/** An SVG path for a marker of `size` px centred on (x, y); '' for none. */
export function markerPath(marker: Marker, x: number, y: number, size = 6): string {
  const r = size / 2;
  switch (marker) {
    case 'circle': return `M${x - r},${y}a${r},${r} 0 1,0 ${size},0a${r},${r} 0 1,0 ${-size},0`;
    case 'square': return `M${x - r},${y - r}h${size}v${size}h${-size}z`;
    case 'triangle': return `M${x},${y - r}L${x + r},${y + r}L${x - r},${y + r}z`;
    case 'diamond': return `M${x},${y - r}L${x + r},${y}L${x},${y + r}L${x - r},${y}z`;
    default: return '';
  }
}
