/**
 * The aggregator's HTTP app: serves the built studio (one origin for app and federated endpoint) and the federation
 * API under /api/federations (when given a federation service). Kept separate from server.ts so tests can call
 * app.request() or serve it on a port of their own.
 */
import { Hono } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { SECURITY_HEADERS } from './headers.ts';
import { federationRoutes, type FederationRoutesOptions } from './federation/routes.ts';
import type { FederationService } from './federation/service.ts';

export function createApp(opts: { root: string; federation?: FederationRoutesOptions & { service: FederationService } }) {
  const root = relative(process.cwd(), opts.root) || '.';
  const app = new Hono();

  app.use('*', async (c, next) => {
    // Set before the handler runs, so every response built through the context carries them. (Set after, they would
    // rebuild each finished response around its body as a web stream: a copy of every weights download and the
    // Node adapter's slow path for every response.)
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.header(k, v);
    // The service worker and pages must revalidate so an update reaches people; hashed assets are immutable.
    const p = c.req.path;
    if (p.startsWith('/_app/immutable/')) c.header('Cache-Control', 'public, max-age=31536000, immutable');
    else c.header('Cache-Control', 'no-cache');
    await next();
  });

  app.get('/api/health', (c) => c.json({ ok: true }));
  if (opts.federation) app.route('/api/federations', federationRoutes(opts.federation.service, opts.federation));
  app.all('/api/*', (c) => c.json({ code: 'not-found', message: 'No such API endpoint.' }, 404));

  app.use('*', serveStatic({ root }));
  // Prerendered pages are written as /prepare.html for the route /prepare.
  app.use('*', serveStatic({ root, rewriteRequestPath: (p) => (p.endsWith('/') ? p : `${p}.html`) }));
  app.get('*', async (c) => {
    const fallback = join(opts.root, '404.html');
    if (!existsSync(fallback)) return c.text('The studio is not built yet: run `npm run build`.', 503);
    const { readFile } = await import('node:fs/promises');
    return c.html(await readFile(fallback, 'utf8'), 404);
  });
  return app;
}
