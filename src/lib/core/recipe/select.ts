/**
 * Column selection for recipe steps, and the "Step 3 (scale): …" prefix every step message carries.
 * Explicit names must exist (a typo fails loudly, with the columns there are); wildcards never pick the target and
 * quietly skip columns the step cannot work on, while an explicitly named column of the wrong type is an error.
 */
import { EnclaveError } from '../errors.ts';
import type { Column, Table } from '../table.ts';
import type { ColumnSelector, StepContext } from './types.ts';

/** "Step 3 (scale)": steps are numbered from 1 for people (ctx.index is 0-based). */
export function stepLabel(ctx: Pick<StepContext, 'index'>, kind: string): string {
  return `Step ${ctx.index + 1} (${kind})`;
}

export function stepError(ctx: Pick<StepContext, 'index'>, kind: string, message: string, detail?: Record<string, unknown>): EnclaveError {
  return new EnclaveError('invalid-recipe', `${stepLabel(ctx, kind)}: ${message}`, { step: ctx.index, kind, ...detail });
}

/** What a step accepts: a test and the words for it ("numeric (integer or float) columns"). */
export interface Accept {
  test: (c: Column) => boolean;
  what: string;
}

export const NUMBER_COLUMNS: Accept = {
  test: (c) => c.kind === 'numeric' && (c.type === 'integer' || c.type === 'float'),
  what: 'numeric (integer or float) columns',
};
export const CATEGORY_COLUMNS: Accept = {
  test: (c) => c.kind === 'string' || c.type === 'boolean',
  what: 'categorical, text or boolean columns',
};

/** Columns a wildcard picks, before the step's own type filter. */
function wildcard(c: Column, selector: Exclude<ColumnSelector, string[]>): boolean {
  switch (selector) {
    case '*': return true;
    case '*numeric': return NUMBER_COLUMNS.test(c);
    case '*categorical': return (c.kind === 'string' && c.type === 'categorical') || c.type === 'boolean';
    case '*datetime': return c.type === 'datetime';
  }
}

/** Resolve a selector against the table a step is fitted on, in table order for wildcards, as written for names. */
export function resolveColumns(table: Table, selector: ColumnSelector, ctx: StepContext, kind: string, accept?: Accept): string[] {
  if (!Array.isArray(selector)) {
    return table.columns.filter((c) => c.name !== ctx.target && wildcard(c, selector) && (!accept || accept.test(c))).map((c) => c.name);
  }
  const names = [...new Set(selector)];
  for (const name of names) {
    const c = findColumn(table, name, ctx, kind);
    if (accept && !accept.test(c)) throw stepError(ctx, kind, `column "${name}" is ${c.type}; ${kind} works on ${accept.what}.`, { column: name });
  }
  return names;
}

/** The named column, or an error listing the columns there are (and the nearest name, for typos). */
export function findColumn(table: Table, name: string, ctx: StepContext, kind: string): Column {
  const c = table.columns.find((col) => col.name === name);
  if (c) return c;
  const all = table.columns.map((col) => col.name);
  const near = nearest(name, all);
  const shown = all.length > 30 ? [...all.slice(0, 30), `… (${all.length - 30} more)`] : all;
  const hint = near ? ` Did you mean "${near}"?` : '';
  throw stepError(ctx, kind, `there is no column "${name}".${hint} Columns: ${shown.join(', ')}`, { column: name });
}

/**
 * Columns recorded at fit, looked up in the table being transformed. The target may be absent (at prediction time
 * there is none): it is skipped. Any other absent column is an error naming it.
 */
export function columnsAt(table: Table, names: readonly string[], ctx: StepContext, kind: string): Column[] {
  const out: Column[] = [];
  for (const name of names) {
    const c = table.columns.find((col) => col.name === name);
    if (c) out.push(c);
    else if (name !== ctx.target) findColumn(table, name, ctx, kind);
  }
  return out;
}

/** The closest name within edit distance 2 (case-insensitive), if any. */
function nearest(name: string, names: string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const n of names) {
    const d = editDistance(name.toLowerCase(), n.toLowerCase(), bestD);
    if (d < bestD) (bestD = d), (best = n);
  }
  return best;
}

function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) >= cap) return cap;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}
