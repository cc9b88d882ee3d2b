/**
 * Recipes as the person wrote them, content-addressed by the SHA-256 of their canonical JSON. Written with the
 * preparation that used them (preparations.ts); read here, checked to the outline a page reads (target and step
 * kinds; each step's parameters are checked by parseRecipe when the recipe is used again).
 */
import * as v from 'valibot';
import type { Recipe } from '../core/recipe/types.ts';
import type { EnclaveDB, RecipeRecord } from './db.ts';
import { parseRecord, RecipeSchema } from './validate.ts';

const RecipeRecordSchema: v.GenericSchema<unknown, RecipeRecord> = v.object({ hash: v.string(), recipe: RecipeSchema, created: v.number() });

/** The recipe stored under `hash`, validated; undefined when there is none. */
export async function getRecipe(db: EnclaveDB, hash: string): Promise<Recipe | undefined> {
  const raw = await db.recipes.get(hash);
  return raw === undefined ? undefined : parseRecord(RecipeRecordSchema, raw, { what: 'recipe', table: 'recipes', id: hash }).recipe;
}
