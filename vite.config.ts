import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from './scripts/pwa.ts';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [sveltekit(), SvelteKitPWA()],
  worker: { format: 'es' },
  server: {
    headers: {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp'
    }
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    pool: 'forks'
  }
});
