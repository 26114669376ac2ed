/**
 * Revoking stored tokens (RFC 7009): the request and its validation, then one function per kind of
 * token, each revoking at the server; the token is forgotten locally only once the server has
 * answered (or when there is nothing left to revoke).
 */
import type { TokenKind } from '../citi/catalogue.js';
import type { EndpointName } from '../citi/endpoints.js';
import type { TokenTypeHint } from '../citi/oauth.js';
import type { RevocationForm } from '../citi/wire.js';
import { ApiError, AuthError, UsageError } from '../errors.js';
import type { HttpRequest, HttpResponse } from '../http/client.js';
import { canRefresh, type TokenRecord } from '../store/tokens.js';
import { formatDuration } from '../util/duration.js';
import { whereOf } from './card.js';
import type { AuthContext } from './context.js';
import { buildTokenRequest, oauthFailure } from './token-endpoint.js';

/**
 * The form of a revocation for a stored token: the refresh token while it lives (revoking one of a
 * pair revokes both), else the access token; with its token_type_hint.
 */
export function revocationForm(record: TokenRecord, now: number): RevocationForm & { token_type_hint: TokenTypeHint } {
  return canRefresh(record, now) ? { token: record.refreshToken!, token_type_hint: 'refresh_token' } : { token: record.accessToken, token_type_hint: 'access_token' };
}

/** A revocation at `endpoint` (authCodeRevoke, cardRevoke) of the token `revocationForm` picks. */
export function buildRevocationRequest(ctx: Pick<AuthContext, 'profile'>, endpoint: EndpointName, clientSecret: string, record: TokenRecord, now: number): HttpRequest {
  return buildTokenRequest(ctx, endpoint, clientSecret, revocationForm(record, now));
}

/** A 200 is a revocation done; anything else is a clear error. */
export function validateRevocationResponse(res: HttpResponse, what: string): void {
  if (res.status !== 200) throw oauthFailure(res, what);
}

/** Revokes a stored token at the server. */
export async function revokeAtServer(ctx: AuthContext, endpoint: EndpointName, record: TokenRecord, what: string): Promise<void> {
  const res = await ctx.http.request(buildRevocationRequest(ctx, endpoint, await ctx.clientSecret(), record, ctx.now()));
  validateRevocationResponse(res, what);
}

export interface RevokeResult {
  key: string;
  kind: TokenKind;
  scope: string;
  /** True when the server confirmed the revocation. */
  atServer: boolean;
  forgotten: boolean;
  note?: string;
}

type Revoker = (ctx: AuthContext, record: TokenRecord) => Promise<Pick<RevokeResult, 'atServer' | 'note'>>;

/**
 * A token pair (three-legged, card): the server revokes both through one of them.
 * Nothing is sent once both tokens have expired.
 */
function pairRevoker(atServer: (ctx: AuthContext, record: TokenRecord) => Promise<void>): Revoker {
  return async (ctx, record) => {
    const now = ctx.now();
    if (!canRefresh(record, now) && record.expiresAt <= now) return { atServer: false, note: 'already expired: nothing to revoke at the server' };
    await atServer(ctx, record);
    return { atServer: true };
  };
}

/**
 * Two-legged: Citi publishes no revoke endpoint for client-credentials tokens. The token is offered
 * to the authCode revoke endpoint (the emulator accepts any token of the client there); when the
 * server will not take it, it is forgotten locally and the user is told it stays valid until it expires.
 */
const revokeTwoLeggedRecord: Revoker = async (ctx, record) => {
  const left = record.expiresAt - ctx.now();
  if (left <= 0) return { atServer: false, note: 'already expired: nothing to revoke at the server' };
  try {
    // No refresh token: revocationForm offers the access token.
    await revokeAtServer(ctx, 'authCodeRevoke', record, 'Revoking the two-legged token');
    return { atServer: true };
  } catch (err) {
    const declined = (err instanceof ApiError && err.status !== undefined && err.status < 500) || err instanceof AuthError || err instanceof UsageError;
    if (!declined) throw err;
    return {
      atServer: false,
      note: `the server has no revoke for two-legged tokens (${(err as Error).message}); forgotten here, it stays valid at the server for ${formatDuration(left)}`,
    };
  }
};

/** A customer pair (three-legged, password grant) at the authCode revoke endpoint. */
function revokeCustomerPair(ctx: AuthContext, record: TokenRecord): Promise<void> {
  return revokeAtServer(ctx, 'authCodeRevoke', record, 'Revoking the three-legged token');
}

/** By kind of token; a kind missing here is only forgotten locally. */
export const REVOKERS: Partial<Record<TokenKind, Revoker>> = {
  'two-legged': revokeTwoLeggedRecord,
  // The refresh token, with token_type_hint=refresh_token: the server revokes the pair.
  'three-legged': pairRevoker(revokeCustomerPair),
  // A password-grant pair is a customer token like a three-legged one: revoked at the same endpoint.
  password: pairRevoker(revokeCustomerPair),
  // The pair at the card revoke endpoint, with the country the card was enrolled in.
  card: pairRevoker((ctx, record) => revokeAtServer(whereOf(ctx, record), 'cardRevoke', record, 'Card token revocation')),
};

/** Revokes one stored token at the server, then forgets it. */
export async function revokeStored(ctx: AuthContext, key: string, record: TokenRecord): Promise<RevokeResult> {
  const revoker = REVOKERS[record.kind];
  const outcome = revoker ? await revoker(ctx, record) : { atServer: false, note: `no revoke for ${record.kind} tokens here: forgotten locally only` };
  await ctx.tokens.remove(key);
  return { key, kind: record.kind, scope: record.cardId ?? record.scope, forgotten: true, ...outcome };
}
