/**
 * A sketch of the columns after a recipe's steps, from the source's profile alone (no rows): which columns remain,
 * their types, how many cells are missing and whether their numbers are on a 0–1-like scale. Enough for the
 * suggestions to follow the recipe as it stands; the exact answer (types, names, errors) is the worker's check of the
 * steps on training rows (core/recipe/check-steps.ts). A step that does not parse yet changes nothing here.
 */
import type { Profile } from '$lib/core/profile';
import { STEP_KINDS } from '$lib/core/recipe';
import type { StepContext, StepSpec } from '$lib/core/recipe';

export interface Sketched {
  name: string;
  type: string;
  missing: number;
  distinct: number;
  /** Numbers within −1…1 already (shares, 0/1 codes, one-hot columns) or scaled by a step. */
  scaled: boolean;
}

type Step = Record<string, unknown>;
type Columns = Map<string, Sketched>;

const NUMBER = new Set(['integer', 'float']);

function pick(cols: Columns, selector: unknown, target: string): string[] {
  const all = [...cols.values()].filter((c) => c.name !== target);
  if (selector === '*') return all.map((c) => c.name);
  if (selector === '*numeric') return all.filter((c) => NUMBER.has(c.type)).map((c) => c.name);
  if (selector === '*categorical') return all.filter((c) => c.type === 'categorical' || c.type === 'boolean').map((c) => c.name);
  if (selector === '*datetime') return all.filter((c) => c.type === 'datetime').map((c) => c.name);
  const listed = Array.isArray(selector) ? selector : typeof selector === 'string' ? [selector] : [];
  return listed.filter((n): n is string => typeof n === 'string' && cols.has(n));
}

const made = (name: string, type: string, missing: number, scaled: boolean): Sketched => ({ name, type, missing, distinct: 0, scaled });

export function sketchColumns(profile: Profile, target: string, steps: Step[]): Columns {
  const cols: Columns = new Map();
  for (const c of profile.columns) {
    const inUnit = 'min' in c && c.type !== 'datetime' && c.min !== null && c.max !== null && c.min >= -1 && c.max <= 1;
    cols.set(c.name, { name: c.name, type: c.type, missing: c.missing, distinct: c.distinct, scaled: c.type === 'boolean' || inUnit });
  }
  steps.forEach((spec, index) => {
    const kind = STEP_KINDS.get(String(spec.kind));
    if (!kind) return;
    let p: Record<string, unknown>;
    try {
      p = kind.parse(spec as StepSpec, { index, target: target || undefined, mode: 'train' } satisfies StepContext) as Record<string, unknown>;
    } catch {
      return;
    }
    const sel = (s: unknown = p.columns) => pick(cols, s, target);
    switch (spec.kind) {
      case 'drop-columns':
        for (const n of sel()) cols.delete(n);
        break;
      case 'keep-columns': {
        const keep = new Set(sel());
        for (const n of [...cols.keys()]) if (n !== target && !keep.has(n)) cols.delete(n);
        break;
      }
      case 'drop-missing':
        for (const n of sel()) {
          const c = cols.get(n)!;
          if (p.axis === 'rows') c.missing = 0;
          else if (profile.rowCount > 0 && c.missing / profile.rowCount > Number(p.threshold ?? 0)) cols.delete(n);
        }
        break;
      case 'impute':
        for (const n of sel()) {
          const c = cols.get(n)!;
          if ((p.strategy === 'mean' || p.strategy === 'median') && !NUMBER.has(c.type)) continue;
          c.missing = 0;
          if (p.indicator) cols.set(`${n}_was_missing`, made(`${n}_was_missing`, 'integer', 0, true));
        }
        break;
      case 'date-parts': {
        const c = cols.get(String(p.column));
        if (!c) break;
        for (const part of p.parts as string[]) cols.set(`${c.name}_${part}`, made(`${c.name}_${part}`, 'integer', c.missing, false));
        if (p.dropOriginal) cols.delete(c.name);
        break;
      }
      case 'onehot':
        // Its 0/1 columns need neither filling nor scaling; their names depend on the categories, which only rows know.
        for (const n of sel()) cols.delete(n);
        break;
      case 'ordinal':
      case 'bin':
        for (const n of sel()) Object.assign(cols.get(n)!, { type: 'integer', scaled: false });
        break;
      case 'cast': {
        const c = cols.get(String(p.column));
        if (c && c.type !== p.to) Object.assign(c, { type: String(p.to), scaled: p.to === 'boolean' });
        break;
      }
      case 'derive':
        cols.set(String(p.name), made(String(p.name), 'float', 0, false));
        break;
      case 'scale':
        for (const n of sel()) if (NUMBER.has(cols.get(n)!.type)) cols.get(n)!.scaled = true;
        break;
    }
  });
  return cols;
}
