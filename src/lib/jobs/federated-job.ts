/**
 * The federated worker's jobs. `federate`: join a federation with one of this device's datasets (or resume one joined
 * before), run the client loop (federated/client.ts) while recording its progress in the store, and register the
 * final global model as a model version (so Deploy and Monitor take it like any other). `createFederation`: the
 * operator's side in the studio — a federation whose model is a registered version (its fitted recipe, columns,
 * algorithm) and whose starting weights are that version's (or the seeded init), created on the aggregator with the
 * admin token; returns the join codes to hand out. The rows and the un-noised updates never leave this worker.
 */
import { EnclaveError } from '../core/errors.ts';
import { runFederatedClient, type FederatedClientResult, type FederatedProgress } from '../federated/client.ts';
import { joinCodeOf, parseJoinCode } from '../federated/http.ts';
import { federatedModelOf, flatWeights, networkOf, parameterCount, seededWeights } from '../federated/model-spec.ts';
import { CreateFederationReplySchema, FEDERATIONS_PATH, type FederationSettings, type RobustAggregation } from '../federated/protocol.ts';
import { initBackend } from '../ml/backend.ts';
import { NetworkModel, type NetworkSpec } from '../ml/models/network.ts';
import { modelFromJSON } from '../ml/train.ts';
import { db as defaultDb, type EnclaveDB, type FederationRecord, type ModelRecord } from '../store/db.ts';
import { getFederation, putFederation, updateFederation } from '../store/federations.ts';
import { loadTable } from '../store/load-table.ts';
import { federatedRunId, getModel, registerImportedModel } from '../store/models.ts';
import { getArtifact } from '../store/runs.ts';
import * as v from 'valibot';

export interface JoinRequest {
  /** The aggregator's address; default in the page: its own origin. */
  server: string;
  /** "<federation id>.<token>", as the operator handed it out. */
  joinCode: string;
  /** The dataset version (content hash) this device trains on. */
  source: string;
  maxEpsilon?: number;
}

export type FederateRequest = JoinRequest | { resume: string };

export interface FederateProgress extends FederatedProgress {
  /** The local record's id (known from the first event: the page keeps it to cancel or resume). */
  local: string;
}

interface Options {
  database?: EnclaveDB;
  signal?: AbortSignal;
  onProgress?: (p: FederateProgress) => void;
}

export async function federate(req: FederateRequest, opts: Options = {}): Promise<{ federation: FederationRecord; model?: ModelRecord }> {
  const database = opts.database ?? defaultDb();
  const record = 'resume' in req ? await resumable(database, req.resume) : await newRecord(database, req);
  const table = await loadTable(database, record.source);
  await initBackend('auto');
  let result: FederatedClientResult;
  try {
    result = await runFederatedClient({
      join: { server: record.server, federation: record.federation, token: record.token },
      table,
      ...(record.maxEpsilon !== undefined ? { maxEpsilon: record.maxEpsilon } : {}),
      ...(record.pinned ? { pinned: record.pinned } : {}),
      roundsJoined: record.roundsJoined,
      ...(opts.signal ? { signal: opts.signal } : {}),
      onJoined: async ({ clientId, model, settings, pinned }) => {
        await updateFederation(database, record.id, { clientId, name: model.name, pinned, rounds: settings.rounds, status: 'running' });
      },
      onUploaded: async ({ roundsJoined }) => {
        await updateFederation(database, record.id, { roundsJoined });
      },
      onProgress: (p) => {
        opts.onProgress?.({ ...p, local: record.id });
        // The store follows at its own pace; the page reads the events.
        void updateFederation(database, record.id, { epsilon: p.epsilon, epsilonImproved: p.epsilonImproved, history: p.history, message: p.message }).catch(() => undefined);
      }
    });
  } catch (err) {
    const e = err instanceof EnclaveError ? err : new EnclaveError('internal', String(err));
    await updateFederation(database, record.id, { status: e.code === 'cancelled' ? 'cancelled' : 'failed', message: e.message }).catch(() => undefined);
    throw err;
  }
  const model = await registerGlobal(database, record, result);
  const federation = await updateFederation(database, record.id, {
    status: result.ended === 'finished' ? 'finished' : 'stopped',
    roundsJoined: result.roundsJoined,
    epsilon: result.epsilon,
    epsilonImproved: result.epsilonImproved,
    history: result.history,
    model: model.id,
    message: `${result.ended === 'finished' ? `Finished after ${result.version} rounds` : `Stopped at your privacy limit after ${result.roundsJoined} rounds`}: registered as ${model.name} ${model.version}.`
  });
  return { federation, model };
}

async function newRecord(database: EnclaveDB, req: JoinRequest): Promise<FederationRecord> {
  const { federation, token } = parseJoinCode(req.joinCode);
  let server: string;
  try {
    server = new URL(req.server).origin;
  } catch {
    throw new EnclaveError('invalid-argument', `"${req.server}" is not a web address (like https://federation.example.org).`);
  }
  if (req.maxEpsilon !== undefined && !(req.maxEpsilon > 0)) throw new EnclaveError('invalid-argument', 'The privacy limit ε must be a number above 0.');
  const now = Date.now();
  const record: FederationRecord = {
    id: crypto.randomUUID(),
    server,
    federation,
    token,
    source: req.source,
    ...(req.maxEpsilon !== undefined ? { maxEpsilon: req.maxEpsilon } : {}),
    roundsJoined: 0,
    epsilon: 0,
    epsilonImproved: 0,
    history: [],
    status: 'joining',
    message: 'Joining…',
    created: now,
    updated: now
  };
  await putFederation(database, record);
  return record;
}

async function resumable(database: EnclaveDB, id: string): Promise<FederationRecord> {
  const record = await getFederation(database, id);
  if (!record) throw new EnclaveError('not-found', 'That federation is no longer stored on this device.');
  if (record.status === 'finished') throw new EnclaveError('invalid-argument', 'That federation already finished; its model is registered.');
  return updateFederation(database, id, { status: 'running', message: 'Resuming…' });
}

/** The final global weights as a model version: named by the federation, scored on this device's own splits. */
async function registerGlobal(database: EnclaveDB, record: FederationRecord, r: FederatedClientResult): Promise<ModelRecord> {
  const net = networkOf(r.model, r.weights);
  const saved = net.toJSON();
  net.dispose();
  const metrics = { validation: { ...r.metrics.validation }, test: { ...r.metrics.test } } as Record<'validation' | 'test', Record<string, number | null>>;
  return registerImportedModel(
    database,
    {
      manifest: { name: r.model.name, version: '1.0.0', contentHash: r.weightsSha256, features: r.model.features, target: r.model.target, task: 'classification', classNames: r.model.classNames, inputSchema: r.model.inputSchema.map((f) => ({ ...f })), metrics },
      model: saved,
      recipe: r.model.fitted
    },
    { run: federatedRunId(record.federation, r.weightsSha256), source: record.source }
  );
}

export interface CreateFederationRequest {
  server: string;
  adminToken: string;
  /** The model version whose recipe, columns and algorithm the federation trains. */
  model: string;
  /** Start from the version's own weights (default) or from the seeded init. */
  start: 'model' | 'scratch';
  settings: Omit<FederationSettings, 'model' | 'parameterCount' | 'name'> & { tokens: number; robust?: RobustAggregation };
}

export interface CreatedFederation {
  id: string;
  name: string;
  parameterCount: number;
  joinCodes: string[];
}

export async function createFederation(req: CreateFederationRequest, opts: Options = {}): Promise<CreatedFederation> {
  const database = opts.database ?? defaultDb();
  const version = await getModel(database, req.model);
  await initBackend('auto');
  const trained = modelFromJSON(await getArtifact(database, version.run));
  let initial: Float32Array;
  let spec: NetworkSpec;
  try {
    if (!(trained instanceof NetworkModel) || (trained.spec.algorithm !== 'logistic' && trained.spec.algorithm !== 'mlp'))
      throw new EnclaveError('invalid-argument', `${version.name} ${version.version} is ${trained.spec.algorithm === 'ensemble' ? 'an ensemble' : trained.spec.algorithm}: a federation averages the weights of one logistic regression or MLP. Train one of those first.`);
    spec = trained.spec;
    initial = flatWeights(trained);
  } finally {
    trained.dispose();
  }
  const model = federatedModelOf({ ...version, name: `${version.name}-federated` }, spec, 42);
  if (req.start === 'scratch') initial = seededWeights(model);
  const base = new URL(req.server).origin;
  const auth = { Authorization: `Bearer ${req.adminToken}` };
  const body = { ...req.settings, name: model.name, model, parameterCount: parameterCount(model) };
  const created = await call(`${base}${FEDERATIONS_PATH}`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify(body) }, opts.signal);
  const reply = v.safeParse(CreateFederationReplySchema, await created.json());
  if (!reply.success) throw new EnclaveError('refused', 'The aggregator created the federation but its reply is not in the federation protocol.');
  await call(new URL(reply.output.initialWeightsUrl, base).toString(), { method: 'PUT', headers: { ...auth, 'Content-Type': 'application/octet-stream' }, body: new Uint8Array(initial.buffer, initial.byteOffset, initial.byteLength) as Uint8Array<ArrayBuffer> }, opts.signal);
  return { id: reply.output.id, name: model.name, parameterCount: body.parameterCount, joinCodes: reply.output.tokens.map((t) => joinCodeOf(reply.output.id, t.token)) };
}

async function call(url: string, init: RequestInit, signal?: AbortSignal): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, ...(signal ? { signal } : {}) });
  } catch (err) {
    throw new EnclaveError('unavailable', `The aggregator could not be reached (${err instanceof Error ? err.message : String(err)}).`);
  }
  if (res.ok) return res;
  const reason = await res.json().then((b: { message?: unknown }) => (typeof b?.message === 'string' ? b.message : `HTTP ${res.status}`)).catch(() => `HTTP ${res.status}`);
  throw new EnclaveError('refused', `The aggregator refused: ${reason}`, { status: res.status });
}
