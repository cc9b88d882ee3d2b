/**
 * Prepare drafts: the recipe and split a person is still editing, kept in the main thread's localStorage per source
 * version (`enclave:recipe:<hash>`), so a reload loses nothing. They hold column names, categories and constants of
 * the data, so they go with it (delete.ts). Read back through a schema: storage outlives code, and a damaged draft is
 * dropped, never allowed to break the page.
 */
import * as v from 'valibot';

export const DRAFT_PREFIX = 'enclave:recipe:';
export const draftKey = (sourceHash: string) => `${DRAFT_PREFIX}${sourceHash}`;

const percent = v.pipe(v.number(), v.finite());
const DraftSchema = v.object({
  // Steps are checked in full by parseRecipe when they are used; here only their outline.
  steps: v.array(v.pipe(v.record(v.string(), v.unknown()), v.check((s) => typeof s.kind === 'string', 'a step without a kind'))),
  split: v.object({
    target: v.string(),
    method: v.picklist(['auto', 'random', 'stratified', 'group', 'time']),
    percents: v.tuple([percent, percent, percent]),
    seed: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(0xffffffff)),
    group: v.string(),
    time: v.string()
  })
});
export type Draft = v.InferOutput<typeof DraftSchema>;

function store(): Storage | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    return undefined; // a sandboxed frame throws on access
  }
}

export function writeDraft(sourceHash: string, draft: Draft): void {
  try {
    store()?.setItem(draftKey(sourceHash), JSON.stringify(draft));
  } catch {
    // A full localStorage only loses the draft; the page keeps working.
  }
}

/** The draft for a source version, or null when there is none or it is damaged (then it is removed). */
export function readDraft(sourceHash: string): Draft | null {
  const s = store();
  const text = s?.getItem(draftKey(sourceHash));
  if (text == null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const r = v.safeParse(DraftSchema, parsed);
  if (r.success) return r.output;
  s?.removeItem(draftKey(sourceHash));
  return null;
}

export function hasDraft(sourceHash: string): boolean {
  return store()?.getItem(draftKey(sourceHash)) != null;
}

export function removeDrafts(sourceHashes: Iterable<string>): void {
  const s = store();
  if (s) for (const h of sourceHashes) s.removeItem(draftKey(h));
}

/** The source hashes of every stored draft. */
export function draftSources(): string[] {
  const s = store();
  if (!s) return [];
  const out: string[] = [];
  for (let i = 0; i < s.length; i++) {
    const key = s.key(i);
    if (key?.startsWith(DRAFT_PREFIX)) out.push(key.slice(DRAFT_PREFIX.length));
  }
  return out;
}
