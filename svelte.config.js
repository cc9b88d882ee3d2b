import adapter from '@sveltejs/adapter-static';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  kit: {
    // A static site: every page prerendered, one fallback for client-side routing, served by the aggregator.
    adapter: adapter({ pages: 'build', assets: 'build', fallback: '404.html', strict: true }),
    // The service worker is vite-plugin-pwa's, not SvelteKit's.
    serviceWorker: { register: false },
    // Strict CSP: own origin only. SvelteKit hashes its own inline bootstrap script into the meta tag.
    csp: {
      mode: 'hash',
      directives: {
        'default-src': ['self'],
        'script-src': ['self', 'wasm-unsafe-eval'],
        'style-src': ['self', 'unsafe-inline'],
        'img-src': ['self', 'data:', 'blob:'],
        'font-src': ['self'],
        'connect-src': ['self'],
        // blob: for tfjs-wasm's pthread workers (threaded WASM needs them).
        'worker-src': ['self', 'blob:'],
        'manifest-src': ['self'],
        'object-src': ['none'],
        'base-uri': ['self'],
        'form-action': ['self']
      }
    },
    alias: { $workers: 'workers' },
    typescript: {
      config: (cfg) => {
        cfg.include.push('../workers/**/*.ts', '../aggregator/**/*.ts', '../bin/**/*.ts', '../tests/**/*.ts', '../bench/**/*.ts');
        cfg.compilerOptions.allowImportingTsExtensions = true;
        return cfg;
      }
    }
  }
};

export default config;
