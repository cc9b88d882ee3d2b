/**
 * Join tokens, federation ids and the admin token. Tokens are 32 random bytes shown once; only their SHA-256 is
 * stored, so a copy of the data directory admits nobody. Comparisons of secrets run in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { TOKEN_BYTES, TOKEN_TEXT } from '../../src/lib/federated/protocol.ts';

export function newToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** 16 random bytes, base64url: 22 characters (FEDERATION_ID). */
export function newFederationId(): string {
  return randomBytes(16).toString('base64url');
}

/** Synchronous (node:crypto), for the request path; protocol.ts's sha256Hex is the WebCrypto one clients share. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The bearer credential of an Authorization header, or null when there is none. */
export function bearer(header: string | undefined): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m ? m[1] : null;
}

/** A join token's stored hash, or null when the text cannot be a token (never stored, never looked up). */
export function tokenHash(token: string): string | null {
  return TOKEN_TEXT.test(token) ? sha256Hex(token) : null;
}

/**
 * Whether `given` equals `expected`, in time independent of where they differ and of their lengths: both are hashed
 * first, so timingSafeEqual always compares 32 bytes.
 */
export function secretEquals(given: string, expected: string): boolean {
  return timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(expected).digest());
}
