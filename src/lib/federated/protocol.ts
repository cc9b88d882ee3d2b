/**
 * The federation protocol, shared by the aggregator (aggregator/federation/) and its clients (the studio's worker, the
 * Node client): the routes, headers, message schemas, limits, and the norm bound both sides compute the same way.
 * Pure TypeScript and valibot only — no Node or browser-only imports — so both sides parse every message with the same
 * schema. Weights and updates travel as raw little-endian float32 bytes, never JSON.
 */
import * as v from 'valibot';

export const FEDERATIONS_PATH = '/api/federations';

/** Headers on the weights (GET) and update (PUT) exchanges. */
export const HEADERS = {
  /** The round the served weights are the base of (absent once the federation is finished). */
  round: 'X-Enclave-Round',
  /** How many rounds have been applied to the served weights (0 = the initial weights). */
  version: 'X-Enclave-Version',
  weightsSha256: 'X-Enclave-Weights-Sha256',
  state: 'X-Enclave-Federation-State',
  /** On an upload: the sending client's id (one client per join token) and the hash of the weights it trained from. */
  client: 'X-Enclave-Client',
  baseSha256: 'X-Enclave-Base-Sha256'
} as const;

export const MAX_PARAMETERS = 16_777_216; // 64 MiB of float32 per update
export const MAX_ROUNDS = 10_000;
export const MAX_TOKENS = 10_000;
export const MAX_DEADLINE_SECONDS = 30 * 24 * 3600;
/** Join tokens and admin secrets: 32 random bytes, base64url (43 characters). */
export const TOKEN_BYTES = 32;
/**
 * An honest client's update is refused by the norm check with probability below this (per upload): the bound is the
 * clip norm plus the noise's norm at the chi-square quantile this tail allows (see updateNormBound).
 */
export const NORM_FAILURE_PROBABILITY = 1e-9;
/**
 * Relative slack on the bound for float32 rounding: a clipped Δ stored as float32 can measure a few ulps over C.
 * Clients should compute norms in float64 (as the server does); 1e-4 also covers a float32 norm of ~10^6 values.
 */
export const NORM_TOLERANCE = 1e-4;

export const FEDERATION_ID = /^[A-Za-z0-9_-]{22}$/;
export const CLIENT_ID = /^c-[1-9][0-9]{0,4}$/;
export const SHA256_HEX = /^[0-9a-f]{64}$/;
export const TOKEN_TEXT = /^[A-Za-z0-9_-]{43}$/;

/** Every path of the API for one federation (relative to the aggregator's origin). */
export function federationPaths(id: string) {
  const base = `${FEDERATIONS_PATH}/${encodeURIComponent(id)}`;
  return {
    /** operator: GET full status */
    status: base,
    /** operator: PUT the initial weights (opens round 1) */
    initialWeights: `${base}/initial-weights`,
    /** operator: POST revokes a client's join token */
    revoke: (clientId: string) => `${base}/clients/${encodeURIComponent(clientId)}/revoke`,
    /** client: GET the settings */
    config: `${base}/config`,
    /** client: GET the current global weights */
    weights: `${base}/weights`,
    /** client: GET the open round's status */
    round: `${base}/round`,
    /** client: PUT an update for round r */
    update: (round: number) => `${base}/rounds/${round}/update`
  };
}

/** Bytes of a float32 vector of `parameterCount` values: the one valid length of weights and updates. */
export function updateByteLength(parameterCount: number): number {
  return parameterCount * 4;
}

/**
 * An upper bound on a chi-square variable with d degrees of freedom that it exceeds with probability at most e^(−x)
 * (Laurent & Massart 2000, Lemma 1): d + 2√(dx) + 2x.
 */
export function chiSquareUpperBound(d: number, x: number): number {
  return d + 2 * Math.sqrt(d * x) + 2 * x;
}

/**
 * The largest L2 norm an honest update may have. An honest client sends u = clip(Δ, C) + zC·g with g ~ N(0, I_d), so
 * ‖u‖ ≤ C + zC·‖g‖, and ‖g‖² ≤ chiSquareUpperBound(d, ln(1/p)) except with probability p = NORM_FAILURE_PROBABILITY.
 * With z = 0 the bound is C. NORM_TOLERANCE is added for float32 rounding.
 */
export function updateNormBound(parameterCount: number, clipNorm: number, noiseMultiplier: number): number {
  const noise = noiseMultiplier > 0 ? noiseMultiplier * clipNorm * Math.sqrt(chiSquareUpperBound(parameterCount, Math.log(1 / NORM_FAILURE_PROBABILITY))) : 0;
  return (clipNorm + noise) * (1 + NORM_TOLERANCE);
}

/** Lower-case hex SHA-256 of bytes (WebCrypto: in browsers, workers and Node alike). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The float32 values of raw little-endian bytes (copied when not 4-byte aligned). Big-endian hosts are not supported. */
export function float32View(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength % 4 !== 0) throw new RangeError(`${bytes.byteLength} bytes is not a whole number of float32 values.`);
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  return new Float32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4);
}

// ── Schemas ──────────────────────────────────────────────────────────────────────────────────────────────────────

const int = (min: number, max: number) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));
const positive = v.pipe(v.number(), v.finite(), v.gtValue(0));
const isoTime = v.pipe(v.string(), v.isoTimestamp());
const sha256 = v.pipe(v.string(), v.regex(SHA256_HEX));
const clientId = v.pipe(v.string(), v.regex(CLIENT_ID));
const federationId = v.pipe(v.string(), v.regex(FEDERATION_ID));

/** Coordinate-wise trimmed mean: per coordinate, drop the `trim` fraction of highest and of lowest values, then mean. */
export const RobustAggregationSchema = v.object({
  kind: v.literal('trimmed-mean'),
  trim: v.pipe(v.number(), v.minValue(0), v.ltValue(0.5))
});

/** The model to train (recipe, architecture, input schema): opaque to the aggregator, which only needs parameterCount. */
export const ModelSpecSchema = v.record(v.string(), v.unknown());

/** What every client of a federation trains with. */
export const FederationSettingsSchema = v.object({
  name: v.optional(v.pipe(v.string(), v.maxLength(200))),
  model: ModelSpecSchema,
  parameterCount: int(1, MAX_PARAMETERS),
  rounds: int(1, MAX_ROUNDS),
  minClients: int(1, MAX_TOKENS),
  roundDeadlineSeconds: v.pipe(v.number(), v.finite(), v.gtValue(0), v.maxValue(MAX_DEADLINE_SECONDS)),
  /** C: the L2 norm each client clips its update Δ to. */
  clipNorm: positive,
  /** z: Gaussian noise of standard deviation zC per coordinate. */
  noiseMultiplier: v.pipe(v.number(), v.finite(), v.minValue(0)),
  delta: v.pipe(v.number(), v.gtValue(0), v.ltValue(1)),
  localEpochs: int(1, 10_000),
  learningRate: positive,
  batchSize: int(1, 1_000_000),
  robust: v.optional(RobustAggregationSchema)
});

/** The operator's create request: the settings and how many join tokens to issue. Unknown keys are refused (typos). */
export const CreateFederationSchema = v.pipe(
  v.strictObject({ ...FederationSettingsSchema.entries, tokens: int(1, MAX_TOKENS) }),
  v.check((s) => s.minClients <= s.tokens, 'minClients is more than the number of join tokens: no round could reach quorum')
);

export const CreateFederationReplySchema = v.object({
  id: federationId,
  /** Shown once: the aggregator keeps only their SHA-256. One client per token. */
  tokens: v.array(v.object({ clientId, token: v.pipe(v.string(), v.regex(TOKEN_TEXT)) })),
  /** Where the operator PUTs the initial weights, which opens round 1. */
  initialWeightsUrl: v.string()
});

export const FederationConfigReplySchema = v.object({
  id: federationId,
  /** The id this token's client sends with its updates. */
  clientId,
  settings: FederationSettingsSchema,
  updateBytes: int(4, 4 * MAX_PARAMETERS),
  /** updateNormBound of the settings: uploads over it are refused. */
  normBound: positive
});

export const FederationStateSchema = v.picklist(['awaiting-weights', 'open', 'finished']);

export const RoundStatusReplySchema = v.object({
  id: federationId,
  state: FederationStateSchema,
  /** The open round (null before the initial weights and once finished). */
  round: v.nullable(int(1, MAX_ROUNDS)),
  rounds: int(1, MAX_ROUNDS),
  /** Rounds applied to the current global weights. */
  version: int(0, MAX_ROUNDS),
  deadline: v.nullable(isoTime),
  received: int(0, MAX_TOKENS),
  minClients: int(1, MAX_TOKENS),
  liveClients: int(0, MAX_TOKENS),
  /** Whether this client's update for the open round is in. */
  sent: v.boolean(),
  weightsSha256: v.nullable(sha256),
  weightsUrl: v.string()
});

/** Where and when the weights after this round appear; client and server never wait on each other. */
export const NextWeightsSchema = v.object({
  /** The weights version that will include this round (= the round number). */
  version: int(1, MAX_ROUNDS),
  /** The round those weights open, or null when this was the last. */
  round: v.nullable(int(2, MAX_ROUNDS)),
  /** The round's deadline: it closes then if quorum is met, earlier if every live client has sent, later otherwise. */
  expectedAt: isoTime,
  weightsUrl: v.string()
});

export const UpdateReplySchema = v.object({
  accepted: v.literal(true),
  id: federationId,
  round: int(1, MAX_ROUNDS),
  clientId,
  updateSha256: sha256,
  acceptedAt: isoTime,
  next: NextWeightsSchema
});

export const CloseReasonSchema = v.picklist(['deadline', 'quorum-after-deadline', 'all-clients']);

export const ClosedRoundSchema = v.object({
  round: int(1, MAX_ROUNDS),
  closedAt: isoTime,
  received: int(1, MAX_TOKENS),
  reason: CloseReasonSchema,
  /** Hash of the weights this round produced. */
  weightsSha256: sha256
});

export const FederationStatusReplySchema = v.object({
  id: federationId,
  createdAt: isoTime,
  settings: FederationSettingsSchema,
  state: FederationStateSchema,
  round: v.nullable(int(1, MAX_ROUNDS)),
  version: int(0, MAX_ROUNDS),
  deadline: v.nullable(isoTime),
  received: int(0, MAX_TOKENS),
  /** Clients whose update for the open round is in. */
  senders: v.array(clientId),
  clients: v.array(v.object({ clientId, revokedAt: v.nullable(isoTime) })),
  history: v.array(ClosedRoundSchema),
  weightsSha256: v.nullable(sha256),
  normBound: positive
});

/** Every refusal: a stable code and a message for a person. */
export const ErrorReplySchema = v.object({ code: v.string(), message: v.string(), detail: v.optional(v.record(v.string(), v.unknown())) });

export type RobustAggregation = v.InferOutput<typeof RobustAggregationSchema>;
export type FederationSettings = v.InferOutput<typeof FederationSettingsSchema>;
export type CreateFederationRequest = v.InferOutput<typeof CreateFederationSchema>;
export type CreateFederationReply = v.InferOutput<typeof CreateFederationReplySchema>;
export type FederationConfigReply = v.InferOutput<typeof FederationConfigReplySchema>;
export type FederationState = v.InferOutput<typeof FederationStateSchema>;
export type RoundStatusReply = v.InferOutput<typeof RoundStatusReplySchema>;
export type NextWeights = v.InferOutput<typeof NextWeightsSchema>;
export type UpdateReply = v.InferOutput<typeof UpdateReplySchema>;
export type CloseReason = v.InferOutput<typeof CloseReasonSchema>;
export type ClosedRound = v.InferOutput<typeof ClosedRoundSchema>;
export type FederationStatusReply = v.InferOutput<typeof FederationStatusReplySchema>;
export type ErrorReply = v.InferOutput<typeof ErrorReplySchema>;
