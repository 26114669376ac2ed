/** PKCE (RFC 7636), S256 only: the client makes the challenge, the emulator checks the verifier against it. */
import { createHash } from 'node:crypto';

/** The one challenge method: the SHA-256 of the verifier, base64url. */
export const PKCE_METHOD = 'S256';

/** Verifiers are 43 to 128 characters of the unreserved set. */
export const PKCE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

export function s256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}
