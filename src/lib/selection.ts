/** The dataset the person last worked on, shared by the stage pages (remembered across pages and reloads). */
import { db } from './store/db.ts';
import { listDatasets, type DatasetSummary } from './store/tables.ts';

const KEY = 'enclave:selected';

export function rememberDataset(id: string): void {
  localStorage.setItem(KEY, id);
}

/** A deleted dataset is not remembered (its id would outlive it in localStorage). */
export function forgetDataset(id: string): void {
  if (localStorage.getItem(KEY) === id) localStorage.removeItem(KEY);
}

/** Every dataset, and the one to open: the last one chosen if it still exists, else the newest. */
export async function datasetsWithSelection(): Promise<{ datasets: DatasetSummary[]; pick: DatasetSummary | undefined }> {
  const datasets = await listDatasets(db());
  const last = localStorage.getItem(KEY);
  return { datasets, pick: datasets.find((d) => d.id === last) ?? datasets[0] };
}
