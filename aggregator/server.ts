/**
 * Serves the built studio and the federation API on localhost. Environment: PORT, HOST; ENCLAVE_DATA_DIR (the
 * federation store, default .enclave-data/ in the repository); ENCLAVE_ADMIN_TOKEN (the operator's secret, at least
 * 16 characters; without it the operator routes answer 403); ENCLAVE_UPLOAD_BUDGET_MIB (update bodies held in memory
 * at once, default 64).
 */
import { serve } from '@hono/node-server';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { createApp } from './app.ts';
import { LmdbFederationStore } from './federation/lmdb-store.ts';
import { FederationService } from './federation/service.ts';

const root = fileURLToPath(new URL('../build', import.meta.url));
const port = Number(process.env.PORT ?? 4173);
const hostname = process.env.HOST ?? '127.0.0.1';
const dataDir = resolve(process.env.ENCLAVE_DATA_DIR ?? fileURLToPath(new URL('../.enclave-data', import.meta.url)));
const adminToken = process.env.ENCLAVE_ADMIN_TOKEN || undefined;
if (adminToken !== undefined && adminToken.length < 16) {
  console.error('ENCLAVE_ADMIN_TOKEN must be at least 16 characters (e.g. `openssl rand -base64 32`).');
  process.exit(2);
}

const budget = Number(process.env.ENCLAVE_UPLOAD_BUDGET_MIB ?? 64);
if (!(budget > 0)) {
  console.error('ENCLAVE_UPLOAD_BUDGET_MIB must be a positive number of MiB.');
  process.exit(2);
}

const store = new LmdbFederationStore(join(dataDir, 'federation'));
const service = new FederationService(store, { uploadBudgetBytes: budget * 1024 * 1024 });
// Rounds whose deadline passed while the server was down close now (when they have quorum).
await service.start();

const server = serve({ fetch: createApp({ root, federation: { service, adminToken } }).fetch, port, hostname }, (info) => {
  console.log(`Enclave is running at http://${hostname === '0.0.0.0' ? 'localhost' : hostname}:${info.port}/`);
  if (!adminToken) console.log('Federation operator routes are off (set ENCLAVE_ADMIN_TOKEN to create federations).');
});

async function shutdown() {
  server.close();
  await service.stop();
  await store.close();
  process.exit(0);
}
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());
