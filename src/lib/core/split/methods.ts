/**
 * The four ways to deal rows into train / validation / test. Each returns, per split, the row numbers it takes (in
 * any order; the caller sorts them). All randomness comes from the seeded generator passed in.
 */
import { EnclaveError } from '../errors.ts';
import type { Random } from '../random.ts';
import { allocate } from './allocate.ts';
import { shuffle, type Classes } from './classes.ts';

export const SPLIT_NAMES = ['train', 'validation', 'test'] as const;
export type SplitName = (typeof SPLIT_NAMES)[number];
export type Fractions = readonly [number, number, number];

/** Rows per split for n rows: within one row of fraction · n, every split with a positive fraction non-empty. */
export function splitSizes(n: number, fractions: Fractions, what: string): number[] {
  const a = allocate([n], fractions);
  if (a.tooSmall.length) {
    throw new EnclaveError('invalid-split', `${what} has ${n} row${n === 1 ? '' : 's'}: too few to fill ${splitsPhrase(fractions)} at ${percents(fractions)}.`, { rows: n, fractions: [...fractions] });
  }
  return a.counts[0];
}

export function randomSplit(n: number, fractions: Fractions, rng: Random): Uint32Array[] {
  const order = shuffle(Uint32Array.from({ length: n }, (_, i) => i), rng);
  return deal(order, splitSizes(n, fractions, 'The table'));
}

export interface StratifiedOutcome {
  parts: Uint32Array[];
  /** Rows of each class per split. */
  counts: number[][];
}

export function stratifiedSplit(classes: Classes, target: string, fractions: Fractions, rng: Random): StratifiedOutcome {
  const sizes = classes.rows.map((r) => r.length);
  const a = allocate(sizes, fractions);
  if (a.tooSmall.length) {
    const c = a.tooSmall.reduce((m, x) => (sizes[x] < sizes[m] ? x : m), a.tooSmall[0]);
    const n = sizes[c];
    const active = fractions.filter((f) => f > 0).length;
    const names = a.tooSmall.map((x) => `"${classes.labels[x]}" (${sizes[x]})`);
    const others = a.tooSmall.length > 1 ? ` Classes with the same problem: ${names.join(', ')}.` : '';
    const why = n < active ? '' : ` at ${percents(fractions)}`;
    throw new EnclaveError(
      'invalid-split',
      `In target column "${target}", class "${classes.labels[c]}" has ${n} row${n === 1 ? '' : 's'}: too few to appear in ${splitsPhrase(fractions)}${why}.` +
        `${others} Merge rare classes, drop their rows, change the fractions, or use a random split.`,
      { column: target, class: classes.labels[c], count: n, classes: a.tooSmall.map((x) => ({ class: classes.labels[x], count: sizes[x] })), fractions: [...fractions] },
    );
  }
  const parts = SPLIT_NAMES.map((_, s) => new Uint32Array(a.counts.reduce((sum, row) => sum + row[s], 0)));
  const filled = [0, 0, 0];
  classes.rows.forEach((rows, c) => {
    const order = shuffle(rows.slice(), rng);
    let at = 0;
    for (let s = 0; s < 3; s++) {
      parts[s].set(order.subarray(at, at + a.counts[c][s]), filled[s]);
      filled[s] += a.counts[c][s];
      at += a.counts[c][s];
    }
  });
  return { parts, counts: a.counts };
}

export interface GroupOutcome {
  parts: Uint32Array[];
  /** Groups per split. */
  groups: number[];
}

/** Groups shuffled, then each to the split furthest below its row target (no group in two splits). */
export function groupSplit(groups: Classes, column: string, n: number, fractions: Fractions, rng: Random): GroupOutcome {
  const active = [0, 1, 2].filter((s) => fractions[s] > 0);
  const k = groups.rows.length;
  if (k < active.length) {
    throw new EnclaveError('invalid-split', `Group column "${column}" has ${k} group${k === 1 ? '' : 's'}: too few to fill ${splitsPhrase(fractions)} (each group goes to one split only).`, { column, groups: k });
  }
  const order = shuffle(Uint32Array.from({ length: k }, (_, i) => i), rng);
  const rowsIn = [0, 0, 0], groupsIn = [0, 0, 0];
  const chosen = new Int8Array(k);
  for (const g of order) {
    let best = active[0];
    for (const s of active) if (fractions[s] * n - rowsIn[s] > fractions[best] * n - rowsIn[best]) best = s;
    chosen[g] = best;
    rowsIn[best] += groups.rows[g].length;
    groupsIn[best]++;
  }
  const empty = active.find((s) => groupsIn[s] === 0);
  if (empty !== undefined) {
    throw new EnclaveError(
      'invalid-split',
      `Group column "${column}": the ${SPLIT_NAMES[empty]} split got no group — the ${k} groups are too few or too uneven in size to fill ${splitsPhrase(fractions)} at ${percents(fractions)}. Try another seed, other fractions, or a random split.`,
      { column, groups: k, split: SPLIT_NAMES[empty] },
    );
  }
  const parts = rowsIn.map((r) => new Uint32Array(r));
  const filled = [0, 0, 0];
  groups.rows.forEach((rows, g) => {
    parts[chosen[g]].set(rows, filled[chosen[g]]);
    filled[chosen[g]] += rows.length;
  });
  return { parts, groups: groupsIn };
}

/** Oldest rows to train, newest to test; equal times keep row order. `times` are present for every row. */
export function timeSplit(times: Float64Array, fractions: Fractions): Uint32Array[] {
  const n = times.length;
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => times[a] - times[b] || a - b);
  return deal(order, splitSizes(n, fractions, 'The table'));
}

function deal(order: Uint32Array, sizes: number[]): Uint32Array[] {
  let at = 0;
  return sizes.map((k) => order.slice(at, (at += k)));
}

export function percents(f: Fractions): string {
  return f.map((x) => `${+(x * 100).toFixed(2)}`).join('/') + '%';
}

export function splitsPhrase(f: Fractions): string {
  const k = f.filter((x) => x > 0).length;
  return k === 3 ? 'all three splits' : k === 2 ? 'both splits' : 'the split';
}
