/**
 * The stored records, as schemas: storage outlives code (a record may come from an older build or a hand-edited data
 * directory), so every record read back goes through one of these; a record that does not fit is a 500 'storage' error
 * naming it, never a TypeError in a handler.
 */
import * as v from 'valibot';
import {
  CLIENT_ID,
  ClosedRoundSchema,
  FEDERATION_ID,
  FederationSettingsSchema,
  FederationStateSchema,
  SHA256_HEX,
  UpdateReplySchema
} from '../../src/lib/federated/protocol.ts';
import { ApiError } from './api-error.ts';

const time = v.pipe(v.number(), v.integer(), v.minValue(0));
const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const sha256 = v.pipe(v.string(), v.regex(SHA256_HEX));
const clientId = v.pipe(v.string(), v.regex(CLIENT_ID));

/** Times are epoch milliseconds in records (ISO strings only in replies). */
export const FederationRecordSchema = v.object({
  id: v.pipe(v.string(), v.regex(FEDERATION_ID)),
  createdAt: time,
  settings: FederationSettingsSchema,
  state: FederationStateSchema,
  /** The open round, null before the initial weights and once finished. */
  round: v.nullable(count),
  /** Rounds applied to the stored global weights. */
  version: count,
  deadline: v.nullable(time),
  weightsSha256: v.nullable(sha256),
  history: v.array(ClosedRoundSchema)
});

/** One join token: one client. Only the token's SHA-256 is kept. */
export const ClientRecordSchema = v.object({
  federationId: v.string(),
  clientId,
  tokenSha256: sha256,
  revokedAt: v.nullable(time)
});

/** An accepted update: enough to answer a resend of the same bytes with the same reply. */
export const ReceiptSchema = v.object({
  clientId,
  round: count,
  updateSha256: sha256,
  reply: UpdateReplySchema
});

export const RoundCountSchema = v.object({ received: count });

export type FederationRecord = v.InferOutput<typeof FederationRecordSchema>;
export type ClientRecord = v.InferOutput<typeof ClientRecordSchema>;
export type Receipt = v.InferOutput<typeof ReceiptSchema>;

/** `raw` read back as `schema`, or a 'storage' error naming the record. */
export function parseStored<T>(schema: v.GenericSchema<unknown, T>, raw: unknown, what: string): T {
  const r = v.safeParse(schema, raw);
  if (r.success) return r.output;
  const issue = r.issues[0];
  throw new ApiError(500, 'storage', `The stored ${what} is damaged and cannot be read (${v.getDotPath(issue) ?? 'the record'}: ${issue.message}).`);
}
