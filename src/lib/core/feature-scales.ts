/**
 * Would this model learn badly because its features are on very different scales? Networks (logistic regression,
 * the MLP) start from small random weights and take one learning rate for every weight: a feature in the thousands
 * (a date_year of 2012) beside 0–1 features swamps the gradients, and on seattle-weather an MLP ended predicting the
 * majority class for every row. k-NN's distances are the largest feature's alone. Judged from the prepared training
 * split's profile, before training: the size of a feature is the largest |value| it takes.
 */
import type { Profile } from './profile.ts';

/** Algorithms whose learning depends on the features' scales ('auto' tries networks and k-NN among its candidates). */
const SENSITIVE = new Set(['logistic', 'mlp', 'knn', 'auto']);
/** Sizes this many times apart are "very different scales" (scaled features stay within a few units of each other). */
export const SCALE_RATIO = 100;
/** A feature this large is too large for a network whatever the others are (scaled ones stay within about ±10). */
export const LARGE_FEATURE = 1000;

export interface FeatureRange {
  name: string;
  min: number;
  max: number;
}

export interface ScaleWarning {
  /** The largest features, largest first (at most 3). */
  large: FeatureRange[];
  /** The smallest feature with any non-zero value, for comparison; null when only large ones exist. */
  small: FeatureRange | null;
  /** Largest size over smallest non-zero size. */
  ratio: number;
}

const size = (f: FeatureRange) => Math.max(Math.abs(f.min), Math.abs(f.max));

/** The warning for `algorithm` trained on the prepared training split `profile`, or null when its features are fine. */
export function unscaledFeatures(profile: Profile, target: string, algorithm: string): ScaleWarning | null {
  if (!SENSITIVE.has(algorithm)) return null;
  const features: FeatureRange[] = [];
  for (const c of profile.columns) {
    if (c.name === target) continue;
    if ((c.type === 'integer' || c.type === 'float') && 'min' in c && c.min !== null && c.max !== null) features.push({ name: c.name, min: c.min, max: c.max });
    else if (c.type === 'boolean') features.push({ name: c.name, min: 0, max: 1 });
  }
  const sized = features.filter((f) => size(f) > 0).sort((a, b) => size(b) - size(a));
  if (!sized.length) return null;
  const largest = size(sized[0]);
  const smallest = sized[sized.length - 1];
  const ratio = largest / size(smallest);
  if (ratio < SCALE_RATIO && largest < LARGE_FEATURE) return null;
  // The large ones: those at least SCALE_RATIO times the smallest, or beyond LARGE_FEATURE.
  const large = sized.filter((f) => size(f) >= LARGE_FEATURE || size(f) / size(smallest) >= SCALE_RATIO).slice(0, 3);
  return { large, small: ratio >= SCALE_RATIO ? smallest : null, ratio };
}
