/** The access token a resource call needs, by kind of token: reused, refreshed or newly obtained. */
import type { ApiEntry, TokenKind } from '../citi/catalogue.js';
import { AuthError } from '../errors.js';
import type { HttpRequest, HttpResponse } from '../http/client.js';
import type { TokenRecord } from '../store/tokens.js';
import { cardToken } from './card.js';
import { defaultThreeLeggedScopes, threeLeggedToken } from './authorization-code.js';
import { twoLeggedToken } from './client-credentials.js';
import type { AuthContext } from './context.js';
import { customerUsername, passwordToken } from './password.js';

/** The password-grant token of the profile's customer; when `refused` (a 401) it is refreshed or signed in again. */
function customerPasswordToken(ctx: AuthContext, refused: boolean) {
  const credentials = ctx.customerCredentials;
  if (!credentials) throw new AuthError('No way to ask for the customer\'s password here');
  const username = customerUsername(ctx.profile);
  return passwordToken(ctx, { ...(username ? { username } : {}), credentials: (u) => credentials(u), refused });
}

export interface BearerRequest {
  kind: TokenKind;
  /** The API being called, when the catalogue knows it. */
  api?: ApiEntry;
  /** The server refused the cached token (a 401): get another even if it looks valid. */
  refused?: boolean;
  cardId?: string;
}

export async function bearerToken(ctx: AuthContext, req: BearerRequest): Promise<TokenRecord> {
  switch (req.kind) {
    case 'two-legged':
      return (await twoLeggedToken(ctx, { refused: Boolean(req.refused) })).record;
    case 'card':
      return cardToken(ctx, req.cardId, { refused: Boolean(req.refused) });
    case 'password':
      return (await customerPasswordToken(ctx, Boolean(req.refused))).record;
    case 'three-legged': {
      // A profile whose customers sign in by the password grant never needs a browser.
      if (ctx.profile.customerSignIn === 'password') return (await customerPasswordToken(ctx, Boolean(req.refused))).record;
      // A new sign-in asks for the profile's scopes plus this API's, so one consent serves many calls.
      const scope = req.api?.kind === 'three-legged' ? req.api.scope : defaultThreeLeggedScopes(ctx.profile);
      const signInScope = `${defaultThreeLeggedScopes(ctx.profile)} ${scope}`;
      const login = ctx.openBrowser ? { openBrowser: (url: string) => ctx.openBrowser!(url) } : {};
      // Only a person at a terminal can finish a browser sign-in started by a call.
      return (await threeLeggedToken(ctx, { scope, signInScope, refused: Boolean(req.refused), login, signIn: ctx.interactive })).record;
    }
  }
}

/**
 * A resource call with the token `req` names (none for `kind: 'none'`). On a 401 it gets a new
 * token once and sends the call again: the stored token may have been revoked or expired early.
 */
export async function authorizedRequest(
  ctx: AuthContext,
  req: BearerRequest | { kind: 'none' },
  call: Omit<HttpRequest, 'bearer'>,
  onRetry?: () => void,
): Promise<HttpResponse> {
  const send = async (refused: boolean) => {
    if (req.kind === 'none') return ctx.http.request(call);
    const token = await bearerToken(ctx, { ...req, refused });
    return ctx.http.request({ ...call, bearer: token.accessToken });
  };
  const res = await send(false);
  if (res.status !== 401 || req.kind === 'none') return res;
  onRetry?.();
  return send(true);
}
