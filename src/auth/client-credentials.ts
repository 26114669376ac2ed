/** Two-legged tokens (client credentials grant), cached per profile and scope. */
import { TWO_LEGGED_SCOPE } from '../citi/oauth.js';
import { GRANT_TYPES, type ClientCredentialsForm } from '../citi/wire.js';
import { isFresh, tokenKey, type TokenRecord } from '../store/tokens.js';
import type { AuthContext } from './context.js';
import { requestToken, toRecord } from './token-endpoint.js';

export type TokenSource = 'cache' | 'new';

export function clientCredentialsForm(scope: string): ClientCredentialsForm {
  return { grant_type: GRANT_TYPES.clientCredentials, scope };
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
  if (!opts.force && !opts.refused) {
    const cached = await ctx.tokens.get(key);
    if (cached && isFresh(cached, ctx.now())) return { record: cached, source: 'cache' };
  }
  const res = await requestToken(ctx, 'clientCredentialsToken', clientCredentialsForm(scope), 'Two-legged token request');
  const record = toRecord('two-legged', res, ctx.now(), scope);
  await ctx.tokens.put(key, record);
  return { record, source: 'new' };
}
