/**
 * The federation service: what the routes call. It owns one Runtime per federation (its record, clients, current
 * weights and open round, loaded from the store on first use), and is the only writer of the store — one process per
 * data directory.
 */
import {
  federationPaths,
  FEDERATION_ID,
  float32View,
  updateByteLength,
  updateNormBound,
  type CreateFederationReply,
  type CreateFederationRequest,
  type FederationConfigReply,
  type FederationStatusReply,
  type RoundStatusReply
} from '../../src/lib/federated/protocol.ts';
import { ApiError } from './api-error.ts';
import { readExactBody, type BodySource } from './body.ts';
import { ByteBudget } from './byte-budget.ts';
import { KeyedMutex } from './mutex.ts';
import { checkRound, closeIfDue, newLiveRound, schedule, type RoundContext, type Runtime } from './rounds.ts';
import { newFederationId, newToken, sha256Hex, tokenHash } from './secrets.ts';
import type { ClientRecord, FederationRecord, FederationStore } from './store.ts';
import { acceptUpload, type UploadInput } from './upload.ts';

export interface FederationServiceOptions {
  now?: () => number;
  log?: (message: string) => void;
  /** Bytes of update bodies held at once across all uploads (default 64 MiB). */
  uploadBudgetBytes?: number;
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

export class FederationService {
  private readonly ctx: RoundContext;
  private readonly budget: ByteBudget;
  private readonly reading = new Set<string>();
  private readonly runtimes = new Map<string, Promise<Runtime | null>>();

  constructor(
    readonly store: FederationStore,
    opts: FederationServiceOptions = {}
  ) {
    this.ctx = { store, mutex: new KeyedMutex(), now: opts.now ?? Date.now, log: opts.log ?? ((m) => console.error(m)) };
    this.budget = new ByteBudget(opts.uploadBudgetBytes ?? 64 * 1024 * 1024);
  }

  /** Loads every unfinished federation: overdue rounds close now, the others get their deadline timer. */
  async start() {
    for (const f of await this.store.listFederations()) {
      if (f.state !== 'open') continue;
      const rt = await this.runtime(f.id);
      if (rt) await this.ctx.mutex.run(f.id, () => closeIfDue(this.ctx, rt));
    }
  }

  /** Stops the timers and waits for commits in progress. */
  async stop() {
    for (const p of this.runtimes.values()) {
      const rt = await p;
      if (!rt) continue;
      if (rt.timer) clearTimeout(rt.timer);
      rt.timer = null;
      await this.ctx.mutex.run(rt.record.id, async () => undefined);
    }
  }

  private runtime(id: string): Promise<Runtime | null> {
    if (!FEDERATION_ID.test(id)) return Promise.resolve(null);
    let p = this.runtimes.get(id);
    if (!p) {
      p = this.load(id);
      this.runtimes.set(id, p);
      // A failed load (the store) is not remembered: the next request tries again.
      p.catch(() => this.runtimes.delete(id));
    }
    return p;
  }

  private async load(id: string): Promise<Runtime | null> {
    const record = await this.store.getFederation(id);
    if (!record) {
      this.runtimes.delete(id);
      return null;
    }
    const clients = await this.store.listClients(id);
    const rt: Runtime = { record, clients: new Map(), byToken: new Map(), weights: null, live: null, timer: null };
    for (const c of clients) this.remember(rt, c);
    if (record.state !== 'awaiting-weights') {
      rt.weights = (await this.store.getWeights(id)) ?? null;
      if (rt.weights?.byteLength !== updateByteLength(record.settings.parameterCount))
        throw new ApiError(500, 'storage', `The stored global weights of federation ${id} are missing or not parameterCount float32 values.`);
    }
    if (record.state === 'open') {
      const live = newLiveRound(record.round!, record.settings.parameterCount);
      const stored = await this.store.getRoundSum(id, live.round);
      if (stored && stored.sum.length !== live.sum.length) throw new ApiError(500, 'storage', `The stored running sum of federation ${id} has the wrong length.`);
      if (stored) Object.assign(live, { sum: stored.sum, received: stored.received });
      for (const r of await this.store.listReceipts(id, live.round)) live.senders.add(r.clientId);
      if (live.received >= record.settings.minClients) live.quorumAt = 0;
      rt.live = live;
      schedule(this.ctx, rt);
    }
    return rt;
  }

  private remember(rt: Runtime, c: ClientRecord) {
    rt.clients.set(c.clientId, c);
    rt.byToken.set(c.tokenSha256, c);
  }

  private async federation(id: string): Promise<Runtime> {
    const rt = await this.runtime(id);
    if (!rt) throw new ApiError(404, 'not-found', `No federation "${id.slice(0, 40)}".`);
    return rt;
  }

  // ── Operator ──────────────────────────────────────────────────────────────────────────────────────────────────

  async create(req: CreateFederationRequest): Promise<CreateFederationReply> {
    const id = newFederationId();
    const { tokens: count, ...settings } = req;
    const tokens = Array.from({ length: count }, (_, i) => ({ clientId: `c-${i + 1}`, token: newToken() }));
    const record: FederationRecord = { id, createdAt: this.ctx.now(), settings, state: 'awaiting-weights', round: null, version: 0, deadline: null, weightsSha256: null, history: [] };
    const clients = tokens.map((t) => ({ federationId: id, clientId: t.clientId, tokenSha256: sha256Hex(t.token), revokedAt: null }));
    await this.store.createFederation(record, clients);
    return { id, tokens, initialWeightsUrl: federationPaths(id).initialWeights };
  }

  /** Stores the initial weights (exactly parameterCount float32 values, all finite) and opens round 1. */
  async setInitialWeights(id: string, body: BodySource): Promise<FederationStatusReply> {
    const rt = await this.federation(id);
    const length = updateByteLength(rt.record.settings.parameterCount);
    const lease = await this.budget.acquire(length);
    try {
      // Not the pooled buffer: these bytes stay, as the global weights.
      const bytes = await readExactBody(body, length, 'initial weights');
      const bad = float32View(bytes).findIndex((x) => !Number.isFinite(x));
      if (bad >= 0) throw new ApiError(400, 'non-finite', `Initial weight ${bad} is not a finite number.`, { index: bad });
      await this.ctx.mutex.run(id, async () => {
        if (rt.record.state !== 'awaiting-weights') throw new ApiError(409, 'conflict', 'The federation already has its initial weights.');
        const now = this.ctx.now();
        const record: FederationRecord = { ...rt.record, state: 'open', round: 1, deadline: now + rt.record.settings.roundDeadlineSeconds * 1000, weightsSha256: sha256Hex(bytes) };
        await this.store.openFirstRound(record, bytes);
        rt.record = record;
        rt.weights = bytes;
        rt.live = newLiveRound(1, record.settings.parameterCount);
        schedule(this.ctx, rt);
      });
    } finally {
      lease.release();
    }
    return this.status(id);
  }

  async revoke(id: string, clientId: string): Promise<{ clientId: string; revokedAt: string }> {
    const rt = await this.federation(id);
    return this.ctx.mutex.run(id, async () => {
      const c = rt.clients.get(clientId);
      if (!c) throw new ApiError(404, 'not-found', `Federation ${id} has no client "${clientId.slice(0, 40)}".`);
      if (c.revokedAt === null) {
        const revoked = { ...c, revokedAt: this.ctx.now() };
        await this.store.putClient(revoked);
        this.remember(rt, revoked);
        // Every remaining live client may already have sent.
        await closeIfDue(this.ctx, rt);
      }
      return { clientId, revokedAt: iso(rt.clients.get(clientId)!.revokedAt)! };
    });
  }

  async status(id: string): Promise<FederationStatusReply> {
    const rt = await this.federation(id);
    await checkRound(this.ctx, rt);
    const { record: r, live } = rt;
    return {
      id: r.id,
      createdAt: iso(r.createdAt)!,
      settings: r.settings,
      state: r.state,
      round: r.round,
      version: r.version,
      deadline: iso(r.deadline),
      received: live?.received ?? 0,
      senders: live ? [...live.senders].sort() : [],
      clients: [...rt.clients.values()].map((c) => ({ clientId: c.clientId, revokedAt: iso(c.revokedAt) })),
      history: r.history,
      weightsSha256: r.weightsSha256,
      normBound: updateNormBound(r.settings.parameterCount, r.settings.clipNorm, r.settings.noiseMultiplier)
    };
  }

  async list() {
    const all = await this.store.listFederations();
    return all.map((f) => ({ id: f.id, name: f.settings.name ?? null, state: f.state, round: f.round, version: f.version, createdAt: iso(f.createdAt)! }));
  }

  // ── Clients ───────────────────────────────────────────────────────────────────────────────────────────────────

  /** The client of a join token for federation `id`: 401 when it is none, 403 when revoked. Checks the round's deadline. */
  async authenticate(id: string, token: string | null): Promise<{ rt: Runtime; client: ClientRecord }> {
    const hash = token === null ? null : tokenHash(token);
    const rt = hash === null ? null : await this.runtime(id);
    const client = hash === null ? undefined : rt?.byToken.get(hash);
    if (!rt || !client) throw new ApiError(401, 'unauthorized', token === null ? 'A join token is needed: Authorization: Bearer <token>.' : 'This join token is not valid for this federation.');
    if (client.revokedAt !== null) throw new ApiError(403, 'revoked', 'This join token was revoked by the operator.');
    await checkRound(this.ctx, rt);
    return { rt, client };
  }

  config(rt: Runtime, client: ClientRecord): FederationConfigReply {
    const s = rt.record.settings;
    return { id: rt.record.id, clientId: client.clientId, settings: s, updateBytes: updateByteLength(s.parameterCount), normBound: updateNormBound(s.parameterCount, s.clipNorm, s.noiseMultiplier) };
  }

  weights(rt: Runtime) {
    if (!rt.weights) throw new ApiError(409, 'not-started', 'The federation has no initial weights yet.');
    return { bytes: rt.weights, record: rt.record };
  }

  roundStatus(rt: Runtime, client: ClientRecord): RoundStatusReply {
    const { record: r, live } = rt;
    let liveClients = 0;
    for (const c of rt.clients.values()) if (c.revokedAt === null) liveClients++;
    return {
      id: r.id,
      state: r.state,
      round: r.round,
      rounds: r.settings.rounds,
      version: r.version,
      deadline: iso(r.deadline),
      received: live?.received ?? 0,
      minClients: r.settings.minClients,
      liveClients,
      sent: live?.senders.has(client.clientId) ?? false,
      weightsSha256: r.weightsSha256,
      weightsUrl: federationPaths(r.id).weights
    };
  }

  upload(rt: Runtime, client: ClientRecord, input: UploadInput) {
    return acceptUpload(this.ctx, { budget: this.budget, reading: this.reading }, rt, client, input);
  }
}
