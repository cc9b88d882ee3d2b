/** The dataset the person last worked on, shared by the stage pages (remembered across pages and reloads). */
import { db } from './store/db.ts';
import { listDatasets, type DatasetSummary } from './store/tables.ts';

const KEY = 'enclave:selected';
/** Dispatched on window when the remembered dataset changes (the guide follows it). */
export const SELECTION_EVENT = 'enclave:selection';

export function rememberDataset(id: string): void {
  if (localStorage.getItem(KEY) === id) return;
  localStorage.setItem(KEY, id);
  globalThis.dispatchEvent?.(new Event(SELECTION_EVENT));
}

/** A deleted dataset is not remembered (its id would outlive it in localStorage). */
export function forgetDataset(id: string): void {
  if (localStorage.getItem(KEY) !== id) return;
  localStorage.removeItem(KEY);
  globalThis.dispatchEvent?.(new Event(SELECTION_EVENT));
}

/** Every dataset, and the one to open: the last one chosen if it still exists, else the newest. */
export async function datasetsWithSelection(): Promise<{ datasets: DatasetSummary[]; pick: DatasetSummary | undefined }> {
  const datasets = await listDatasets(db());
  const last = localStorage.getItem(KEY);
  return { datasets, pick: datasets.find((d) => d.id === last) ?? datasets[0] };
}
