/**
 * Headless operator commands for a federation on a running aggregator:
 *
 *   npm run -s enclave -- federation create --server URL [--admin-token A] SPEC.json
 *   npm run -s enclave -- federation create --server URL [--admin-token A] SPEC.json --model BUNDLE.zip [--from-scratch] [--seed N]
 *   npm run -s enclave -- federation create --server URL [--admin-token A] SPEC.json --from-scratch
 *
 * SPEC.json is the create request (the protocol's CreateFederationSchema: model, parameterCount, rounds, minClients,
 * roundDeadlineSeconds, clipNorm, noiseMultiplier, delta, localEpochs, learningRate, batchSize, robust?, tokens) plus
 * the initial weights as exactly one of:
 *   "initialWeightsFile": "weights.f32"   raw little-endian float32, a path relative to SPEC.json's folder
 *   "initialWeightsBase64": "…"           the same bytes, base64
 * With --model BUNDLE.zip, SPEC.json holds the settings only: the bundle's model (a logistic regression or an MLP)
 * gives "model" (its fitted recipe, input columns, classes and algorithm: federatedModelOf), "parameterCount" and the
 * initial weights (the bundle model's own, or with --from-scratch the seeded init). --from-scratch without --model
 * takes SPEC.json's "model" (a federated model setting) and starts it from the seeded init.
 * The spec and weights are checked here first, then the federation is created and its weights PUT (opening round 1).
 * Prints { id, tokens: [{ clientId, token }], joinCodes: ["<id>.<token>", …] } — the join tokens are shown this once;
 * a join code is what an operator hands to one participant. The admin token may also come from ENCLAVE_ADMIN_TOKEN.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { glueValues } from './secret-args.ts';
import * as v from 'valibot';
import { EnclaveError } from '../src/lib/core/errors.ts';
import { parseSeed } from '../src/lib/core/seed.ts';
import { joinCodeOf } from '../src/lib/federated/http.ts';
import { CreateFederationReplySchema, CreateFederationSchema, ErrorReplySchema, float32View, updateByteLength, type CreateFederationRequest } from '../src/lib/federated/protocol.ts';

const WeightsSourceSchema = v.union([
  v.object({ initialWeightsFile: v.pipe(v.string(), v.minLength(1)), initialWeightsBase64: v.optional(v.never()) }),
  v.object({ initialWeightsBase64: v.pipe(v.string(), v.base64()), initialWeightsFile: v.optional(v.never()) })
]);

/** What comes from the bundle (or the seeded init) when one is given: a spec that sets it too has two sources. */
const FROM_MODEL = ['model', 'parameterCount', 'initialWeightsFile', 'initialWeightsBase64'] as const;
const WEIGHT_KEYS = ['initialWeightsFile', 'initialWeightsBase64'] as const;

async function readSpecObject(path: string): Promise<Record<string, unknown>> {
  const text = await readFile(path, 'utf8').catch(() => {
    throw new EnclaveError('not-found', `No such spec file: ${path}`);
  });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new EnclaveError('invalid-argument', `The spec file is not valid JSON: ${(e as Error).message}`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new EnclaveError('invalid-argument', 'The spec file must hold a JSON object.');
  return raw as Record<string, unknown>;
}

function settingsOf(rest: Record<string, unknown>): CreateFederationRequest {
  const settings = v.safeParse(CreateFederationSchema, rest);
  if (!settings.success) {
    const issue = settings.issues[0];
    throw new EnclaveError('invalid-argument', `The spec is not valid: ${v.getDotPath(issue) ?? 'spec'}: ${issue.message}`);
  }
  return settings.output;
}

function checkWeights(weights: Uint8Array, parameterCount: number): Uint8Array {
  const expected = updateByteLength(parameterCount);
  if (weights.byteLength !== expected)
    throw new EnclaveError('invalid-argument', `The initial weights are ${weights.byteLength} bytes; parameterCount ${parameterCount} needs exactly ${expected} (float32).`);
  const bad = float32View(weights).findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw new EnclaveError('non-finite', `Initial weight ${bad} is not a finite number.`);
  return weights;
}

/** SPEC.json with its own model and initial weights (a .f32 file or base64). */
async function readSpec(path: string, raw: Record<string, unknown>) {
  const { initialWeightsFile, initialWeightsBase64, ...rest } = raw;
  const source = v.safeParse(WeightsSourceSchema, { initialWeightsFile, initialWeightsBase64 });
  if (!source.success) throw new EnclaveError('invalid-argument', 'The spec needs exactly one of "initialWeightsFile" (a .f32 path) or "initialWeightsBase64" (or --model BUNDLE.zip, or --from-scratch).');
  const settings = settingsOf(rest);
  const s = source.output;
  const weights =
    'initialWeightsFile' in s && s.initialWeightsFile !== undefined
      ? new Uint8Array(
          await readFile(resolve(dirname(path), s.initialWeightsFile)).catch(() => {
            throw new EnclaveError('not-found', `No such weights file: ${s.initialWeightsFile}`);
          })
        )
      : new Uint8Array(Buffer.from(s.initialWeightsBase64!, 'base64'));
  return { settings, weights: checkWeights(weights, settings.parameterCount) };
}

const bytesOf = (w: Float32Array) => new Uint8Array(w.buffer, w.byteOffset, w.byteLength);

/** SPEC.json's settings with the model, parameter count and initial weights of a bundle (--model). */
async function specFromBundle(raw: Record<string, unknown>, bundlePath: string, opts: { fromScratch: boolean; seed?: number }) {
  const twice = FROM_MODEL.filter((k) => k in raw);
  if (twice.length)
    throw new EnclaveError('invalid-argument', `With --model, SPEC.json holds the settings only; it sets ${twice.map((k) => `"${k}"`).join(', ')}, which the bundle gives (the model, its parameter count and the initial weights). Remove ${twice.length === 1 ? 'it' : 'them'}.`, { keys: twice });
  const bytes = await readFile(bundlePath).catch(() => {
    throw new EnclaveError('not-found', `No such model bundle: ${bundlePath}`);
  });
  // The bundle reader and the network code (tfjs) load only on this path.
  const { readBundle } = await import('../src/lib/services/bundle/index.ts');
  const { federationStartOf } = await import('../src/lib/federated/bundle.ts');
  const { parameterCount } = await import('../src/lib/federated/model-spec.ts');
  const start = federationStartOf(await readBundle(new Uint8Array(bytes)), opts);
  const settings = settingsOf({ ...raw, model: start.model, parameterCount: parameterCount(start.model) });
  return { settings, weights: checkWeights(bytesOf(start.weights), settings.parameterCount) };
}

/** SPEC.json's own model setting, started from the seeded init (--from-scratch without --model). */
async function specFromScratch(raw: Record<string, unknown>) {
  const given = WEIGHT_KEYS.filter((k) => k in raw);
  if (given.length) throw new EnclaveError('invalid-argument', `--from-scratch starts from the seeded init, but SPEC.json also gives initial weights (${given.map((k) => `"${k}"`).join(', ')}): keep one of the two.`, { keys: given });
  const { parseFederatedModel, parameterCount, seededWeights } = await import('../src/lib/federated/model-spec.ts');
  const model = parseFederatedModel(raw.model);
  const count = parameterCount(model);
  const settings = settingsOf({ parameterCount: count, ...raw });
  if (settings.parameterCount !== count)
    throw new EnclaveError('invalid-argument', `SPEC.json says parameterCount ${settings.parameterCount}, but its model has ${count} weights.`);
  return { settings, weights: checkWeights(bytesOf(seededWeights(model)), count) };
}

/** A fetch to the aggregator; a refusal becomes an EnclaveError carrying the server's status and code. */
async function call(url: string, init: RequestInit, what: string): Promise<unknown> {
  const res = await fetch(url, init).catch((e: Error) => {
    throw new EnclaveError('not-found', `Could not reach the aggregator at ${url}: ${e.message}`);
  });
  const body: unknown = await res.json().catch(() => null);
  if (res.ok) return body;
  const err = v.safeParse(ErrorReplySchema, body);
  const reason = err.success ? `${err.output.code}: ${err.output.message}` : `HTTP ${res.status}`;
  throw new EnclaveError('invalid-argument', `The aggregator refused to ${what} (${reason})`, { status: res.status, code: err.success ? err.output.code : null });
}

function options(args: string[]) {
  try {
    return parseArgs({
      args: glueValues(args, ['--admin-token']),
      allowPositionals: true,
      options: { server: { type: 'string' }, 'admin-token': { type: 'string' }, model: { type: 'string' }, 'from-scratch': { type: 'boolean' }, seed: { type: 'string' } }
    });
  } catch (e) {
    // node:util's own TypeError (an unknown option, a missing value) as a coded error.
    throw new EnclaveError('invalid-argument', `${(e as Error).message}. usage: federation create --server URL [--admin-token A] SPEC.json [--model BUNDLE.zip] [--from-scratch] [--seed N]`);
  }
}

export interface CreatedFederation {
  id: string;
  tokens: { clientId: string; token: string }[];
  /** "<id>.<token>" per token: what each participant pastes (or passes to `enclave federate --token`). */
  joinCodes: string[];
}

export async function federationCreate(args: string[]): Promise<CreatedFederation> {
  const { values, positionals } = options(args);
  const [specPath] = positionals;
  if (!values.server) throw new EnclaveError('invalid-argument', 'federation create needs --server URL (the aggregator).');
  const admin = values['admin-token'] ?? process.env.ENCLAVE_ADMIN_TOKEN;
  if (!admin) throw new EnclaveError('invalid-argument', 'federation create needs --admin-token A (or ENCLAVE_ADMIN_TOKEN).');
  if (!specPath) throw new EnclaveError('invalid-argument', 'federation create needs a SPEC.json.');
  if (values.seed !== undefined && !values.model) throw new EnclaveError('invalid-argument', '--seed sets the seed of the model taken from --model BUNDLE.zip; without --model, SPEC.json\'s model has its own.');
  const seed = values.seed === undefined ? undefined : parseSeed(values.seed, '--seed');
  const fromScratch = values['from-scratch'] ?? false;
  const origin = values.server.replace(/\/+$/, '');
  const raw = await readSpecObject(specPath);
  const { settings, weights } = values.model
    ? await specFromBundle(raw, values.model, { fromScratch, ...(seed !== undefined ? { seed } : {}) })
    : fromScratch
      ? await specFromScratch(raw)
      : await readSpec(specPath, raw);
  const headers = { authorization: `Bearer ${admin}` };
  const created = v.parse(
    CreateFederationReplySchema,
    await call(`${origin}/api/federations`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(settings) }, 'create the federation')
  );
  await call(
    origin + created.initialWeightsUrl,
    { method: 'PUT', headers: { ...headers, 'content-type': 'application/octet-stream' }, body: weights as Uint8Array<ArrayBuffer> },
    `take the initial weights of federation ${created.id} (it exists, awaiting them: PUT them to ${created.initialWeightsUrl})`
  );
  return { id: created.id, tokens: created.tokens, joinCodes: created.tokens.map((t) => joinCodeOf(created.id, t.token)) };
}

/** `federation <subcommand> …` */
export async function federationCommand(args: string[]) {
  const [sub, ...rest] = args;
  if (sub === 'create') return federationCreate(rest);
  throw new EnclaveError('invalid-argument', `Unknown federation command "${sub ?? ''}": the one there is is "federation create".`);
}
