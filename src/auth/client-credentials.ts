/** Two-legged tokens (client credentials grant), cached per profile and scope. */
import { TWO_LEGGED_SCOPE } from '../citi/oauth.js';
import { GRANT_TYPES, type ClientCredentialsForm } from '../citi/wire.js';
import type { HttpRequest, HttpResponse } from '../http/client.js';
import { tokenKey, type TokenRecord } from '../store/tokens.js';
import type { AuthContext } from './context.js';
import { cachedOrNew, type TokenSource } from './token-cache.js';
import { buildTokenRequest, toRecord, validateTokenResponse, type ValidTokenResponse } from './token-endpoint.js';

export type { TokenSource };

export function clientCredentialsForm(scope: string): ClientCredentialsForm {
  return { grant_type: GRANT_TYPES.clientCredentials, scope };
}

export function buildClientCredentialsRequest(ctx: Pick<AuthContext, 'profile'>, clientSecret: string, scope: string): HttpRequest {
  return buildTokenRequest(ctx, 'clientCredentialsToken', clientSecret, clientCredentialsForm(scope));
}

export function validateClientCredentialsResponse(res: HttpResponse, what = 'Two-legged token request'): ValidTokenResponse {
  return validateTokenResponse(res, what);
}

/**
 * A cached two-legged token while it is fresh; a new one otherwise, when `force`d (--force), or when
 * the server `refused` the cached one (there is no refresh token to try first).
 */
export async function twoLeggedToken(
  ctx: AuthContext,
  opts: { scope?: string; force?: boolean; refused?: boolean } = {},
): Promise<{ record: TokenRecord; source: TokenSource }> {
  const scope = opts.scope ?? TWO_LEGGED_SCOPE;
  const key = tokenKey('two-legged', scope);
  return cachedOrNew(ctx, {
    force: opts.force,
    refused: opts.refused,
    // A refused token is not read again: without a refresh token only a new one can replace it.
    find: async () => {
      const record = opts.refused ? undefined : await ctx.tokens.get(key);
      return record && { key, record };
    },
    missing: 'no two-legged token is stored',
    obtain: async () => {
      const res = await ctx.http.request(buildClientCredentialsRequest(ctx, await ctx.clientSecret(), scope));
      const record = toRecord('two-legged', validateClientCredentialsResponse(res), ctx.now(), scope);
      await ctx.tokens.put(key, record);
      return record;
    },
  });
}
