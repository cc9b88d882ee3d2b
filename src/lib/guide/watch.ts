/**
 * Keeps the guide's facts current: a Dexie live query over what the facts read (so a preparation saved or a run
 * trained in a worker shows in the stepper at once), re-subscribed when the person picks another dataset.
 */
import { liveQuery, type Subscription } from 'dexie';
import { datasetsWithSelection, SELECTION_EVENT } from '../selection.ts';
import { db } from '../store/db.ts';
import { finishedFederations, workflowCounts } from '../store/progress.ts';
import { guide } from './guide.svelte.ts';
import type { GuideFacts } from './steps.ts';

async function readFacts(): Promise<GuideFacts> {
  const database = db();
  const { pick } = await datasetsWithSelection();
  const federations = await finishedFederations(database);
  if (!pick) return { preparations: 0, runs: 0, models: [], batches: 0, federations };
  return { dataset: { id: pick.id, name: pick.name }, ...(await workflowCounts(database, pick.id)), federations };
}

export function watchGuide(): () => void {
  let sub: Subscription | null = null;
  const subscribe = () => {
    sub?.unsubscribe();
    // A failed read leaves the last facts: the guide is a help, never a reason for the page to fail.
    sub = liveQuery(readFacts).subscribe({ next: (f) => (guide.facts = f), error: () => undefined });
  };
  subscribe();
  addEventListener(SELECTION_EVENT, subscribe);
  addEventListener('storage', subscribe);
  return () => {
    sub?.unsubscribe();
    removeEventListener(SELECTION_EVENT, subscribe);
    removeEventListener('storage', subscribe);
  };
}
