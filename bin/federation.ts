/**
 * Headless operator commands for a federation on a running aggregator:
 *
 *   npm run -s enclave -- federation create --server URL [--admin-token A] SPEC.json
 *
 * SPEC.json is the create request (the protocol's CreateFederationSchema: model, parameterCount, rounds, minClients,
 * roundDeadlineSeconds, clipNorm, noiseMultiplier, delta, localEpochs, learningRate, batchSize, robust?, tokens) plus
 * the initial weights as exactly one of:
 *   "initialWeightsFile": "weights.f32"   raw little-endian float32, a path relative to SPEC.json's folder
 *   "initialWeightsBase64": "…"           the same bytes, base64
 * The spec and weights are checked here first, then the federation is created and its weights PUT (opening round 1).
 * Prints { id, tokens: [{ clientId, token }] } — the join tokens are shown this once. The admin token may also come
 * from ENCLAVE_ADMIN_TOKEN.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as v from 'valibot';
import { EnclaveError } from '../src/lib/core/errors.ts';
import { CreateFederationReplySchema, CreateFederationSchema, ErrorReplySchema, float32View, updateByteLength } from '../src/lib/federated/protocol.ts';

const WeightsSourceSchema = v.union([
  v.object({ initialWeightsFile: v.pipe(v.string(), v.minLength(1)), initialWeightsBase64: v.optional(v.never()) }),
  v.object({ initialWeightsBase64: v.pipe(v.string(), v.base64()), initialWeightsFile: v.optional(v.never()) })
]);

async function readSpec(path: string) {
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
  const { initialWeightsFile, initialWeightsBase64, ...rest } = raw as Record<string, unknown>;
  const source = v.safeParse(WeightsSourceSchema, { initialWeightsFile, initialWeightsBase64 });
  if (!source.success) throw new EnclaveError('invalid-argument', 'The spec needs exactly one of "initialWeightsFile" (a .f32 path) or "initialWeightsBase64".');
  const settings = v.safeParse(CreateFederationSchema, rest);
  if (!settings.success) {
    const issue = settings.issues[0];
    throw new EnclaveError('invalid-argument', `The spec is not valid: ${v.getDotPath(issue) ?? 'spec'}: ${issue.message}`);
  }
  const s = source.output;
  const weights =
    'initialWeightsFile' in s && s.initialWeightsFile !== undefined
      ? new Uint8Array(
          await readFile(resolve(dirname(path), s.initialWeightsFile)).catch(() => {
            throw new EnclaveError('not-found', `No such weights file: ${s.initialWeightsFile}`);
          })
        )
      : new Uint8Array(Buffer.from(s.initialWeightsBase64!, 'base64'));
  const expected = updateByteLength(settings.output.parameterCount);
  if (weights.byteLength !== expected)
    throw new EnclaveError('invalid-argument', `The initial weights are ${weights.byteLength} bytes; parameterCount ${settings.output.parameterCount} needs exactly ${expected} (float32).`);
  const bad = float32View(weights).findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw new EnclaveError('non-finite', `Initial weight ${bad} is not a finite number.`);
  return { settings: settings.output, weights };
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

export async function federationCreate(args: string[]) {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { server: { type: 'string' }, 'admin-token': { type: 'string' } } });
  const [specPath] = positionals;
  if (!values.server) throw new EnclaveError('invalid-argument', 'federation create needs --server URL (the aggregator).');
  const admin = values['admin-token'] ?? process.env.ENCLAVE_ADMIN_TOKEN;
  if (!admin) throw new EnclaveError('invalid-argument', 'federation create needs --admin-token A (or ENCLAVE_ADMIN_TOKEN).');
  if (!specPath) throw new EnclaveError('invalid-argument', 'federation create needs a SPEC.json.');
  const origin = values.server.replace(/\/+$/, '');
  const { settings, weights } = await readSpec(specPath);
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
  return { id: created.id, tokens: created.tokens };
}

/** `federation <subcommand> …` */
export async function federationCommand(args: string[]) {
  const [sub, ...rest] = args;
  if (sub === 'create') return federationCreate(rest);
  throw new EnclaveError('invalid-argument', `Unknown federation command "${sub ?? ''}": the one there is is "federation create".`);
}
