/**
 * Where the train worker remembers initBackend('auto')'s measured choice: one setting in the app's database (settings
 * table, store/settings.ts). ml/backend.ts checks what is read back (backend-memory.ts), so this adapter only moves it.
 */
import type { BackendMemory, RememberedBackend } from '../ml/backend-memory.ts';
import type { EnclaveDB, Json } from '../store/db.ts';
import { getSetting, putSetting } from '../store/settings.ts';

/** The setting's key: one record, holding the device key it was measured under (another device measures again). */
export const BACKEND_SETTING = 'ml.backend-choice';

export function settingsBackendMemory(db: EnclaveDB): BackendMemory {
  return {
    read: () => getSetting(db, BACKEND_SETTING),
    // A RememberedBackend is plain JSON (strings, finite numbers, booleans, null); putSetting checks that too.
    write: (value: RememberedBackend) => putSetting(db, BACKEND_SETTING, value as unknown as Json),
  };
}
