/**
 * Headers on every response. Cross-origin isolation (COOP/COEP/CORP) lets the WASM backend use threads. The CSP header
 * carries what a <meta> CSP cannot (frame-ancestors) and repeats the origin-only rules; the page's own meta CSP (with
 * SvelteKit's script hashes) carries script-src. Browsers enforce both, so the stricter of each applies.
 */
export const SECURITY_HEADERS: Record<string, string> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Content-Security-Policy': [
    "connect-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "worker-src 'self' blob:", // tfjs-wasm starts its pthread workers from blob: URLs
    "manifest-src 'self'"
  ].join('; '),
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()'
};
