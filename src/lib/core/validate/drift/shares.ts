/**
 * Two samples as aligned share vectors, the input of the distribution distances (psi, jensenshannon, linf).
 *   - Labels, and numbers with at most 20 distinct reference values: one bucket per value seen in either sample
 *     (as Evidently's get_binned_data).
 *   - Numbers with more than 20 distinct reference values: 10 buckets cut at the reference deciles (R-7 quantiles,
 *     duplicate cuts merged; the outer buckets are open, so current values outside the reference range still count).
 *     NOTE: Evidently itself cuts numbers at Sturges histogram edges over both samples pooled; deciles of the reference
 *     are the classic PSI buckets (each holds ~10% of the reference), stable under outliers, and what we document.
 * Shares are of present values; `fillZeros` replaces empty buckets as Evidently does (PSI only — a log of 0 is
 * undefined): by 0.0001, or by a millionth of the smallest non-empty share when that share is ≤ 0.0001.
 */
import { bisectRight, quantileSorted } from 'd3-array';
import { alignCounts, viewOf, type SampleInput, type SampleKind } from './types.ts';

export const DEFAULT_BINS = 10;
/** A numeric sample with more distinct reference values than this is binned; otherwise bucketed per value. */
export const MAX_VALUE_BUCKETS = 20;
/** Evidently's share for an empty bucket. */
export const EMPTY_BUCKET_SHARE = 0.0001;

export interface ShareOptions {
  kind?: SampleKind;
  bins?: number;
  fillZeros?: boolean;
}

export interface Shares {
  /** Bucket labels: the values, or "[lo, hi)" ranges of numeric bins. */
  labels: string[];
  reference: Float64Array;
  current: Float64Array;
  referenceSize: number;
  currentSize: number;
}

export function sampleShares(reference: SampleInput, current: SampleInput, opts: ShareOptions = {}): Shares {
  const r = viewOf(reference), c = viewOf(current);
  const kind = opts.kind ?? (r.numeric() && c.numeric() ? 'numeric' : 'categorical');
  let out: Shares | null = null;
  if (kind === 'numeric' && r.distinctAbove(MAX_VALUE_BUCKETS)) out = binned(r.sorted(), c.sorted(), opts.bins ?? DEFAULT_BINS);
  if (!out) {
    const a = alignCounts(r.counts(), c.counts());
    out = {
      labels: a.keys.map(String),
      reference: a.reference.map((x) => x / a.referenceSize),
      current: a.current.map((x) => x / a.currentSize),
      referenceSize: a.referenceSize,
      currentSize: a.currentSize,
    };
  }
  if (opts.fillZeros) {
    fillZeros(out.reference);
    fillZeros(out.current);
  }
  return out;
}

function binned(r: Float64Array, c: Float64Array, bins: number): Shares {
  const cuts: number[] = [];
  for (let i = 1; i < bins; i++) {
    const q = quantileSorted(r as unknown as number[], i / bins)!;
    if (cuts.length === 0 || q > cuts[cuts.length - 1]) cuts.push(q);
  }
  const count = (x: Float64Array) => {
    const counts = new Float64Array(cuts.length + 1);
    for (let i = 0; i < x.length; i++) counts[bisectRight(cuts, x[i])]++;
    return counts.map((k) => k / x.length);
  };
  const edges = [-Infinity, ...cuts, Infinity];
  return {
    labels: cuts.map((_, i) => `[${edges[i]}, ${edges[i + 1]})`).concat(`[${edges[cuts.length]}, Infinity)`),
    reference: count(r),
    current: count(c),
    referenceSize: r.length,
    currentSize: c.length,
  };
}

function fillZeros(p: Float64Array): void {
  let min = Infinity;
  for (const x of p) if (x !== 0 && x < min) min = x;
  if (min === Infinity) return;
  const fill = min <= EMPTY_BUCKET_SHARE ? min / 1e6 : EMPTY_BUCKET_SHARE;
  for (let i = 0; i < p.length; i++) if (p[i] === 0) p[i] = fill;
}
