/**
 * Recipe suggestions drawn from a dataset's profile, for the recipe as it stands: each is one step over every column
 * it concerns (one impute over the numeric columns, not one per column), listed in the order they are best added:
 * drop what models can't use (identifiers, free text, columns mostly missing: filling in more guesses than values
 * teaches a model the guesses), dates into parts, fill the gaps left (after the date parts, so the parts' gaps too),
 * encode categories, and scale last, after every step that makes numbers (a date_year of 2012 beside 0–1 features
 * made an MLP predict the majority class for every row). The recipe's steps so far are followed on a sketch of the
 * columns (recipe-sketch.ts), so a taken suggestion goes away and a later step that makes numbers brings scaling back.
 */
import type { Profile } from '$lib/core/profile';
import { sketchColumns, type Sketched } from './recipe-sketch';

export interface Suggestion {
  text: string;
  step: Record<string, unknown>;
}

type Step = Record<string, unknown>;

/** A column missing in more than this share of rows is dropped rather than imputed. */
export const MOSTLY_MISSING = 0.5;
/** Categories one-hot encoded as they are; more get grouped (the most frequent ones kept, the rest "other"). */
const MAX_CATEGORIES = 30;

const isNumber = (c: Sketched) => c.type === 'integer' || c.type === 'float';
const percent = (x: number) => `${Math.round(x * 100)}%`;
const count = (n: number) => n.toLocaleString('en');

/** "a, b and c"; past `max` names, "a, b, … and 7 more". */
function names(list: string[], max = 6): string {
  if (list.length <= 1) return list.join('');
  if (list.length > max) return `${list.slice(0, max - 1).join(', ')} and ${count(list.length - max + 1)} more`;
  return `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
}

export function suggest(profile: Profile, target: string, steps: Step[]): Suggestion[] {
  const rows = profile.rowCount;
  const cols = [...sketchColumns(profile, target, steps).values()].filter((c) => c.name !== target);
  const out: Suggestion[] = [];

  const drop = cols.flatMap((c) => {
    if (c.type === 'identifier') return [{ name: c.name, why: 'an identifier' }];
    if (c.type === 'text') return [{ name: c.name, why: 'free text' }];
    if (rows > 0 && c.missing / rows > MOSTLY_MISSING) return [{ name: c.name, why: `${percent(c.missing / rows)} missing` }];
    return [];
  });
  if (drop.length) {
    const mostlyMissing = drop.some((d) => d.why.endsWith('missing'));
    const words = drop.some((d) => !d.why.endsWith('missing'));
    const why = [words ? 'models learn nothing general from identifiers or free text' : '', mostlyMissing ? 'a mostly missing column filled in would be mostly guesses' : ''].filter(Boolean).join('; ');
    out.push({
      text: `Drop ${names(drop.map((d) => `${d.name} (${d.why})`))}? ${why[0].toUpperCase()}${why.slice(1)}.`,
      step: { kind: 'drop-columns', columns: drop.map((d) => d.name) }
    });
  }
  const dropped = new Set(drop.map((d) => d.name));
  const kept = cols.filter((c) => !dropped.has(c.name));

  // Models can't read a date as it is: its parts (one step per date; date-parts takes one column).
  for (const c of kept.filter((x) => x.type === 'datetime'))
    out.push({ text: `${c.name} is a date: use its year, month and weekday instead?`, step: { kind: 'date-parts', column: c.name, parts: ['year', 'month', 'weekday'], dropOriginal: true } });
  // The parts of a date with gaps have the same gaps: the numeric impute below covers them (it comes after).
  const madeParts = kept.filter((x) => x.type === 'datetime' && x.missing > 0).flatMap((x) => ['year', 'month', 'weekday'].map((p) => `${x.name}_${p}`));

  const gaps = kept.filter((c) => isNumber(c) && c.missing > 0);
  if (gaps.length || madeParts.length)
    out.push({
      text: `Fill the gaps in ${gaps.length + madeParts.length === 1 ? 'the numeric column' : 'the numeric columns'} ${names([...gaps.map((c) => `${c.name} (${count(c.missing)})`), ...madeParts])} with the median?`,
      step: { kind: 'impute', columns: '*numeric', strategy: 'median' }
    });

  const categories = kept.filter((c) => c.type === 'categorical' || c.type === 'boolean');
  const catGaps = categories.filter((c) => c.missing > 0);
  if (catGaps.length)
    out.push({
      text: `Fill the gaps in ${names(catGaps.map((c) => `${c.name} (${count(c.missing)})`))} with the most frequent value?`,
      step: { kind: 'impute', columns: catGaps.map((c) => c.name), strategy: 'most_frequent' }
    });
  if (categories.length) {
    const many = categories.some((c) => c.distinct > MAX_CATEGORIES);
    out.push({
      text: `One-hot encode ${names(categories.map((c) => c.name))}?${many ? ` (at most ${MAX_CATEGORIES} columns each: the rarest categories grouped as "other")` : ''}`,
      step: { kind: 'onehot', columns: categories.map((c) => c.name), unknown: 'ignore', ...(many ? { maxCategories: MAX_CATEGORIES } : {}) }
    });
  }

  // Last: every number a step made (date parts, formulas, codes) as well as the source's.
  const unscaled = kept.filter((c) => isNumber(c) && !c.scaled);
  if (unscaled.length) {
    const after = steps.some((s) => s.kind === 'scale') ? ' again, at the end' : '';
    out.push({
      text: `Scale ${names(unscaled.map((c) => c.name))} to 0–1 (min–max)${after}? Networks and k-NN learn badly when one feature's numbers are far larger than another's.`,
      step: { kind: 'scale', columns: '*numeric', method: 'minmax' }
    });
  }
  return out;
}
