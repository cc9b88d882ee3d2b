/**
 * `enclave federate`: one federation client from the command line (for simulations, scripts and tests), the same
 * round loop as the studio's federated job (runFederatedClient).
 *
 *   npm run -s enclave -- federate --server URL --token T FILE [--federation ID] [--recipe R.json] [--max-epsilon E]
 *                                  [--seed N] [--bundle OUT.zip] [--backend wasm|cpu]
 *
 * T is the join code "<federation id>.<join token>" the operator handed out, or a bare token with --federation ID.
 * FILE is read as `profile` reads it; --recipe is an unfitted recipe of local steps (casts, derived columns, drops)
 * fitted on FILE and applied to it before the federation's input check, for a file whose columns need work to match.
 * Prints one JSON line per progress change, as it happens, then one line with the result. ε that is unbounded (z = 0)
 * prints as null. The signal (Ctrl+C in the runner) stops the client between steps; nothing half-done is sent.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { glueValues } from './secret-args.ts';
import { EnclaveError } from '../src/lib/core/errors.ts';
import { parseSeed } from '../src/lib/core/seed.ts';
import type { Table } from '../src/lib/core/table.ts';
import type { FederatedProgress } from '../src/lib/federated/client.ts';
import { parseJoinCode, type Fetch } from '../src/lib/federated/http.ts';
import { FEDERATION_ID, TOKEN_TEXT } from '../src/lib/federated/protocol.ts';
import type { Scores } from '../src/lib/ml/models/score.ts';

const USAGE = 'usage: federate --server URL --token T FILE [--federation ID] [--recipe R.json] [--max-epsilon E] [--seed N] [--bundle OUT.zip] [--backend wasm|cpu]';

export interface FederateIo {
  /** Reads FILE (the runner's reader: CSV, TSV, JSON, NDJSON or Parquet). */
  readTable: (path: string) => Promise<Table>;
  /** Receives each output line (JSON and a newline). */
  write: (line: string) => void;
  signal?: AbortSignal;
  /** Tests: how often to read the round status while waiting (ms; the client's default is 2,000). */
  pollMs?: number;
  fetch?: Fetch;
}

/** The last line: how the client ended and the final global model's scores on this client's own splits. */
export interface FederateResult {
  ended: 'finished' | 'budget';
  version: number;
  roundsJoined: number;
  epsilon: number | null;
  epsilonImproved: number | null;
  delta: number;
  metrics: { validation: Scores; test: Scores };
  weightsSha256: string;
  federation: string;
  clientId: string;
  /** Rows of FILE in each local split. */
  local: { train: number; validation: number; test: number };
  bundle?: string;
  /** What the local recipe's steps said (values lost to a cast, …). */
  notes?: string[];
}

const finiteOrNull = (x: number) => (Number.isFinite(x) ? x : null);

function options(args: string[]) {
  try {
    return parseArgs({
      args: glueValues(args, ['--token', '--federation']),
      allowPositionals: true,
      options: {
        server: { type: 'string' }, token: { type: 'string' }, federation: { type: 'string' }, recipe: { type: 'string' },
        'max-epsilon': { type: 'string' }, seed: { type: 'string' }, bundle: { type: 'string' }, backend: { type: 'string' }
      }
    });
  } catch (e) {
    // node:util's own TypeError (an unknown option, a missing value) as a coded error.
    throw new EnclaveError('invalid-argument', `${(e as Error).message}. ${USAGE}`);
  }
}

/** The join details from --server, --token and --federation, checked before anything is read or sent. */
function joinOf(values: { server?: string; token?: string; federation?: string }) {
  if (!values.server) throw new EnclaveError('invalid-argument', `federate needs --server URL (the aggregator). ${USAGE}`);
  try {
    new URL(values.server);
  } catch {
    throw new EnclaveError('invalid-argument', `--server must be an address like http://127.0.0.1:8080, not "${values.server}".`);
  }
  if (!values.token) throw new EnclaveError('invalid-argument', `federate needs --token T: the join code "<federation id>.<join token>" the operator handed out. ${USAGE}`);
  if (!values.token.includes('.') && !values.federation)
    throw new EnclaveError('invalid-argument', '--token is a bare token without the federation id: pass the whole join code "<federation id>.<join token>", or add --federation ID.');
  const { federation, token } = parseJoinCode(values.token, values.federation);
  if (values.federation !== undefined && values.token.includes('.') && values.federation.trim() !== federation)
    throw new EnclaveError('invalid-argument', `--federation ${values.federation} and the join code's federation ${federation} differ: pass one of the two.`);
  if (!FEDERATION_ID.test(federation)) throw new EnclaveError('invalid-argument', `"${federation.slice(0, 40)}" is not a federation id (22 letters, digits, - or _): check the join code.`);
  if (!TOKEN_TEXT.test(token)) throw new EnclaveError('invalid-argument', 'The join token is not one an aggregator issues (43 letters, digits, - or _): check the join code.');
  return { server: values.server, federation, token };
}

function positiveNumber(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const x = Number(text);
  if (text.trim() === '' || !(x > 0) || !Number.isFinite(x)) throw new EnclaveError('invalid-argument', `${name} must be a number > 0; got "${text}".`);
  return x;
}

async function readLocalRecipe(path: string) {
  const text = await readFile(path, 'utf8').catch(() => {
    throw new EnclaveError('not-found', `No such recipe file: ${path}`);
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new EnclaveError('invalid-recipe', `The recipe file is not valid JSON: ${(e as Error).message}`);
  }
  const { parseRecipe } = await import('../src/lib/core/recipe/index.ts');
  return parseRecipe(Array.isArray(json) ? { steps: json } : json);
}

/** One JSON line per change of what a person would see: stage, round, arrivals, privacy, the last validation score. */
function progressLine(p: FederatedProgress) {
  const last = p.history.at(-1);
  return JSON.stringify({
    stage: p.stage,
    round: p.round,
    rounds: p.rounds,
    received: p.received,
    minClients: p.minClients,
    roundsJoined: p.roundsJoined,
    epsilon: finiteOrNull(p.epsilon),
    epsilonImproved: finiteOrNull(p.epsilonImproved),
    validationAccuracy: last && 'accuracy' in last.validation ? finiteOrNull(last.validation.accuracy) : null,
    validationVersion: last?.version ?? null,
    message: p.message
  });
}

export async function federateCommand(args: string[], io: FederateIo): Promise<FederateResult> {
  const { values, positionals } = options(args);
  const join = joinOf(values);
  const [file] = positionals;
  if (!file) throw new EnclaveError('invalid-argument', `federate needs a FILE: your own labelled rows. ${USAGE}`);
  const maxEpsilon = positiveNumber(values['max-epsilon'], '--max-epsilon');
  const seed = values.seed === undefined ? undefined : parseSeed(values.seed, '--seed');
  const backend = values.backend ?? 'wasm';
  if (backend !== 'wasm' && backend !== 'cpu') throw new EnclaveError('invalid-argument', `--backend must be wasm or cpu, not "${backend}".`);
  const recipe = values.recipe ? await readLocalRecipe(values.recipe) : undefined;

  let table = await io.readTable(file);
  const notes: string[] = [];
  if (recipe) {
    const { fitRecipe } = await import('../src/lib/core/recipe/index.ts');
    // Fitted on this file alone: the local steps are this participant's business; the federation's recipe follows.
    table = fitRecipe(table, recipe, { ...(io.signal ? { signal: io.signal } : {}), onNote: (m) => notes.push(m) }).table;
  }

  // tfjs only from here: argument errors above come back fast.
  const { initBackend } = await import('../src/lib/ml/backend.ts');
  const { runFederatedClient } = await import('../src/lib/federated/client.ts');
  await initBackend(backend);
  let previous = '';
  const result = await runFederatedClient({
    join,
    table,
    ...(maxEpsilon !== undefined ? { maxEpsilon } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(io.signal ? { signal: io.signal } : {}),
    ...(io.pollMs !== undefined ? { pollMs: io.pollMs } : {}),
    ...(io.fetch ? { fetch: io.fetch } : {}),
    onProgress: (p) => {
      const line = progressLine(p);
      if (line !== previous) io.write(line + '\n');
      previous = line;
    }
  });

  if (values.bundle) {
    const { bundleOfGlobalModel } = await import('../src/lib/federated/bundle.ts');
    const bytes = await bundleOfGlobalModel({ model: result.model, weights: result.weights, federation: join.federation, metrics: result.metrics, rows: table });
    await writeFile(values.bundle, bytes);
  }
  const out: FederateResult = {
    ended: result.ended,
    version: result.version,
    roundsJoined: result.roundsJoined,
    epsilon: finiteOrNull(result.epsilon),
    epsilonImproved: finiteOrNull(result.epsilonImproved),
    delta: result.delta,
    // Through JSON, as printed: a score that is not a number (a log loss of a certain wrong class) reads back null.
    metrics: JSON.parse(JSON.stringify(result.metrics)),
    weightsSha256: result.weightsSha256,
    federation: join.federation,
    clientId: result.clientId,
    local: result.local,
    ...(values.bundle ? { bundle: values.bundle } : {}),
    ...(notes.length ? { notes } : {})
  };
  io.write(JSON.stringify(out) + '\n');
  return out;
}
