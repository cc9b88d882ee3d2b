/**
 * A preparation's recipe in a few words for the runs table ("impute → scale → one-hot"), with the full step list
 * for its tooltip (describeRecipe's words, as the Prepare page writes them).
 */
import { describeRecipe } from '../../core/recipe/describe.ts';
import type { Recipe } from '../../core/recipe/types.ts';

const SHOWN = 3;

export interface RecipeSummary {
  /** "impute → scale → one-hot", "no steps", "impute → scale → one-hot +2 more". */
  short: string;
  /** One line per step. */
  steps: string[];
}

export function summariseRecipe(recipe: Recipe | undefined): RecipeSummary {
  if (!recipe) return { short: 'recipe not stored', steps: [] };
  if (!recipe.steps.length) return { short: 'no steps', steps: [] };
  const kinds = recipe.steps.map((s) => (s && typeof s === 'object' && typeof (s as { kind?: unknown }).kind === 'string' ? (s as { kind: string }).kind : 'step'));
  const more = kinds.length - SHOWN;
  return { short: `${kinds.slice(0, SHOWN).join(' → ')}${more > 0 ? ` +${more} more` : ''}`, steps: describeRecipe(recipe) };
}
