/**
 * Calls to Citi's OAuth token endpoints, shared by every grant: build the request (HTTP Basic,
 * form body), validate the answer (fail loudly on anything unexpected), turn it into a cache record.
 */
import { fillPath, type EndpointName } from '../citi/endpoints.js';
import { basicAuthorization, isOAuthErrorBody, type TokenResponse, type TokenTypeHint } from '../citi/oauth.js';
import { citiErrorLine, isCitiErrorBody } from '../citi/errors.js';
import type { TokenKind } from '../citi/catalogue.js';
import { normaliseScopes } from '../citi/scopes.js';
import { GRANT_TYPES, HEADERS, type RefreshForm, type RevocationForm } from '../citi/wire.js';
import { ApiError, AuthError, UsageError, type CliError } from '../errors.js';
import type { HttpRequest, HttpResponse } from '../http/client.js';
import { canRefresh, isFresh, type TokenRecord } from '../store/tokens.js';
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

export async function requestToken(
  ctx: AuthContext,
  endpoint: EndpointName,
  form: Record<string, string>,
  what: string,
): Promise<ValidTokenResponse> {
  const secret = await ctx.clientSecret();
  const res = await ctx.http.request(buildTokenRequest(ctx, endpoint, secret, form));
  return validateTokenResponse(res, what);
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

/**
 * The form of a revocation (RFC 7009) for a stored token: the refresh token while it lives (revoking
 * one of a pair revokes both), else the access token; with its token_type_hint.
 */
export function revocationForm(record: TokenRecord, now: number): RevocationForm & { token_type_hint: TokenTypeHint } {
  return canRefresh(record, now) ? { token: record.refreshToken!, token_type_hint: 'refresh_token' } : { token: record.accessToken, token_type_hint: 'access_token' };
}

export function refreshForm(refreshToken: string): RefreshForm {
  return { grant_type: GRANT_TYPES.refreshToken, refresh_token: refreshToken };
}

/** Why a stored pair could not be refreshed; `res` is the server's refusal when it refused. */
export type RefreshFailure = { record?: undefined; why: 'gone' | 'no-refresh-token' | 'expired' | 'refused'; reason: string; res?: HttpResponse };
export type RefreshOutcome = { record: TokenRecord; source: 'cache' | 'refreshed' } | RefreshFailure;

/**
 * Refreshes the pair stored under `key`, under the store's lock: of several processes that find it
 * expired, one rotates the refresh token and the others take the pair it stored. `refused` is an
 * access token the server turned down: a stored token other than it is taken as is while fresh.
 * A pair that can never be refreshed again is forgotten when `forgetDead` says so.
 */
export async function refreshStoredPair(
  ctx: AuthContext,
  key: string,
  opts: {
    endpoint: EndpointName;
    /** For error messages: "Refreshing the three-legged token". */
    what: string;
    refused?: string;
    forgetDead: boolean;
    /** The context to send the request in (card tokens go to the country they were enrolled in). */
    at?: (record: TokenRecord) => AuthContext;
  },
): Promise<RefreshOutcome> {
  return ctx.tokens.locked(async (): Promise<RefreshOutcome> => {
    const now = ctx.now();
    const current = await ctx.tokens.get(key);
    if (!current) return { why: 'gone', reason: `the stored ${key.split(':')[0]} token is gone` }; // keys start with the kind
    if (isFresh(current, now) && current.accessToken !== opts.refused) return { record: current, source: 'cache' };
    if (!current.refreshToken) return { why: 'no-refresh-token', reason: 'the stored token has no refresh token' };
    const forget = () => (opts.forgetDead ? ctx.tokens.update((t) => void delete t[key]) : Promise.resolve());
    if (current.refreshExpiresAt !== undefined && current.refreshExpiresAt <= now) {
      await forget();
      return { why: 'expired', reason: 'the refresh token has expired' };
    }
    const where = opts.at?.(current) ?? ctx;
    const res = await ctx.http.request(buildTokenRequest(where, opts.endpoint, await ctx.clientSecret(), refreshForm(current.refreshToken)));
    if (res.status >= 400 && res.status < 500 && isOAuthErrorBody(res.body) && res.body.error === 'invalid_grant') {
      await forget();
      const detail = res.body.error_description ? `: ${res.body.error_description}` : '';
      return { why: 'refused', reason: `the server refused the refresh token (${res.body.error}${detail})`, res };
    }
    const fresh = toRecord(current.kind, validateTokenResponse(res, opts.what), now, current.scope);
    const record: TokenRecord = {
      ...fresh,
      ...(current.cardId ? { cardId: current.cardId } : {}),
      // Without a new refresh token the old one still stands (RFC 6749 allows either).
      ...(fresh.refreshToken ? {} : { refreshToken: current.refreshToken, ...(current.refreshExpiresAt !== undefined ? { refreshExpiresAt: current.refreshExpiresAt } : {}) }),
      ...(current.meta ? { meta: current.meta } : {}),
    };
    await ctx.tokens.update((t) => void (t[key] = record));
    return { record, source: 'refreshed' };
  });
}
