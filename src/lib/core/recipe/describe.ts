/**
 * Steps described for people, in each kind's own words (StepKind.describe): the Prepare page's step list, the fit
 * progress and `describeRecipe`. A step that does not parse yet (a formula still being typed, a field not filled
 * in) is written out as it stands, with what is wrong, rather than throwing.
 */
import { kindOf, stepSpec } from './registry.ts';
import { guardTarget } from './target-guard.ts';
import type { Recipe, StepKind } from './types.ts';

export interface StepDescription {
  /** One line: "Impute the median of mass", or the step as written when it does not parse. */
  text: string;
  /** Why the step cannot run as it stands, as the prepare stage would refuse it ("Step 3 (derive): …"). */
  problem?: string;
}

/** `at.index` numbers the step in messages (0-based); `at.target` is the recipe's target, which steps may not read. */
export function describeStep(raw: unknown, at: { index?: number; target?: string } = {}): StepDescription {
  const ctx = { index: at.index ?? 0, target: at.target, mode: 'train' as const };
  let kind: StepKind, params: unknown;
  try {
    const spec = stepSpec(raw, ctx.index);
    kind = kindOf(spec.kind, ctx.index);
    params = kind.parse(spec, ctx);
  } catch (e) {
    return { text: asWritten(raw), problem: (e as Error).message };
  }
  const text = safeDescribe(kind, params);
  try {
    guardTarget(kind, params, ctx); // as parseStep does, after the parameters parse
    return { text };
  } catch (e) {
    return { text, problem: (e as Error).message };
  }
}

/** One line per step, for people. A step that does not parse says why instead. */
export function describeRecipe(recipe: Recipe): string[] {
  return recipe.steps.map((spec, index) => {
    const d = describeStep(spec, { index, target: recipe.target });
    return d.problem ?? d.text;
  });
}

/** kind.describe, or the kind's name should describing fail (progress labels must never throw). */
export function safeDescribe(kind: StepKind, params: unknown): string {
  try {
    return kind.describe(params);
  } catch {
    return kind.kind;
  }
}

/** "derive (name: ratio; expression: a / (b)": the fields as the person wrote them. Keys are read as data (entries). */
function asWritten(raw: unknown): string {
  if (typeof raw === 'string') return `derive (expression: ${raw})`;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw) || typeof (raw as { kind?: unknown }).kind !== 'string') return 'a step with no kind';
  const fields = Object.entries(raw).filter(([k]) => k !== 'kind').map(([k, v]) => `${k}: ${k === 'order' ? showOrder(v) : show(v)}`);
  const kind = (raw as { kind: string }).kind;
  return fields.length ? `${kind} (${fields.join('; ')})` : kind;
}

function show(v: unknown): string {
  if (Array.isArray(v)) return v.map(show).join(', ');
  if (v !== null && typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** An ordinal order, "size S < M < L": a list of { column, categories }, or the old { column: [...] } form. */
function showOrder(order: unknown): string {
  const pairs: (readonly [string, unknown])[] = Array.isArray(order)
    ? order.map((o) => [String(o?.column), o?.categories] as const)
    : order && typeof order === 'object' ? Object.entries(order) : [];
  return pairs.map(([column, cats]) => `${column} ${Array.isArray(cats) ? cats.join(' < ') : '?'}`).join(', ');
}
