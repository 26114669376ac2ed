/** OAuth shapes shared by the client and the emulator (RFC 6749 plus Citi's additions). */

export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_grant'
  | 'unsupported_grant_type'
  | 'unauthorized_client'
  | 'invalid_client'
  | 'invalid_scope'
  | 'access_denied'
  | 'server_error'
  // the authorize request (RFC 6749 §4.1.2.1) and revocation (RFC 7009 §2.2.1)
  | 'unsupported_response_type'
  | 'unsupported_token_type';

export interface OAuthErrorBody {
  error: OAuthErrorCode | string;
  error_description?: string;
}

/** A token endpoint's success body, as Citi sends it. */
export interface TokenResponse {
  token_type: string;
  access_token: string;
  /** RECOMMENDED, not required (RFC 6749 §5.1): a strict server may leave it out. */
  expires_in?: number;
  consented_on?: number;
  scope?: string;
  refresh_token?: string;
  refresh_token_expires_in?: number;
  cardId?: string;
}

export const TWO_LEGGED_SCOPE = '/api';

/** The token type of every token Citi issues, and the scheme of the Authorization header that carries it. */
export const BEARER = 'Bearer';

/** What a revocation may say the token is (RFC 7009 §2.1). */
export type TokenTypeHint = 'access_token' | 'refresh_token';
export const TOKEN_TYPE_HINTS: readonly string[] = ['access_token', 'refresh_token'] satisfies TokenTypeHint[];

/**
 * Basic client authentication (RFC 6749 §2.3.1): the client ID and secret are each
 * form-urlencoded (Appendix B) before they are joined with ":" and base64-encoded, so a `:`, `+`,
 * `%`, a space or a non-ASCII letter in either survives the trip.
 */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  return 'Basic ' + Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`, 'utf8').toString('base64');
}

/** Reads a Basic Authorization header as RFC 6749 §2.3.1 writes it; null when absent or malformed. */
export function parseBasicAuthorization(header: string | undefined): { clientId: string; clientSecret: string } | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { clientId: formDecode(decoded.slice(0, colon)), clientSecret: formDecode(decoded.slice(colon + 1)) };
}

/** application/x-www-form-urlencoded, as URLSearchParams writes a value: space as `+`, UTF-8 percent-encoded. */
function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

function formDecode(value: string): string {
  return new URLSearchParams(`v=${value}`).get('v') ?? '';
}

export function isOAuthErrorBody(body: unknown): body is OAuthErrorBody {
  return typeof body === 'object' && body !== null && typeof (body as { error?: unknown }).error === 'string';
}
