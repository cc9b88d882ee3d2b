/** Serves the built studio (and later the federated endpoint) on localhost. PORT and HOST may be set. */
import { serve } from '@hono/node-server';
import { fileURLToPath } from 'node:url';
import { createApp } from './app.ts';

const root = fileURLToPath(new URL('../build', import.meta.url));
const port = Number(process.env.PORT ?? 4173);
const hostname = process.env.HOST ?? '127.0.0.1';

serve({ fetch: createApp({ root }).fetch, port, hostname }, (info) => {
  console.log(`Enclave is running at http://${hostname === '0.0.0.0' ? 'localhost' : hostname}:${info.port}/`);
});
