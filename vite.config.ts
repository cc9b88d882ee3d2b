/// <reference types="vitest/config" />
import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { defineConfig } from 'vite';

/** Headers every response needs: cross-origin isolation (tfjs-wasm runs threaded only then) — the aggregator sets the same. */
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp'
};

export default defineConfig({
  plugins: [
    sveltekit(),
    SvelteKitPWA({
      registerType: 'autoUpdate',
      injectRegister: false,
      strategies: 'generateSW',
      manifest: false, // static/manifest.webmanifest is the manifest (linked from app.html)
      workbox: {
        // Everything the studio needs offline: pages, JS (incl. worker chunks), CSS, wasm, icons, the sample.
        globPatterns: ['client/**/*.{js,css,ico,png,svg,webmanifest,wasm,csv,json,txt}', 'prerendered/**/*.html'],
        maximumFileSizeToCacheInBytes: 40 * 1024 * 1024,
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true
      },
      devOptions: { enabled: false }
    })
  ],
  // Workers unminified: tfjs-wasm starts its pthread workers from the factory function's source text
  // (Function.prototype.toString), which breaks when a minifier renames what that text refers to.
  worker: { format: 'es', rollupOptions: { output: { minify: false } } },
  server: { headers: isolation },
  preview: { headers: isolation },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    pool: 'forks'
  }
});
