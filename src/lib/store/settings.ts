/**
 * Settings: small JSON values remembered on this device (e.g. the backend measured fastest for this device and browser
 * version, so a job need not measure again). Values are stored as JSON, so what is read back is what JSON can hold.
 */
import * as v from 'valibot';
import { EnclaveError } from '../core/errors.ts';
import type { EnclaveDB, Json, SettingRecord } from './db.ts';
import { storageError } from './tables.ts';
import { isJson, parseRecord } from './validate.ts';

const SettingSchema: v.GenericSchema<unknown, SettingRecord> = v.object({
  key: v.string(),
  value: v.custom<Json>((x) => isJson(x), 'not plain JSON'),
  updated: v.number()
});

/**
 * The value stored under `key`, or undefined when there is none. With `schema`, a value that does not fit it (written
 * by an older build, say) also reads as undefined: a setting is a remembered choice, and one that no longer fits is
 * simply not remembered.
 */
export async function getSetting(db: EnclaveDB, key: string): Promise<Json | undefined>;
export async function getSetting<T>(db: EnclaveDB, key: string, schema: v.GenericSchema<unknown, T>): Promise<T | undefined>;
export async function getSetting<T>(db: EnclaveDB, key: string, schema?: v.GenericSchema<unknown, T>): Promise<Json | T | undefined> {
  const raw = await db.settings.get(key);
  if (raw === undefined) return undefined;
  const { value } = parseRecord(SettingSchema, raw, { what: 'setting', table: 'settings', id: key });
  if (!schema) return value;
  const r = v.safeParse(schema, value);
  return r.success ? r.output : undefined;
}

/**
 * Stores `value` under `key` (replacing what was there). Checked here rather than by its type, so a caller's own
 * interface needs no cast: a value JSON cannot hold as it is (a Map, a Date, NaN) is refused.
 */
export async function putSetting(db: EnclaveDB, key: string, value: unknown): Promise<void> {
  if (!isJson(value)) throw new EnclaveError('invalid-argument', `The setting "${key}" must be plain JSON (numbers finite, no Maps, Dates or class instances).`);
  try {
    await db.settings.put({ key, value, updated: Date.now() });
  } catch (err) {
    throw storageError(err, `save the setting "${key}"`);
  }
}
