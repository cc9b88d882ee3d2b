/** The workflow's pages, in order, with what each does (shown until its issue builds it). */
export interface Stage { href: string; title: string; summary: string; built: boolean }

export const stages: Stage[] = [
  { href: '/', title: 'Data', built: true, summary: 'Import a local CSV, TSV, JSON or Parquet file into a versioned dataset and profile every column.' },
  { href: '/prepare', title: 'Prepare', built: true, summary: 'Clean, transform, featurise, validate and split the data as one reproducible recipe, fitted on the training split only.' },
  { href: '/train', title: 'Train', built: true, summary: 'Choose and tune an algorithm, then train it in a worker on your GPU (WebGPU, WebGL, WASM or CPU), with live curves.' },
  { href: '/evaluate', title: 'Evaluate', built: true, summary: 'Validation metrics, the sealed test set scored once, error analysis and experiment comparison.' },
  { href: '/deploy', title: 'Deploy', built: true, summary: 'Register model versions, mark a champion, and predict or export on this device.' },
  { href: '/monitor', title: 'Monitor', built: true, summary: 'Compare new batches with the training data, detect drift, and retrain.' },
  { href: '/federated', title: 'Federated', built: true, summary: 'Optionally join federated rounds, sharing only clipped and noised weight updates with a privacy accountant.' }
];
