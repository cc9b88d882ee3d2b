/**
 * The client side of the federation API (protocol.ts): every reply parsed with the protocol's schemas, every refusal
 * turned into an EnclaveError with the server's reason. `fetch` is injected so the studio's worker and the Node
 * client share this code (and tests can watch the exchanges).
 */
import * as v from 'valibot';
import { EnclaveError } from '../core/errors.ts';
import {
  ErrorReplySchema,
  federationPaths,
  FederationConfigReplySchema,
  float32View,
  HEADERS,
  RoundStatusReplySchema,
  sha256Hex,
  UpdateReplySchema,
  type FederationConfigReply,
  type RoundStatusReply,
  type UpdateReply
} from './protocol.ts';

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export interface RetryOptions {
  /** Tries per exchange, the first included (default 6). */
  attempts?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  signal?: AbortSignal;
}

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(new EnclaveError('cancelled', 'Cancelled.'));
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), reject(new EnclaveError('cancelled', 'Cancelled.'))), { once: true });
  });

export interface JoinDetails {
  /** The aggregator's address (the studio's own origin when it serves the studio). */
  server: string;
  federation: string;
  token: string;
}

/**
 * What an operator hands out: "<federation id>.<join token>" (one string to paste), or the two apart. The id is 22
 * characters and the token 43, both base64url, so the dot cannot be part of either.
 */
export function parseJoinCode(code: string, federation?: string): { federation: string; token: string } {
  const text = code.trim();
  const dot = text.indexOf('.');
  if (dot > 0) return { federation: text.slice(0, dot), token: text.slice(dot + 1) };
  if (!federation) throw new EnclaveError('invalid-argument', 'A join code is the federation id and the token joined by a dot ("<id>.<token>"), as the operator received them.');
  return { federation: federation.trim(), token: text };
}

export function joinCodeOf(federation: string, token: string): string {
  return `${federation}.${token}`;
}

/** The weights served for the open round (or the final ones), with their round and hash checked. */
export interface GlobalWeights {
  weights: Float32Array;
  sha256: string;
  version: number;
  round: number | null;
}

export class FederationHttp {
  private readonly paths: ReturnType<typeof federationPaths>;
  constructor(
    private readonly join: JoinDetails,
    private readonly fetchImpl: Fetch = (input, init) => fetch(input, init),
    private readonly retry: RetryOptions = {}
  ) {
    this.paths = federationPaths(join.federation);
  }

  private url(path: string): string {
    return new URL(path, this.join.server).toString();
  }

  /**
   * One exchange. A rate limit (429) waits the Retry-After the server named, and an unreachable or failing server
   * (5xx, a dropped connection: an aggregator restarting) waits 1, 2, 4 … s, up to `attempts` tries in all; other
   * refusals are final. Uploads are idempotent on the server (a resend of the same bytes is answered, not counted).
   */
  private async request(path: string, init: RequestInit = {}): Promise<Response> {
    const attempts = this.retry.attempts ?? 6;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(path, init);
      } catch (err) {
        const e = err as EnclaveError;
        const status = typeof e.detail?.status === 'number' ? e.detail.status : 0;
        const transient = e.code === 'unavailable' || status === 429;
        if (!transient || attempt >= attempts) throw err;
        const wait = status === 429 ? 1000 * (Number(e.detail?.retryAfter) || 1) : 1000 * 2 ** (attempt - 1);
        await (this.retry.sleep ?? defaultSleep)(wait, this.retry.signal);
      }
    }
  }

  private async once(path: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('Authorization', `Bearer ${this.join.token}`);
    let res: Response;
    try {
      res = await this.fetchImpl(this.url(path), { ...init, headers, cache: 'no-store', ...(this.retry.signal ? { signal: this.retry.signal } : {}) });
    } catch (err) {
      if (this.retry.signal?.aborted) throw new EnclaveError('cancelled', 'Cancelled.');
      throw new EnclaveError('unavailable', `The aggregator at ${this.join.server} could not be reached (${err instanceof Error ? err.message : String(err)}). Check the address: the client tries again on its own a few times before it gives up.`, { server: this.join.server });
    }
    if (res.ok || res.status === 304) return res;
    const body = await res.json().catch(() => null);
    const parsed = v.safeParse(ErrorReplySchema, body);
    const reason = parsed.success ? parsed.output.message : `HTTP ${res.status}`;
    const retryAfter = Number(res.headers.get('retry-after')) || undefined;
    throw new EnclaveError(res.status >= 500 ? 'unavailable' : 'refused', `The aggregator refused: ${reason}`, { status: res.status, ...(parsed.success ? { reason: parsed.output.code } : {}), ...(retryAfter ? { retryAfter } : {}) });
  }

  private async json<T>(path: string, schema: v.GenericSchema<unknown, T>, what: string): Promise<T> {
    const body = await (await this.request(path)).json().catch(() => null);
    const r = v.safeParse(schema, body);
    if (!r.success) throw new EnclaveError('invalid-argument', `The aggregator's ${what} is not in the federation protocol (${v.getDotPath(r.issues[0]) ?? 'reply'}: ${r.issues[0].message}).`);
    return r.output;
  }

  config(): Promise<FederationConfigReply> {
    return this.json(this.paths.config, FederationConfigReplySchema, 'configuration');
  }

  round(): Promise<RoundStatusReply> {
    return this.json(this.paths.round, RoundStatusReplySchema, 'round status');
  }

  async weights(parameterCount: number): Promise<GlobalWeights> {
    const res = await this.request(this.paths.weights);
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (bytes.byteLength !== parameterCount * 4)
      throw new EnclaveError('invalid-argument', `The global weights are ${bytes.byteLength} bytes; this federation's model needs ${parameterCount * 4}.`);
    const sha256 = await sha256Hex(bytes);
    const claimed = res.headers.get(HEADERS.weightsSha256);
    if (claimed !== sha256) throw new EnclaveError('invalid-argument', 'The global weights do not match the hash the aggregator sent with them: they were altered or cut short on the way.');
    const weights = float32View(bytes);
    if (!weights.every(Number.isFinite)) throw new EnclaveError('invalid-argument', 'The global weights hold values that are not finite numbers.');
    const round = res.headers.get(HEADERS.round);
    return { weights, sha256, version: Number(res.headers.get(HEADERS.version) ?? 0), round: round === null ? null : Number(round) };
  }

  async upload(round: number, clientId: string, baseSha256: string, update: Float32Array): Promise<UpdateReply> {
    const body = new Uint8Array(update.buffer, update.byteOffset, update.byteLength);
    const res = await this.request(this.paths.update(round), {
      method: 'PUT',
      headers: { 'Content-Type': 'application/octet-stream', [HEADERS.client]: clientId, [HEADERS.baseSha256]: baseSha256 },
      body: body as Uint8Array<ArrayBuffer>
    });
    const r = v.safeParse(UpdateReplySchema, await res.json().catch(() => null));
    if (!r.success) throw new EnclaveError('invalid-argument', 'The aggregator accepted the update but its reply is not in the federation protocol.');
    return r.output;
  }
}
