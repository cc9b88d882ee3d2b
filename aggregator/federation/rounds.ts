/**
 * A federation's open round in memory, and its two state changes: committing accepted updates and closing.
 *
 * Accepted updates are added into a pending float64 sum the moment they pass the checks (their bytes can then be
 * freed); a flush commits the pending batch — the new running sum, one receipt per update, and the updates themselves
 * for a trimmed mean — in one store transaction, and only then answers each upload. Uploads that arrive while a commit
 * is on disk form the next batch, so 1,000 concurrent uploads cost a handful of commits, not 1,000. Memory is O(number
 * of parameters): the committed sum, the pending sum, and the bodies the ByteBudget lets in.
 *
 * A round closes when: its deadline has passed and it has quorum (minClients updates) — at the deadline, or at the
 * first commit that reaches quorum after it; or, earlier, once every live (unrevoked) client has sent and quorum is met
 * (small federations and tests need not wait for the deadline). Closing is checked by a timer at the deadline, after
 * every commit and revocation, on every client request, and at start (restart-safe).
 */
import { float32View, type CloseReason, type UpdateReply } from '../../src/lib/federated/protocol.ts';
import { applyMean, applyTrimmedMean } from './aggregate.ts';
import { ApiError } from './api-error.ts';
import type { KeyedMutex } from './mutex.ts';
import { sha256Hex } from './secrets.ts';
import type { ClientRecord, FederationRecord, FederationStore } from './store.ts';

export interface RoundContext {
  store: FederationStore;
  mutex: KeyedMutex;
  now: () => number;
  /** Where timer-driven failures (a close whose write failed) are reported. */
  log: (message: string) => void;
}

interface Entry {
  clientId: string;
  updateSha256: string;
  values: Float32Array | null; // kept for a trimmed mean only
  reply: UpdateReply;
  resolve: (reply: UpdateReply) => void;
  reject: (err: unknown) => void;
}

interface Batch {
  sum: Float64Array;
  entries: Entry[];
}

export interface LiveRound {
  round: number;
  received: number;
  /** The committed running sum. */
  sum: Float64Array;
  /** Clients whose update is committed. */
  senders: Set<string>;
  /** Updates accepted but not yet committed (or being committed), by client: a resend waits for its answer. */
  inFlight: Map<string, { updateSha256: string; answer: Promise<UpdateReply> }>;
  pending: Batch | null;
  /** The sum array a commit replaced, reused (zeroed) as the next batch's: a round allocates three, not one per commit. */
  spare: Float64Array | null;
  flushing: boolean;
  /** When the round reached quorum (0 when it had it before this process started). */
  quorumAt: number | null;
}

export interface Runtime {
  record: FederationRecord;
  clients: Map<string, ClientRecord>;
  byToken: Map<string, ClientRecord>;
  /** The current global weights (raw float32 bytes). */
  weights: Uint8Array | null;
  live: LiveRound | null;
  timer: ReturnType<typeof setTimeout> | null;
}

export function newLiveRound(round: number, parameterCount: number): LiveRound {
  return { round, received: 0, sum: new Float64Array(parameterCount), senders: new Set(), inFlight: new Map(), pending: null, spare: null, flushing: false, quorumAt: null };
}

/** sum += values, element-wise (the hot loop of a round: locals only, so V8 keeps it tight). */
function addInto(sum: Float64Array, values: Float32Array | Float64Array) {
  const n = sum.length;
  for (let i = 0; i < n; i++) sum[i] += values[i];
}

/** Adds a checked update to round `live`'s next commit; resolves with `reply` once it is durable. */
export function enqueueUpdate(ctx: RoundContext, rt: Runtime, live: LiveRound, update: Omit<Entry, 'resolve' | 'reject'>, values: Float32Array): Promise<UpdateReply> {
  const batch = (live.pending ??= { sum: live.spare?.fill(0) ?? new Float64Array(values.length), entries: [] });
  if (batch.sum === live.spare) live.spare = null;
  addInto(batch.sum, values);
  const answer = new Promise<UpdateReply>((resolve, reject) => batch.entries.push({ ...update, resolve, reject }));
  live.inFlight.set(update.clientId, { updateSha256: update.updateSha256, answer });
  if (!live.flushing) {
    live.flushing = true;
    // setImmediate: the uploads checked in this turn join the same batch.
    setImmediate(() => void flush(ctx, rt, live));
  }
  return answer;
}

async function flush(ctx: RoundContext, rt: Runtime, live: LiveRound) {
  try {
    while (live.pending) {
      const batch = live.pending;
      live.pending = null;
      await ctx.mutex.run(rt.record.id, () => commitBatch(ctx, rt, live, batch));
    }
  } finally {
    live.flushing = false;
  }
}

async function commitBatch(ctx: RoundContext, rt: Runtime, live: LiveRound, batch: Batch) {
  const { id, settings } = rt.record;
  const fail = (err: unknown) => {
    for (const e of batch.entries) {
      live.inFlight.delete(e.clientId);
      e.reject(err);
    }
  };
  if (rt.live !== live) return fail(new ApiError(409, 'round-closed', `Round ${live.round} closed before this update was stored; fetch the new global weights.`));
  addInto(batch.sum, live.sum);
  const received = live.received + batch.entries.length;
  try {
    await ctx.store.commitUpdates(id, live.round, {
      sum: { received, sum: batch.sum },
      receipts: batch.entries.map((e) => ({ clientId: e.clientId, round: live.round, updateSha256: e.updateSha256, reply: e.reply })),
      kept: settings.robust ? batch.entries.map((e) => ({ clientId: e.clientId, values: e.values! })) : undefined
    });
  } catch (err) {
    ctx.log(`federation ${id}: storing updates failed: ${(err as Error).message}`);
    return fail(new ApiError(500, 'storage', 'The aggregator could not store the update; send it again.'));
  }
  if (live.received < settings.minClients && received >= settings.minClients) live.quorumAt = ctx.now();
  live.spare = live.sum;
  live.sum = batch.sum;
  live.received = received;
  for (const e of batch.entries) {
    live.senders.add(e.clientId);
    live.inFlight.delete(e.clientId);
    e.resolve(e.reply);
  }
  // The updates are stored and answered; a close that fails here is tried again by the next request or commit.
  await closeIfDue(ctx, rt).catch((err) => ctx.log(`federation ${id}: closing round ${live.round} failed: ${(err as Error).message}`));
}

/** Why the open round should close now, or null. Cheap: callers test it before taking the federation's lock. */
export function dueReason(rt: Runtime, now: number): CloseReason | null {
  const { record, live } = rt;
  if (record.state !== 'open' || !live || live.received < record.settings.minClients) return null;
  if (now >= record.deadline!) return live.quorumAt !== null && live.quorumAt > record.deadline! ? 'quorum-after-deadline' : 'deadline';
  for (const c of rt.clients.values()) if (c.revokedAt === null && !live.senders.has(c.clientId)) return null;
  return 'all-clients';
}

/** Closes the open round if it is due. Call under the federation's lock. */
export async function closeIfDue(ctx: RoundContext, rt: Runtime) {
  const reason = dueReason(rt, ctx.now());
  if (reason) await closeRound(ctx, rt, reason);
}

/** The due check under the federation's lock, skipped (no lock taken) when the round is plainly not due. */
export async function checkRound(ctx: RoundContext, rt: Runtime) {
  if (dueReason(rt, ctx.now())) await ctx.mutex.run(rt.record.id, () => closeIfDue(ctx, rt));
}

async function closeRound(ctx: RoundContext, rt: Runtime, reason: CloseReason) {
  const rec = rt.record;
  const live = rt.live!;
  const { settings } = rec;
  const old = float32View(rt.weights!);
  const next = settings.robust
    ? await applyTrimmedMean(old, live.received, settings.robust.trim, (chunk) => ctx.store.readKeptChunk(rec.id, live.round, chunk))
    : applyMean(old, live.sum, live.received);
  const bytes = new Uint8Array(next.buffer);
  const weightsSha256 = sha256Hex(bytes);
  const now = ctx.now();
  const finished = live.round >= settings.rounds;
  const record: FederationRecord = {
    ...rec,
    state: finished ? 'finished' : 'open',
    round: finished ? null : live.round + 1,
    version: live.round,
    deadline: finished ? null : now + settings.roundDeadlineSeconds * 1000,
    weightsSha256,
    history: [...rec.history, { round: live.round, closedAt: new Date(now).toISOString(), received: live.received, reason, weightsSha256 }]
  };
  await ctx.store.closeRound(record, bytes, live.round);
  rt.record = record;
  rt.weights = bytes;
  rt.live = finished ? null : newLiveRound(live.round + 1, settings.parameterCount);
  schedule(ctx, rt);
}

const MAX_TIMER_MS = 2 ** 31 - 1;

/** (Re)arms the deadline timer of the open round. Past the deadline without quorum no timer runs: a commit closes it. */
export function schedule(ctx: RoundContext, rt: Runtime) {
  if (rt.timer) clearTimeout(rt.timer);
  rt.timer = null;
  if (rt.record.state !== 'open') return;
  const delay = rt.record.deadline! - ctx.now();
  if (delay < 0) return;
  rt.timer = setTimeout(() => {
    rt.timer = null;
    ctx.mutex
      .run(rt.record.id, () => closeIfDue(ctx, rt))
      .then(() => {
        // Timers top out at ~24.8 days; a longer deadline re-arms.
        if (!rt.timer && rt.record.state === 'open' && rt.record.deadline! > ctx.now()) schedule(ctx, rt);
      })
      .catch((err) => ctx.log(`federation ${rt.record.id}: closing round ${rt.record.round} failed: ${(err as Error).message}`));
  }, Math.min(delay + 1, MAX_TIMER_MS));
  rt.timer.unref?.();
}
