/**
 * The headless customer sign-in: a two-legged token, Citi's E2E public key and a one-time bizToken
 * from `GET /security/e2eKey`, then the password grant with the password encrypted under that key.
 * The token is a customer token pair, cached per customer, refreshed and revoked at the
 * authorization-code endpoints like a three-legged one. The password is asked for only when a new
 * sign-in is needed, and never leaves this module but encrypted.
 */
import { encryptPassword, isE2eKey, type E2eKey } from '../citi/e2e.js';
import { DEFAULT_CHANNEL_ID, GRANT_TYPES, HEADERS, type PasswordForm } from '../citi/wire.js';
import { isCitiError } from '../citi/errors.js';
import { TWO_LEGGED_SCOPE } from '../citi/oauth.js';
import type { ResolvedProfile } from '../config/profiles.js';
import { ApiError, AuthError } from '../errors.js';
import type { HttpResponse } from '../http/client.js';
import { isFresh, tokenKey, type TokenMap, type TokenRecord } from '../store/tokens.js';
import { twoLeggedToken } from './client-credentials.js';
import type { AuthContext } from './context.js';
import { buildTokenRequest, endpointPath, oauthFailure, refreshStoredPair, toRecord, validateTokenResponse } from './token-endpoint.js';

export interface PasswordCredentials {
  username: string;
  password: string;
}

export type PasswordSource = 'cache' | 'refreshed' | 'new';

export function passwordForm(username: string, encryptedPassword: string, scope = TWO_LEGGED_SCOPE): PasswordForm {
  return { grant_type: GRANT_TYPES.password, scope, username, password: encryptedPassword };
}

/** `GET /security/e2eKey` with a two-legged token and the headers Citi names; the key and its bizToken. */
export async function fetchE2eKey(ctx: AuthContext): Promise<{ key: E2eKey; bizToken: string }> {
  const request = async (refused: boolean) => {
    const { record, source } = await twoLeggedToken(ctx, { refused });
    const res = await ctx.http.request({
      method: 'GET',
      path: endpointPath(ctx, 'e2eKey'),
      bearer: record.accessToken,
      headers: {
        [HEADERS.countryCode]: ctx.profile.country.toUpperCase(),
        [HEADERS.businessCode]: ctx.profile.business.toUpperCase(),
        [HEADERS.channelId]: DEFAULT_CHANNEL_ID,
      },
    });
    return { res, source };
  };
  const first = await request(false);
  // A cached two-legged token the server no longer honours (revoked, or the server forgot it): a new one, once.
  const res = first.res.status === 401 && first.source === 'cache' ? (await request(true)).res : first.res;
  if (res.status !== 200) throw oauthFailure(res, 'Getting the E2E key');
  if (!isE2eKey(res.body)) throw new ApiError('Getting the E2E key: the answer has no hex modulus and exponent');
  const bizToken = headerValue(res, HEADERS.bizTokenResponse);
  if (!bizToken) throw new ApiError(`Getting the E2E key: the answer has no ${HEADERS.bizTokenResponse} header`);
  return { key: res.body, bizToken };
}

function headerValue(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * A refusal of the bizToken (missing, expired, spent), as opposed to one of the customer's
 * credentials: known by its code alone, never by the words of its details.
 */
function bizTokenRefused(res: HttpResponse): boolean {
  return isCitiError(res.body, 'invalidBizToken');
}

/** A new sign-in by the password grant; a refused bizToken is fetched again once. */
export async function passwordSignIn(ctx: AuthContext, creds: PasswordCredentials): Promise<TokenRecord> {
  const what = `Signing in ${creds.username} by the password grant`;
  for (let attempt = 1; ; attempt++) {
    const { key, bizToken } = await fetchE2eKey(ctx);
    let encrypted: string;
    try {
      encrypted = encryptPassword(creds.password, key);
    } catch (err) {
      throw new ApiError(`${what}: the server's E2E key cannot be used (${(err as Error).message})`);
    }
    const req = buildTokenRequest(ctx, 'passwordToken', await ctx.clientSecret(), passwordForm(creds.username, encrypted));
    req.headers = { ...req.headers, [HEADERS.bizTokenRequest]: bizToken };
    const res = await ctx.http.request(req);
    if (res.status !== 200 && attempt === 1 && bizTokenRefused(res)) {
      ctx.info('The bizToken was refused; getting a new E2E key and trying once more.');
      continue;
    }
    if (res.status === 401 && !bizTokenRefused(res)) {
      const failure = oauthFailure(res, what);
      throw new AuthError(failure.message, 'Check the user ID and password (CITI_USERNAME / --username, CITI_PASSWORD / --password-stdin).');
    }
    const record: TokenRecord = { ...toRecord('password', validateTokenResponse(res, what), ctx.now(), TWO_LEGGED_SCOPE), meta: { username: creds.username } };
    await ctx.tokens.put(tokenKey('password', creds.username), record);
    return record;
  }
}

/**
 * The customer the password grant is for: `--username` (the flag), else the resolved profile's
 * (CITI_USERNAME, else the saved profile's). Undefined when nothing names one.
 */
export function customerUsername(profile: ResolvedProfile, flag?: string): string | undefined {
  return flag?.trim() || profile.username || undefined;
}

/**
 * The stored password-grant token of this customer. With no customer named, the one stored, if
 * exactly one is: a token is never handed to a customer it was not issued to.
 */
export function findPasswordToken(tokens: TokenMap, username: string | undefined): { key: string; record: TokenRecord } | undefined {
  const stored = Object.entries(tokens).filter(([, r]) => r.kind === 'password');
  // One entry per customer (see tokenKey), so at most one matches.
  const [match] = username === undefined ? (stored.length === 1 ? stored : []) : stored.filter(([, r]) => r.meta?.username === username);
  return match ? { key: match[0], record: match[1] } : undefined;
}

/**
 * A password-grant token: the cached one while fresh, else refreshed, else a new sign-in with the
 * credentials `credentials` gives (asked for only then). `refused`: the server refused the cached one.
 */
export async function passwordToken(
  ctx: AuthContext,
  opts: { username?: string; credentials: (username?: string) => Promise<PasswordCredentials>; force?: boolean; refused?: boolean },
): Promise<{ record: TokenRecord; source: PasswordSource }> {
  let why = 'a new sign-in was asked for (--force)';
  let username = opts.username;
  if (!opts.force) {
    const found = findPasswordToken(await ctx.tokens.all(), opts.username);
    if (!found) why = `no password-grant token${opts.username ? ` for ${opts.username}` : ''} is stored`;
    else {
      if (isFresh(found.record, ctx.now()) && !opts.refused) return { record: found.record, source: 'cache' };
      // A refused refresh signs the same customer in again.
      username ??= found.record.meta?.username;
      const outcome = await refreshStoredPair(ctx, found.key, {
        endpoint: 'authCodeRefresh',
        what: 'Refreshing the password-grant token',
        forgetDead: true,
        ...(opts.refused ? { refused: found.record.accessToken } : {}),
      });
      if (outcome.record) return outcome;
      why = outcome.reason;
    }
  }
  const creds = await opts.credentials(username);
  ctx.info(`Signing in ${creds.username} by the password grant: ${why}.`);
  return { record: await passwordSignIn(ctx, creds), source: 'new' };
}
