/**
 * The aggregator on a real loopback port for the aggregator-*.test.ts files: a fresh LMDB data directory, the app
 * served on port 0, and small fetch helpers for the operator and client routes.
 */
import { serve } from '@hono/node-server';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../aggregator/app.ts';
import { LmdbFederationStore } from '../../aggregator/federation/lmdb-store.ts';
import { FederationService, type FederationServiceOptions } from '../../aggregator/federation/service.ts';
import type { FederationRoutesOptions } from '../../aggregator/federation/routes.ts';
import { federationPaths, HEADERS, sha256Hex, type CreateFederationReply } from '../../src/lib/federated/protocol.ts';

export const ADMIN = 'test-admin-token-0123456789';

export interface Aggregator {
  url: string;
  dir: string;
  service: FederationService;
  close: (keepDir?: boolean) => Promise<void>;
}

/** `root` is the static site served (default: an empty folder), apart from the data directory. */
export async function startAggregator(opts: { routes?: FederationRoutesOptions; service?: FederationServiceOptions; root?: string } = {}): Promise<Aggregator> {
  const dir = mkdtempSync(join(tmpdir(), 'enclave-agg-'));
  mkdirSync(join(dir, 'www'));
  const store = new LmdbFederationStore(join(dir, 'federation'));
  const service = new FederationService(store, { log: () => undefined, ...opts.service });
  await service.start();
  const app = createApp({ root: opts.root ?? join(dir, 'www'), federation: { service, adminToken: ADMIN, ...opts.routes } });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    dir,
    service,
    close: async (keepDir = false) => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await service.stop();
      await store.close();
      if (!keepDir) rmSync(dir, { recursive: true, force: true });
    }
  };
}

/** Settings for a small federation; override what a test needs. */
export function settings(over: Record<string, unknown> = {}) {
  return {
    name: 'test',
    model: { kind: 'test', layers: [4] },
    parameterCount: 4,
    rounds: 3,
    minClients: 3,
    roundDeadlineSeconds: 3600,
    clipNorm: 1,
    noiseMultiplier: 0,
    delta: 1e-5,
    localEpochs: 1,
    learningRate: 0.1,
    batchSize: 32,
    tokens: 3,
    ...over
  };
}

export function bytesOf(values: ArrayLike<number>): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Float32Array.from(values).buffer);
}

export async function admin(url: string, path: string, init: RequestInit = {}) {
  return fetch(url + path, { ...init, headers: { authorization: `Bearer ${ADMIN}`, ...init.headers } });
}

/** Creates a federation and opens round 1 with `initial`. */
export async function createFederation(url: string, over: Record<string, unknown>, initial: ArrayLike<number>) {
  const res = await admin(url, '/api/federations', { method: 'POST', body: JSON.stringify(settings(over)), headers: { 'content-type': 'application/json' } });
  if (res.status !== 201) throw new Error(`create: ${res.status} ${await res.text()}`);
  const created = (await res.json()) as CreateFederationReply;
  const put = await admin(url, created.initialWeightsUrl, { method: 'PUT', body: bytesOf(initial), headers: { 'content-type': 'application/octet-stream' } });
  if (put.status !== 200) throw new Error(`initial weights: ${put.status} ${await put.text()}`);
  return { ...created, baseSha256: await sha256Hex(bytesOf(initial)) };
}

export interface UploadOptions {
  token?: string | null;
  clientId?: string | null;
  base?: string | null;
  contentType?: string;
  body?: BodyInit;
  headers?: Record<string, string>;
}

/** PUTs an update (float32 values, or a raw `body`) for `round`. */
export function upload(url: string, id: string, round: number | string, values: ArrayLike<number> | null, o: UploadOptions) {
  const headers: Record<string, string> = { 'content-type': o.contentType ?? 'application/octet-stream', ...o.headers };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.clientId) headers[HEADERS.client] = o.clientId;
  if (o.base) headers[HEADERS.baseSha256] = o.base;
  const path = typeof round === 'number' ? federationPaths(id).update(round) : `/api/federations/${id}/rounds/${round}/update`;
  return fetch(url + path, { method: 'PUT', headers, body: o.body ?? bytesOf(values!), duplex: 'half' } as RequestInit);
}

export async function status(url: string, id: string) {
  const res = await admin(url, federationPaths(id).status);
  return res.json();
}

export async function weights(url: string, id: string, token: string) {
  const res = await fetch(url + federationPaths(id).weights, { headers: { authorization: `Bearer ${token}` } });
  return { res, values: new Float32Array(await res.arrayBuffer()) };
}
