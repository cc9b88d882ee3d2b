/** Recipe suggestions drawn from a dataset's profile ("Body Mass (g) has 2 missing values: impute the median?"). */
import type { Profile } from '$lib/core/profile';

export interface Suggestion {
  text: string;
  step: Record<string, unknown>;
}

type Step = Record<string, unknown>;

function covers(steps: Step[], kind: string, column: string): boolean {
  return steps.some((s) => s.kind === kind && (s.columns === '*' || (Array.isArray(s.columns) && s.columns.includes(column)) || s.column === column || (kind === 'scale' && s.columns === '*numeric')));
}

export function suggest(profile: Profile, target: string, steps: Step[]): Suggestion[] {
  const out: Suggestion[] = [];
  const features = profile.columns.filter((c) => c.name !== target);
  for (const c of features) {
    if (c.type === 'identifier' || c.type === 'text') {
      if (!covers(steps, 'drop-columns', c.name)) out.push({ text: `${c.name} looks like ${c.type === 'identifier' ? 'an identifier' : 'free text'}: drop it from the features?`, step: { kind: 'drop-columns', columns: [c.name] } });
      continue;
    }
    if (c.missing > 0 && !covers(steps, 'impute', c.name)) {
      const numeric = c.type === 'integer' || c.type === 'float';
      out.push({
        text: `${c.name} has ${c.missing.toLocaleString('en')} missing value${c.missing > 1 ? 's' : ''}: impute the ${numeric ? 'median' : 'most frequent value'}?`,
        step: { kind: 'impute', columns: [c.name], strategy: numeric ? 'median' : 'most_frequent' }
      });
    }
  }
  // Models can't read a date as it is: its parts (after any impute above, so the parts have no gaps).
  for (const c of features) {
    if (c.type === 'datetime' && !covers(steps, 'date-parts', c.name))
      out.push({ text: `${c.name} is a date: use its year, month and weekday instead?`, step: { kind: 'date-parts', column: c.name, parts: ['year', 'month', 'weekday'], dropOriginal: true } });
  }
  const cats = features.filter((c) => (c.type === 'categorical' || c.type === 'boolean') && c.distinct <= 30 && !covers(steps, 'onehot', c.name));
  if (cats.length) out.push({ text: `One-hot encode ${cats.map((c) => c.name).join(', ')}?`, step: { kind: 'onehot', columns: cats.map((c) => c.name), unknown: 'ignore' } });
  const nums = features.filter((c) => c.type === 'integer' || c.type === 'float');
  if (nums.length && !steps.some((s) => s.kind === 'scale')) out.push({ text: `Scale the ${nums.length} numeric column${nums.length > 1 ? 's' : ''} to 0–1 (min–max)?`, step: { kind: 'scale', columns: '*numeric', method: 'minmax' } });
  return out;
}
