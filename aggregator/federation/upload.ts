/**
 * One client's update for round r, checked in this order (the token was checked by the route): metadata (400), the
 * round is open (409 for a closed or future one), one update per client per round (a resend of the same bytes gets the
 * same answer and is counted once; different bytes are 409), trained on the current global weights (409 stale),
 * the body's size (413 over parameterCount × 4, counted while reading) and exact length (400), finite values (400),
 * the norm bound (400). A refusal writes nothing. Cheap checks come before the body is read, so a refused upload
 * costs no memory.
 */
import { federationPaths, SHA256_HEX, updateByteLength, type UpdateReply } from '../../src/lib/federated/protocol.ts';
import { ApiError } from './api-error.ts';
import { readBody, readExactBody, type BodySource } from './body.ts';
import type { ByteBudget } from './byte-budget.ts';
import { checkUpdateValues } from './check-update.ts';
import { enqueueUpdate, type RoundContext, type Runtime } from './rounds.ts';
import { sha256Hex } from './secrets.ts';
import type { ClientRecord } from './store.ts';

export interface UploadInput {
  round: string;
  clientHeader: string | undefined;
  baseHeader: string | undefined;
  contentType: string | undefined;
  body: BodySource;
}

/** An earlier upload of this client for this round: its bytes' hash and its answer. */
interface Prior {
  updateSha256: string;
  answer: () => Promise<UpdateReply>;
}

function parseMetadata(input: UploadInput, client: ClientRecord) {
  if (!/^[1-9]\d{0,5}$/.test(input.round)) throw new ApiError(400, 'invalid-request', `"${input.round.slice(0, 20)}" is not a round number.`);
  if (input.clientHeader === undefined) throw new ApiError(400, 'invalid-request', 'The X-Enclave-Client header (your client id) is missing.');
  if (input.clientHeader !== client.clientId)
    throw new ApiError(400, 'invalid-request', `X-Enclave-Client "${input.clientHeader.slice(0, 80)}" is not the client of this join token (${client.clientId}).`);
  if (!SHA256_HEX.test(input.baseHeader ?? ''))
    throw new ApiError(400, 'invalid-request', 'X-Enclave-Base-Sha256 must be the lower-case hex SHA-256 of the global weights the update was computed from.');
  const type = (input.contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/octet-stream') throw new ApiError(400, 'invalid-request', 'An update is sent as Content-Type: application/octet-stream (raw float32, little-endian).');
  return { round: Number(input.round), base: input.baseHeader! };
}

/** A resend: the same bytes get the earlier answer; different bytes are refused with `otherwise`. */
async function resend(prior: Prior, bytes: Uint8Array, otherwise: ApiError): Promise<UpdateReply> {
  if (sha256Hex(bytes) !== prior.updateSha256) throw otherwise;
  return prior.answer();
}

/** What bounds the bodies in memory: the byte budget, and one body at a time per client (federation/client keys). */
export interface UploadLimits {
  budget: ByteBudget;
  reading: Set<string>;
}

export async function acceptUpload(ctx: RoundContext, limits: UploadLimits, rt: Runtime, client: ClientRecord, input: UploadInput): Promise<UpdateReply> {
  const { round, base } = parseMetadata(input, client);
  // A client has no reason to send two bodies at once; refusing the second keeps one token from holding many slots
  // of the budget with slow uploads.
  const key = `${rt.record.id}/${client.clientId}`;
  if (limits.reading.has(key)) {
    const err = new ApiError(429, 'rate-limited', `An upload from ${client.clientId} is already being received; wait for its answer.`);
    err.retryAfter = 1;
    throw err;
  }
  limits.reading.add(key);
  try {
    return await accept(ctx, limits.budget, rt, client, round, base, input);
  } finally {
    limits.reading.delete(key);
  }
}

async function accept(ctx: RoundContext, budget: ByteBudget, rt: Runtime, client: ClientRecord, round: number, base: string, input: UploadInput): Promise<UpdateReply> {
  const rec = rt.record;
  const { id, settings } = rec;
  const length = updateByteLength(settings.parameterCount);
  const readAll = async () => {
    const lease = await budget.acquire(length);
    try {
      return await readBody(input.body, length, 'update');
    } finally {
      lease.release();
    }
  };

  if (rec.state === 'awaiting-weights') throw new ApiError(409, 'not-started', 'The federation has no initial weights yet: no round is open.');
  const open = rec.state === 'open' ? rec.round! : null;
  if (open === null || round < open) {
    const closed = new ApiError(409, 'round-closed', open === null ? `The federation is finished; round ${round} is closed.` : `Round ${round} is closed; round ${open} is open.`, { open });
    const receipt = await ctx.store.getReceipt(id, round, client.clientId);
    if (receipt) return resend({ updateSha256: receipt.updateSha256, answer: async () => receipt.reply }, await readAll(), closed);
    throw closed;
  }
  if (round > open) throw new ApiError(409, 'round-not-open', `Round ${round} is not open yet; round ${open} is.`, { open });

  const live = rt.live!;
  const sent = new ApiError(409, 'already-sent', `Client ${client.clientId} has already sent a different update for round ${round}.`);
  const prior = async (): Promise<Prior | undefined> => {
    const flying = live.inFlight.get(client.clientId);
    if (flying) return { updateSha256: flying.updateSha256, answer: () => flying.answer };
    if (!live.senders.has(client.clientId)) return undefined;
    const receipt = await ctx.store.getReceipt(id, round, client.clientId);
    return receipt && { updateSha256: receipt.updateSha256, answer: async () => receipt.reply };
  };
  const before = await prior();
  if (before) return resend(before, await readAll(), sent);
  if (base !== rec.weightsSha256)
    throw new ApiError(409, 'stale-base', `The update was computed from weights ${base.slice(0, 12)}…, not the current global weights ${rec.weightsSha256!.slice(0, 12)}… of round ${round}; fetch them and train again.`);

  const lease = await budget.acquire(length);
  try {
    const bytes = await readExactBody(input.body, length, 'update', lease.buffer());
    const values = checkUpdateValues(bytes, settings);
    const updateSha256 = sha256Hex(bytes);
    // The waits above let other requests run: the round may have closed (checked last, with no await after it).
    const raced = await prior();
    if (raced) return await resend(raced, bytes, sent);
    if (rt.live !== live) throw new ApiError(409, 'round-closed', `Round ${round} closed while the update was arriving; fetch the new global weights.`);
    const now = ctx.now();
    const reply: UpdateReply = {
      accepted: true,
      id,
      round,
      clientId: client.clientId,
      updateSha256,
      acceptedAt: new Date(now).toISOString(),
      next: {
        version: round,
        round: round < settings.rounds ? round + 1 : null,
        expectedAt: new Date(Math.max(now, rec.deadline!)).toISOString(),
        weightsUrl: federationPaths(id).weights
      }
    };
    const answer = enqueueUpdate(ctx, rt, live, { clientId: client.clientId, updateSha256, values: settings.robust ? values : null, reply }, values);
    // Summed into the pending batch: unless a trimmed mean keeps it until the commit, the body can go now.
    if (!settings.robust) lease.release();
    return await answer;
  } finally {
    lease.release();
  }
}
