/// <reference types="vite-plugin-pwa/info" />
/// <reference types="vite-plugin-pwa/svelte" />
/// <reference types="vite/client" />
declare global {
  namespace App {}
}
export {};
