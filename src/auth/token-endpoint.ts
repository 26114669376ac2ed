/**
 * Citi's OAuth token endpoints, shared by every grant: build the request (HTTP Basic, form body),
 * validate the answer (fail loudly on anything unexpected), turn it into a cache record. Each grant
 * pairs a request builder with a validator in its own file; the refresh grant, which three kinds of
 * token share, is here. Whether to use a stored token, refresh it or get a new one: token-cache.ts.
 */
import { fillPath, type EndpointName } from '../citi/endpoints.js';
import { basicAuthorization, isOAuthErrorBody, type TokenResponse } from '../citi/oauth.js';
import { citiErrorLine, isCitiErrorBody } from '../citi/errors.js';
import type { TokenKind } from '../citi/catalogue.js';
import { normaliseScopes } from '../citi/scopes.js';
import { GRANT_TYPES, HEADERS, type RefreshForm } from '../citi/wire.js';
import { ApiError, AuthError, UsageError, type CliError } from '../errors.js';
import type { HttpRequest, HttpResponse } from '../http/client.js';
import type { TokenRecord } from '../store/tokens.js';
import type { AuthContext } from './context.js';

export function endpointPath(ctx: Pick<AuthContext, 'profile'>, name: EndpointName): string {
  return fillPath(ctx.profile.paths[name], { country: ctx.profile.country, business: ctx.profile.business });
}

export function buildTokenRequest(
  ctx: Pick<AuthContext, 'profile'>,
  endpoint: EndpointName,
  clientSecret: string,
  form: Record<string, string>,
): HttpRequest {
  return {
    method: 'POST',
    path: endpointPath(ctx, endpoint),
    headers: { [HEADERS.authorization]: basicAuthorization(ctx.profile.clientId, clientSecret) },
    form,
  };
}

/** A token answer that passed validation: expires_in is always set. */
export type ValidTokenResponse = TokenResponse & { expires_in: number };

/** How long a token whose answer gave no expires_in is taken to live, in seconds. */
export const DEFAULT_EXPIRES_IN_S = 300;

/** A 200 with a usable bearer token, or a clear error; expires_in is always set in what it returns. */
export function validateTokenResponse(res: HttpResponse, what: string): ValidTokenResponse {
  if (res.status !== 200) throw oauthFailure(res, what);
  const body = res.body as Partial<TokenResponse> | undefined;
  if (!body || typeof body !== 'object') throw new ApiError(`${what}: the server answered ${res.status} without a JSON body`);
  if (typeof body.access_token !== 'string' || !body.access_token) throw new ApiError(`${what}: the answer has no access_token`);
  if (typeof body.token_type !== 'string' || body.token_type.toLowerCase() !== 'bearer') {
    throw new ApiError(`${what}: unexpected token_type "${String(body.token_type)}" (expected Bearer)`);
  }
  // expires_in is only RECOMMENDED (RFC 6749 §5.1): without it the token is kept for a short
  // default, and a 401 before then gets a new one (see `citi call`).
  if (body.expires_in === undefined || body.expires_in === null) return { ...body, expires_in: DEFAULT_EXPIRES_IN_S } as ValidTokenResponse;
  const expiresIn = Number(body.expires_in);
  if (!Number.isFinite(expiresIn) || expiresIn <= 0) throw new ApiError(`${what}: the answer has no valid expires_in`);
  return { ...body, expires_in: expiresIn } as ValidTokenResponse;
}

/** Maps an OAuth error answer to the error class (and exit code) it deserves. */
export function oauthFailure(res: HttpResponse, what: string): CliError {
  const body = res.body;
  const message = citiErrorLine(res.status, body, what);
  if (isOAuthErrorBody(body)) {
    switch (body.error) {
      case 'invalid_client':
        // A PSD2 client is bound to its certificate: then the fix is the certificate, not the secret.
        if (/certificate/i.test(body.error_description ?? '')) {
          return new AuthError(message, 'Configure the certificate the client was registered with: `citi login --cert FILE --key FILE` (or --p12 FILE).');
        }
        return new AuthError(message, 'Check the client ID and secret: run `citi login` again.');
      case 'unauthorized_client':
        return new AuthError(message, 'The app is not allowed this grant or scope; check its settings on the developer portal.');
      case 'invalid_grant':
      case 'access_denied':
        return new AuthError(message);
      case 'invalid_scope':
        return new UsageError(message, 'Check --scope.');
      default:
        return new ApiError(message, undefined, res.status, body);
    }
  }
  if (isCitiErrorBody(body) && res.status === 401) return new AuthError(message);
  return new ApiError(message, undefined, res.status, body);
}

export function toRecord(kind: TokenKind, res: ValidTokenResponse, now: number, fallbackScope: string): TokenRecord {
  return {
    kind,
    accessToken: res.access_token,
    tokenType: res.token_type,
    scope: normaliseScopes(res.scope ?? fallbackScope),
    obtainedAt: now,
    expiresAt: now + res.expires_in * 1000,
    ...(res.refresh_token ? { refreshToken: res.refresh_token } : {}),
    ...(res.refresh_token && res.refresh_token_expires_in ? { refreshExpiresAt: now + res.refresh_token_expires_in * 1000 } : {}),
    ...(res.cardId ? { cardId: res.cardId } : {}),
  };
}

export function refreshForm(refreshToken: string): RefreshForm {
  return { grant_type: GRANT_TYPES.refreshToken, refresh_token: refreshToken };
}

/** A refresh (RFC 6749 §6) at `endpoint`: authCodeRefresh for customer pairs, cardRefresh for cards. */
export function buildRefreshRequest(ctx: Pick<AuthContext, 'profile'>, endpoint: EndpointName, clientSecret: string, refreshToken: string): HttpRequest {
  return buildTokenRequest(ctx, endpoint, clientSecret, refreshForm(refreshToken));
}

/**
 * The new pair, or the server's refusal of the refresh token (invalid_grant: revoked, rotated away or
 * expired), which only a new sign-in mends; any other failure throws.
 */
export function validateRefreshResponse(res: HttpResponse, what: string): { token: ValidTokenResponse } | { refused: string } {
  if (res.status >= 400 && res.status < 500 && isOAuthErrorBody(res.body) && res.body.error === 'invalid_grant') {
    const detail = res.body.error_description ? `: ${res.body.error_description}` : '';
    return { refused: `the server refused the refresh token (${res.body.error}${detail})` };
  }
  return { token: validateTokenResponse(res, what) };
}
