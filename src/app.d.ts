/// <reference types="vite-plugin-pwa/info" />
/// <reference types="vite-plugin-pwa/vanillajs" />
/// <reference types="vite/client" />
declare global {
  namespace App {}
}
export {};
