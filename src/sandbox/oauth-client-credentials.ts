/** Two-legged OAuth: the client credentials grant. */
import { BEARER, TWO_LEGGED_SCOPE, type TokenResponse } from '../citi/oauth.js';
import { DEFAULT_PATHS } from '../citi/endpoints.js';
import { GRANT_TYPES, type ClientCredentialsForm } from '../citi/wire.js';
import { json, oauthError, type Route } from './http.js';
import { requireGrant, tokenEndpoint } from './guard.js';
import type { SandboxState } from './state.js';

/** One array for every two-legged token: the emulator keeps many of them. */
const TWO_LEGGED_SCOPES = [TWO_LEGGED_SCOPE];

export function clientCredentialsRoutes(state: SandboxState): Route[] {
  return [
    tokenEndpoint<ClientCredentialsForm>(state, DEFAULT_PATHS.clientCredentialsToken, (f, client) => {
      requireGrant(f, GRANT_TYPES.clientCredentials);
      if (!f.scope) throw oauthError(400, 'invalid_request', 'scope is required (use /api)');
      if (f.scope !== TWO_LEGGED_SCOPE) throw oauthError(400, 'invalid_scope', `Unknown scope "${f.scope}": two-legged tokens take /api`);
      const { access } = state.issue({ kind: 'two-legged', clientId: client.clientId, scopes: TWO_LEGGED_SCOPES, withRefresh: false });
      const body: TokenResponse = {
        token_type: BEARER,
        access_token: access.value,
        expires_in: Math.max(1, Math.round((access.expiresAt - access.issuedAt) / 1000)),
        consented_on: Math.floor(access.issuedAt / 1000),
        scope: TWO_LEGGED_SCOPE,
      };
      return json(body, 200, { 'cache-control': 'no-store' });
    }),
  ];
}
