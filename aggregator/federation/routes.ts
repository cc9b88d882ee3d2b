/**
 * The federation API, mounted at /api/federations. Operator routes take the admin token, client routes a join token,
 * both as `Authorization: Bearer …`. Every refusal is JSON { code, message } with its status (api-error.ts).
 *
 *   operator  POST /                                  create → 201 { id, tokens: [{ clientId, token }], initialWeightsUrl }
 *             GET  /                                  list
 *             GET  /:id                               full status
 *             PUT  /:id/initial-weights               raw float32 → opens round 1 → 200 status
 *             POST /:id/clients/:clientId/revoke      → 200 { clientId, revokedAt }
 *   client    GET  /:id/config                        settings, your client id, update size, norm bound
 *             GET  /:id/weights                       raw float32 + X-Enclave-Round/-Version/-Weights-Sha256, ETag
 *             GET  /:id/round                         the open round's status
 *             PUT  /:id/rounds/:round/update (or POST) raw float32 + X-Enclave-Client, X-Enclave-Base-Sha256 → 200 reply
 */
import { Hono, type Context } from 'hono';
import type { HttpBindings } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import * as v from 'valibot';
import { CreateFederationSchema, HEADERS } from '../../src/lib/federated/protocol.ts';
import { ApiError } from './api-error.ts';
import { readJsonBody, type BodySource } from './body.ts';
import { TokenBuckets, type RateLimit } from './rate-limit.ts';
import { bearer, secretEquals, tokenHash } from './secrets.ts';
import type { FederationService } from './service.ts';

export interface FederationRoutesOptions {
  /** The operator's secret; without one the operator routes answer 403. */
  adminToken?: string;
  /** Per join token (default 20 at once, 10 per second). */
  clientRate?: RateLimit;
  /** Per address, for requests without a valid credential (default 30 at once, 5 per second). */
  failureRate?: RateLimit;
}

const MAX_JSON_BYTES = 1024 * 1024;

type Env = { Bindings: Partial<HttpBindings> };

/** The request's body: from Node's IncomingMessage when served by @hono/node-server. */
const body = (c: Context<Env>): BodySource => ({ request: c.req.raw, incoming: c.env?.incoming });

function address(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // app.request() in tests has no socket
  }
}

function rateLimited(seconds: number): ApiError {
  const err = new ApiError(429, 'rate-limited', `Too many requests; try again in ${seconds} s.`);
  err.retryAfter = seconds;
  return err;
}

export function federationRoutes(service: FederationService, opts: FederationRoutesOptions = {}) {
  const perClient = new TokenBuckets(opts.clientRate ?? { burst: 20, perSecond: 10 });
  const perAddress = new TokenBuckets(opts.failureRate ?? { burst: 30, perSecond: 5 });
  const app = new Hono<Env>();

  app.onError((err, c) => {
    const e = err instanceof ApiError ? err : new ApiError(500, 'internal', `Unexpected error: ${err.message}`);
    if (e.status >= 500) console.error(err);
    if (e.retryAfter) c.header('Retry-After', String(e.retryAfter));
    return c.json(e.toJSON(), e.status);
  });

  /** A refused credential is charged to the caller's address: guessing is slowed, honest clients elsewhere are not. */
  const refuse = (c: Context, err: ApiError): never => {
    const wait = perAddress.take(address(c));
    throw wait ? rateLimited(wait) : err;
  };

  const admin = (c: Context) => {
    if (!opts.adminToken) throw new ApiError(403, 'admin-disabled', 'The operator routes are off: start the aggregator with ENCLAVE_ADMIN_TOKEN set.');
    const given = bearer(c.req.header('authorization'));
    if (given === null || !secretEquals(given, opts.adminToken)) refuse(c, new ApiError(401, 'unauthorized', 'These routes need the admin token: Authorization: Bearer <admin token>.'));
  };

  const client = async (c: Context) => {
    const token = bearer(c.req.header('authorization'));
    const found = await service.authenticate(c.req.param('id')!, token).catch((err) => (err instanceof ApiError && err.status === 401 ? refuse(c, err) : Promise.reject(err)));
    const wait = perClient.take(tokenHash(token!)!);
    if (wait) throw rateLimited(wait);
    return found;
  };

  app.post('/', async (c) => {
    admin(c);
    const parsed = v.safeParse(CreateFederationSchema, await readJsonBody(body(c), MAX_JSON_BYTES));
    if (!parsed.success) {
      const issue = parsed.issues[0];
      throw new ApiError(400, 'invalid-request', `The federation settings are not valid: ${v.getDotPath(issue) ?? 'settings'}: ${issue.message}`);
    }
    return c.json(await service.create(parsed.output), 201);
  });
  app.get('/', async (c) => {
    admin(c);
    return c.json({ federations: await service.list() });
  });
  app.get('/:id', async (c) => {
    admin(c);
    return c.json(await service.status(c.req.param('id')));
  });
  app.put('/:id/initial-weights', async (c) => {
    admin(c);
    return c.json(await service.setInitialWeights(c.req.param('id'), body(c)));
  });
  app.post('/:id/clients/:clientId/revoke', async (c) => {
    admin(c);
    return c.json(await service.revoke(c.req.param('id'), c.req.param('clientId')));
  });

  app.get('/:id/config', async (c) => {
    const { rt, client: who } = await client(c);
    return c.json(service.config(rt, who));
  });
  app.get('/:id/round', async (c) => {
    const { rt, client: who } = await client(c);
    return c.json(service.roundStatus(rt, who));
  });
  app.get('/:id/weights', async (c) => {
    const { rt } = await client(c);
    const { bytes, record } = service.weights(rt);
    const etag = `"${record.weightsSha256}"`;
    c.header('ETag', etag);
    c.header(HEADERS.version, String(record.version));
    c.header(HEADERS.weightsSha256, record.weightsSha256!);
    c.header(HEADERS.state, record.state);
    if (record.round !== null) c.header(HEADERS.round, String(record.round));
    if (c.req.header('if-none-match') === etag) return c.body(null, 304);
    c.header('Content-Type', 'application/octet-stream');
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200);
  });
  app.on(['PUT', 'POST'], '/:id/rounds/:round/update', async (c) => {
    const { rt, client: who } = await client(c);
    const reply = await service.upload(rt, who, {
      round: c.req.param('round'),
      clientHeader: c.req.header(HEADERS.client),
      baseHeader: c.req.header(HEADERS.baseSha256),
      contentType: c.req.header('content-type'),
      body: body(c)
    });
    return c.json(reply);
  });
  app.all('*', () => {
    throw new ApiError(404, 'not-found', 'No such federation endpoint.');
  });
  return app;
}
