/**
 * What the grants that issue access/refresh pairs (authorization code, card authorization) share:
 * the token answer, refresh with rotation (a replayed refresh token revokes its whole family), and
 * revocation (RFC 7009: one token of a pair takes the pair).
 */
import type { TokenKind } from '../citi/catalogue.js';
import { BEARER, TOKEN_TYPE_HINTS, type TokenResponse } from '../citi/oauth.js';
import { GRANT_TYPES, type RefreshForm, type RevocationForm } from '../citi/wire.js';
import { requireGrant, tokenEndpoint } from './guard.js';
import { json, oauthError, type Route } from './http.js';
import type { IssuedToken, SandboxState } from './state.js';

const seconds = (t: IssuedToken) => Math.max(1, Math.round((t.expiresAt - t.issuedAt) / 1000));

export function pairTokenBody(access: IssuedToken, refresh: IssuedToken): TokenResponse {
  return {
    token_type: BEARER,
    access_token: access.value,
    expires_in: seconds(access),
    consented_on: Math.floor(access.issuedAt / 1000),
    scope: access.scopes.join(' '),
    refresh_token: refresh.value,
    refresh_token_expires_in: seconds(refresh),
    ...(access.cardId ? { cardId: access.cardId } : {}),
  };
}

/** `grant_type=refresh_token` for tokens of one kind: a new pair in the same family; the old refresh token is spent. */
export function refreshRoute(state: SandboxState, path: string, kind: TokenKind): Route {
  return tokenEndpoint<RefreshForm>(state, path, (f, client) => {
    requireGrant(f, GRANT_TYPES.refreshToken);
    if (!f.refresh_token) throw oauthError(400, 'invalid_request', 'refresh_token is required');
    const { token, reason } = state.liveToken(f.refresh_token, 'refresh');
    if (!token || token.kind !== kind || token.clientId !== client.clientId) throw oauthError(400, 'invalid_grant', 'The refresh token is not valid');
    if (reason === 'revoked') throw oauthError(400, 'invalid_grant', 'The refresh token has been revoked');
    if (reason === 'expired') throw oauthError(400, 'invalid_grant', 'The refresh token has expired');
    if (token.used) {
      // A spent refresh token used again: someone else may hold it, so the whole grant dies.
      state.revokeFamily(token.family);
      throw oauthError(400, 'invalid_grant', 'The refresh token was already used: every token of this grant is now revoked');
    }
    token.used = true;
    const pair = state.issue({
      kind,
      clientId: client.clientId,
      scopes: token.scopes,
      withRefresh: true,
      family: token.family,
      ...(token.user ? { user: token.user } : {}),
      ...(token.cardId ? { cardId: token.cardId } : {}),
    });
    return json(pairTokenBody(pair.access, pair.refresh!), 200, { 'cache-control': 'no-store' });
  });
}

/**
 * Revocation of the client's tokens that `accepts` takes; the token's whole family goes with it.
 * An unknown or unaccepted token is not an error (RFC 7009); another client's token is refused.
 */
export function revokeRoute(state: SandboxState, path: string, accepts: (token: IssuedToken) => boolean): Route {
  return tokenEndpoint<RevocationForm>(state, path, (f, client) => {
    if (!f.token) throw oauthError(400, 'invalid_request', 'token is required');
    const hint = f.token_type_hint;
    if (hint !== undefined && !TOKEN_TYPE_HINTS.includes(hint)) {
      throw oauthError(400, 'unsupported_token_type', `token_type_hint must be ${TOKEN_TYPE_HINTS.join(' or ')}`);
    }
    const token = state.tokens.get(f.token);
    if (!token || !accepts(token)) return json({ revoked: false });
    if (token.clientId !== client.clientId) throw oauthError(400, 'unauthorized_client', 'The token was issued to another client');
    state.revokeFamily(token.family);
    return json({ revoked: true });
  });
}
