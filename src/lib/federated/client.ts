/**
 * A federation client, start to finish: the studio's federated job and `enclave federate` both run this loop. Join
 * (read the settings, check that the person's data fits the federation's input columns, pin C, z and δ), then each
 * round: fetch the global weights, score them on the person's own validation split, check the privacy budget, train
 * locally from them, clip and noise Δ, upload; then wait for the next weights at the time the upload's reply named,
 * reading the round status now and then (neither side ever waits on the other). At the end, the final global weights
 * are scored on the validation and the sealed test split and returned to be registered.
 *
 * Privacy, per client: every round the client takes part in is one Gaussian mechanism on its whole data (sensitivity
 * C, noise zC), with no subsampling amplification (q = 1: the server does not sample clients at random), composed in
 * Rényi DP over the rounds joined and converted to (ε, δ) at the federation's δ (accountant.ts).
 */
import { EnclaveError, throwIfAborted } from '../core/errors.ts';
import type { Table } from '../core/table.ts';
import type { Scores } from '../ml/models/score.ts';
import { scoreModel } from '../ml/models/score.ts';
import { privacySpent } from './accountant.ts';
import { FederationHttp, type Fetch, type GlobalWeights, type JoinDetails } from './http.ts';
import { localData, type LocalData } from './local-data.ts';
import { localUpdate } from './local-update.ts';
import { networkOf, parameterCount, parseFederatedModel, type FederatedModel } from './model-spec.ts';
import type { RandomFill } from './noise.ts';
import type { FederationSettings, RoundStatusReply } from './protocol.ts';

/** The privacy settings a client accepted when it joined; a federation that later weakens any of them is refused. */
export interface PinnedPrivacy {
  clipNorm: number;
  noiseMultiplier: number;
  delta: number;
}

export interface RoundRecord {
  /** Global weights version (rounds applied) that was scored. */
  version: number;
  validation: Scores;
}

export interface FederatedProgress {
  stage: 'joining' | 'waiting' | 'training' | 'uploading' | 'finished' | 'stopped';
  /** What is happening, in words. */
  message: string;
  round: number | null;
  rounds: number;
  received: number;
  minClients: number;
  liveClients: number;
  roundsJoined: number;
  /** ε at the federation's δ after the rounds joined (classic and Balle et al. 2020 conversions). */
  epsilon: number;
  epsilonImproved: number;
  delta: number;
  /** The global model's score on the person's validation split after each version seen. */
  history: RoundRecord[];
  /** When the next weights are expected (ISO), while waiting. */
  expectedAt?: string;
}

export interface FederatedClientOptions {
  join: JoinDetails;
  table: Table;
  /** Stop before a round that would take ε above this (at the federation's δ). Default: no limit. */
  maxEpsilon?: number;
  /** Settings accepted earlier (a resumed client); default: those read at this join. */
  pinned?: PinnedPrivacy;
  /** Rounds already joined (a resumed client): the accountant counts them. */
  roundsJoined?: number;
  seed?: number;
  signal?: AbortSignal;
  onProgress?: (p: FederatedProgress) => void;
  /** Called once the settings are read and pinned (the job stores them before the first upload). */
  onJoined?: (info: { clientId: string; model: FederatedModel; settings: FederationSettings; pinned: PinnedPrivacy }) => void | Promise<void>;
  /** Called after each accepted upload (the job records the rounds joined: they count against the budget). */
  onUploaded?: (info: { round: number; roundsJoined: number }) => void | Promise<void>;
  fetch?: Fetch;
  /** How often to read the round status while waiting (ms). Default 2,000. */
  pollMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: RandomFill;
}

export interface FederatedClientResult {
  model: FederatedModel;
  weights: Float32Array;
  weightsSha256: string;
  version: number;
  /** The final global model on the person's own splits. */
  metrics: { validation: Scores; test: Scores };
  history: RoundRecord[];
  roundsJoined: number;
  epsilon: number;
  epsilonImproved: number;
  delta: number;
  /** 'finished': the federation ran all its rounds; 'budget': this client stopped before exceeding its ε. */
  ended: 'finished' | 'budget';
  clientId: string;
  local: { train: number; validation: number; test: number };
}

const abortableSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(new EnclaveError('cancelled', 'Cancelled.'));
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), reject(new EnclaveError('cancelled', 'Cancelled.'))), { once: true });
  });

/** Refuses settings weaker than the pinned ones: a larger clip norm, less noise, or a larger δ. */
export function checkPinned(pinned: PinnedPrivacy, s: Pick<FederationSettings, 'clipNorm' | 'noiseMultiplier' | 'delta'>): void {
  const weaker: string[] = [];
  if (s.clipNorm > pinned.clipNorm) weaker.push(`clip norm C ${s.clipNorm} (was ${pinned.clipNorm})`);
  if (s.noiseMultiplier < pinned.noiseMultiplier) weaker.push(`noise multiplier z ${s.noiseMultiplier} (was ${pinned.noiseMultiplier})`);
  if (s.delta > pinned.delta) weaker.push(`δ ${s.delta} (was ${pinned.delta})`);
  if (weaker.length)
    throw new EnclaveError('privacy', `The federation now asks for weaker privacy than you joined with: ${weaker.join(', ')}. Nothing more was sent.`, { weaker });
}

export async function runFederatedClient(opts: FederatedClientOptions): Promise<FederatedClientResult> {
  const { signal } = opts;
  const sleep = opts.sleep ?? abortableSleep;
  const pollMs = opts.pollMs ?? 2000;
  const http = new FederationHttp(opts.join, opts.fetch, { sleep, ...(signal ? { signal } : {}) });
  const config = await http.config();
  const model = parseFederatedModel(config.settings.model);
  const settings = config.settings;
  if (parameterCount(model) !== settings.parameterCount)
    throw new EnclaveError('invalid-argument', `The federation's model has ${parameterCount(model)} weights but its settings say ${settings.parameterCount}.`);
  const pinned = opts.pinned ?? { clipNorm: settings.clipNorm, noiseMultiplier: settings.noiseMultiplier, delta: settings.delta };
  checkPinned(pinned, settings);
  const seed = ((opts.seed ?? model.seed) ^ Number(config.clientId.slice(2))) >>> 0;
  const data = localData(opts.table, model, seed);
  await opts.onJoined?.({ clientId: config.clientId, model, settings, pinned });

  let roundsJoined = opts.roundsJoined ?? 0;
  const history: RoundRecord[] = [];
  const spent = (rounds: number) => privacySpent({ q: 1, sigma: pinned.noiseMultiplier, steps: rounds, delta: pinned.delta });
  let status: RoundStatusReply = await http.round();
  let expectedAt: string | undefined;
  const report = (stage: FederatedProgress['stage'], message: string) => {
    const p = spent(roundsJoined);
    opts.onProgress?.({ stage, message, round: status.round, rounds: status.rounds, received: status.received, minClients: status.minClients, liveClients: status.liveClients, roundsJoined, epsilon: p.epsilon, epsilonImproved: p.epsilonImproved, delta: pinned.delta, history: [...history], ...(expectedAt ? { expectedAt } : {}) });
  };
  const scoreVersion = async (g: GlobalWeights) => {
    if (history.some((h) => h.version === g.version) || data.validation.n === 0) return;
    const net = networkOf(model, g.weights);
    try {
      history.push({ version: g.version, validation: await scoreModel(net, data.validation) });
    } finally {
      net.dispose();
    }
  };
  report('joining', `Joined as ${config.clientId}: ${data.train.n} of your rows train locally, ${data.validation.n} score each global model.`);

  for (;;) {
    throwIfAborted(signal);
    if (status.state === 'finished') break;
    if (status.state !== 'open' || status.round === null || status.sent) {
      report('waiting', status.state === 'awaiting-weights' ? 'Waiting for the operator to start round 1.' : `Round ${status.round}: your update is in; waiting for the others (${status.received} of at least ${status.minClients}).`);
      status = await waitForChange(http, status, { sleep, pollMs, ...(signal ? { signal } : {}) });
      continue;
    }
    const next = spent(roundsJoined + 1);
    if (opts.maxEpsilon !== undefined && next.epsilon > opts.maxEpsilon) {
      report('stopped', `Round ${status.round} would bring ε to ${next.epsilon.toFixed(2)}, over your limit of ${opts.maxEpsilon}: this client stops here.`);
      return finish('budget');
    }
    const global = await http.weights(settings.parameterCount);
    if (global.round !== status.round) {
      status = await http.round(); // a round closed between the two reads
      continue;
    }
    await scoreVersion(global);
    report('training', `Round ${status.round}: training ${settings.localEpochs} local epoch${settings.localEpochs === 1 ? '' : 's'} from the global weights.`);
    const local = await localUpdate(model, global.weights, data.train, settings, { seed: (seed + status.round) >>> 0, ...(signal ? { signal } : {}), ...(opts.random ? { random: opts.random } : {}) });
    throwIfAborted(signal);
    // The settings are read again right before anything leaves: a federation weakened mid-round gets nothing.
    checkPinned(pinned, (await http.config()).settings);
    report('uploading', `Round ${status.round}: sending the clipped, noised update (${(settings.parameterCount * 4).toLocaleString('en')} bytes).`);
    try {
      const reply = await http.upload(status.round, config.clientId, global.sha256, local.update);
      expectedAt = reply.next.expectedAt;
      roundsJoined++;
      await opts.onUploaded?.({ round: reply.round, roundsJoined });
    } catch (err) {
      // Stale weights or a round that closed meanwhile: read the status again and carry on; anything else stops.
      if (!(err instanceof EnclaveError && err.code === 'refused' && err.detail?.status === 409)) throw err;
    } finally {
      local.update.fill(0);
    }
    status = await http.round();
  }
  return finish('finished');

  async function finish(ended: FederatedClientResult['ended']): Promise<FederatedClientResult> {
    const final = await http.weights(settings.parameterCount);
    await scoreVersion(final);
    const net = networkOf(model, final.weights);
    try {
      const metrics = { validation: await scoreModel(net, data.validation), test: await scoreModel(net, data.test) };
      const p = spent(roundsJoined);
      expectedAt = undefined;
      report(ended === 'finished' ? 'finished' : 'stopped', ended === 'finished' ? `The federation finished after ${final.version} rounds.` : 'Stopped at your privacy limit.');
      return { model, weights: final.weights, weightsSha256: final.sha256, version: final.version, metrics, history, roundsJoined, epsilon: p.epsilon, epsilonImproved: p.epsilonImproved, delta: pinned.delta, ended, clientId: config.clientId, local: localSizes(data) };
    } finally {
      net.dispose();
    }
  }
}

const localSizes = (d: LocalData) => ({ train: d.train.n, validation: d.validation.n, test: d.test.n });

/** Reads the round status until it differs from `before` (another round, another state), without busy-waiting. */
async function waitForChange(http: FederationHttp, before: RoundStatusReply, o: { sleep: (ms: number, s?: AbortSignal) => Promise<void>; pollMs: number; signal?: AbortSignal }): Promise<RoundStatusReply> {
  for (let failures = 0; ; ) {
    throwIfAborted(o.signal);
    // Until the expected close, a read every pollMs shows the others arriving; a round that closes early is seen too.
    await o.sleep(o.pollMs, o.signal);
    try {
      const now = await http.round();
      failures = 0;
      if (now.state !== before.state || now.round !== before.round || now.sent !== before.sent) return now;
      if (now.received !== before.received) return now; // new arrivals: the caller reports them and waits again
    } catch (err) {
      // An aggregator restarting or a rate limit: back off (up to a minute) and try again; refusals stop the client.
      if (!(err instanceof EnclaveError) || (err.code !== 'unavailable' && !(err.code === 'refused' && err.detail?.status === 429))) throw err;
      failures++;
      await o.sleep(Math.min(60_000, o.pollMs * 2 ** Math.min(failures, 5)), o.signal);
    }
  }
}
