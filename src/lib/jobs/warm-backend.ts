/**
 * A worker's tfjs backend started ahead of the job that will use it: the model worker's, while a training runs, so that
 * promoting the run (its next job, on the run's backend) does not first load tfjs and start the backend (0.5 s in a
 * Chromium tab, on a core the training's loading leaves free). Whatever the page asks for is checked here.
 */
import { BACKEND_ORDER, initBackend, type BackendName } from '../ml/backend.ts';

/** Starts `backend` here; false when it is no backend name or does not start (the job that needs it then says why). */
export async function warmBackend(backend: unknown): Promise<boolean> {
  if (typeof backend !== 'string' || !(BACKEND_ORDER as readonly string[]).includes(backend)) return false;
  try {
    await initBackend(backend as BackendName);
    return true;
  } catch {
    return false;
  }
}
