/**
 * The guided flow, as pure functions of what exists for the current dataset: which workflow steps are done (the
 * stepper in the header) and the next action at the end of each page. The facts are counted by watch.ts.
 */
export type StepId = 'data' | 'prepare' | 'train' | 'evaluate' | 'deploy' | 'monitor';

export interface GuideFacts {
  /** The dataset the pages open on (the last chosen, else the newest); undefined before the first import. */
  dataset?: { id: string; name: string };
  preparations: number;
  runs: number;
  /** Model versions registered from this dataset's runs, newest first (a name to say in the next action). */
  models: { name: string; version: string }[];
  /** Batches scored by those versions. */
  batches: number;
  /** Federations this device finished (any dataset): Federated sits beside the flow. */
  federations: number;
}

export interface StepState {
  id: StepId;
  href: string;
  title: string;
  done: boolean;
  /** What "done" means, for the step's tooltip and accessible description. */
  meaning: string;
}

export const STEPS: readonly { id: StepId; href: string; title: string; meaning: string }[] = [
  { id: 'data', href: '/', title: 'Data', meaning: 'a dataset is imported' },
  { id: 'prepare', href: '/prepare', title: 'Prepare', meaning: 'a preparation of it is saved' },
  { id: 'train', href: '/train', title: 'Train', meaning: 'a model is trained on it' },
  { id: 'evaluate', href: '/evaluate', title: 'Evaluate', meaning: 'a run is promoted (its sealed test scored once)' },
  { id: 'deploy', href: '/deploy', title: 'Deploy', meaning: 'a file is scored with the model' },
  { id: 'monitor', href: '/monitor', title: 'Monitor', meaning: 'scored batches are monitored for drift' }
];

export function stepStates(f: GuideFacts | null): StepState[] {
  const done: Record<StepId, boolean> = {
    data: !!f?.dataset,
    prepare: !!f?.dataset && f.preparations > 0,
    train: !!f?.dataset && f.runs > 0,
    evaluate: !!f?.dataset && f.models.length > 0,
    deploy: !!f?.dataset && f.batches > 0,
    monitor: !!f?.dataset && f.batches > 0
  };
  return STEPS.map((s) => ({ ...s, done: done[s.id] }));
}

export interface NextAction {
  href: string;
  /** The link's words: a verb and its object ("Prepare this dataset"). */
  label: string;
  /** Why, or what happens there, after the link. */
  why: string;
}

/** The action that moves the current dataset on, as seen from `page`; null where that page's own form is the next step. */
export function nextAction(page: StepId, f: GuideFacts | null): NextAction | null {
  if (!f?.dataset) return page === 'data' ? null : { href: '/', label: 'Import a file', why: 'or try the sample: everything starts from a dataset on this device.' };
  const name = f.dataset.name;
  const model = f.models[0];
  switch (page) {
    case 'data':
      return f.preparations
        ? { href: '/train', label: 'Train on this preparation', why: `of ${name} (or prepare it again on the Prepare page).` }
        : { href: '/prepare', label: 'Prepare this dataset', why: `choose what to predict in ${name}, clean it and split it 60/20/20.` };
    case 'prepare':
      return f.preparations ? { href: '/train', label: 'Train on this preparation', why: 'choose an algorithm (or auto) and watch it learn.' } : null;
    case 'train':
      if (!f.runs) return null;
      return model
        ? { href: '/deploy', label: 'Score a batch', why: `of new rows with ${model.name} ${model.version} on the Deploy page.` }
        : { href: '/evaluate', label: 'Evaluate this run', why: 'then promote the best one (above): its sealed test split is scored once and it is registered for Deploy.' };
    case 'evaluate':
      if (!f.runs) return { href: '/train', label: 'Train a model', why: `on a preparation of ${name}.` };
      return model
        ? { href: '/deploy', label: 'Score a batch', why: `of new rows with ${model.name} ${model.version} on the Deploy page.` }
        : { href: '/train', label: 'Promote the best run', why: 'on the Train page ("Promote and score the test split"): it becomes a model you can deploy.' };
    case 'deploy':
      return f.batches ? { href: '/monitor', label: 'Monitor the scored batches', why: 'drift of each file against the training data, over time.' } : null;
    case 'monitor':
      return null;
  }
}
