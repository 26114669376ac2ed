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
import { ApiError, AuthError, type CliError } from '../errors.js';
import type { HttpRequest, HttpResponse } from '../http/client.js';
import { tokenKey, type TokenMap, type TokenRecord } from '../store/tokens.js';
import { twoLeggedToken } from './client-credentials.js';
import type { AuthContext } from './context.js';
import { cachedOrNew, refreshStoredPair, type RefreshOutcome, type StoredToken, type TokenSource } from './token-cache.js';
import { buildTokenRequest, endpointPath, oauthFailure, toRecord, validateTokenResponse, type ValidTokenResponse } from './token-endpoint.js';

export interface PasswordCredentials {
  username: string;
  password: string;
}

export type PasswordSource = TokenSource;

export function passwordForm(username: string, encryptedPassword: string, scope = TWO_LEGGED_SCOPE): PasswordForm {
  return { grant_type: GRANT_TYPES.password, scope, username, password: encryptedPassword };
}

/** The password grant: the encrypted password, with the bizToken of the E2E key it was encrypted under. */
export function buildPasswordRequest(
  ctx: Pick<AuthContext, 'profile'>,
  clientSecret: string,
  p: { username: string; encryptedPassword: string; bizToken: string },
): HttpRequest {
  const req = buildTokenRequest(ctx, 'passwordToken', clientSecret, passwordForm(p.username, p.encryptedPassword));
  return { ...req, headers: { ...req.headers, [HEADERS.bizTokenRequest]: p.bizToken } };
}

/**
 * The token answer; or a refused bizToken (missing, expired, spent), with the error it is when no
 * new E2E key is to be tried. A refusal of the customer's credentials throws, saying what to check.
 */
export function validatePasswordResponse(res: HttpResponse, what: string): { token: ValidTokenResponse } | { bizTokenRefused: CliError } {
  if (res.status !== 200 && bizTokenRefused(res)) return { bizTokenRefused: oauthFailure(res, what) };
  if (res.status === 401) {
    const failure = oauthFailure(res, what);
    throw new AuthError(failure.message, 'Check the user ID and password (CITI_USERNAME / --username, CITI_PASSWORD / --password-stdin).');
  }
  return { token: validateTokenResponse(res, what) };
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
    const res = await ctx.http.request(buildPasswordRequest(ctx, await ctx.clientSecret(), { username: creds.username, encryptedPassword: encrypted, bizToken }));
    const answer = validatePasswordResponse(res, what);
    if ('bizTokenRefused' in answer) {
      if (attempt > 1) throw answer.bizTokenRefused;
      ctx.info('The bizToken was refused; getting a new E2E key and trying once more.');
      continue;
    }
    const record: TokenRecord = { ...toRecord('password', answer.token, ctx.now(), TWO_LEGGED_SCOPE), meta: { username: creds.username } };
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
export function findPasswordToken(tokens: TokenMap, username: string | undefined): StoredToken | undefined {
  const stored = Object.entries(tokens).filter(([, r]) => r.kind === 'password');
  // One entry per customer (see tokenKey), so at most one matches.
  const [match] = username === undefined ? (stored.length === 1 ? stored : []) : stored.filter(([, r]) => r.meta?.username === username);
  return match ? { key: match[0], record: match[1] } : undefined;
}

/** Refreshes the password-grant pair stored under `key` at the authCode endpoint, as a three-legged one; a pair that can never be refreshed again is forgotten. */
export function refreshPasswordToken(ctx: AuthContext, key: string, opts: { refused?: string } = {}): Promise<RefreshOutcome> {
  return refreshStoredPair(ctx, key, { endpoint: 'authCodeRefresh', what: 'Refreshing the password-grant token', forgetDead: true, ...opts });
}

/**
 * A password-grant token: the cached one while fresh, else refreshed, else a new sign-in with the
 * credentials `credentials` gives (asked for only then). `refused`: the server refused the cached one.
 */
export async function passwordToken(
  ctx: AuthContext,
  opts: { username?: string; credentials: (username?: string) => Promise<PasswordCredentials>; force?: boolean; refused?: boolean },
): Promise<{ record: TokenRecord; source: PasswordSource }> {
  return cachedOrNew(ctx, {
    force: opts.force,
    refused: opts.refused,
    find: async () => findPasswordToken(await ctx.tokens.all(), opts.username),
    missing: `no password-grant token${opts.username ? ` for ${opts.username}` : ''} is stored`,
    refresh: (key, refused) => refreshPasswordToken(ctx, key, refused ? { refused } : {}),
    obtain: async (why, stored) => {
      // A refused refresh signs the same customer in again.
      const creds = await opts.credentials(opts.username ?? stored?.record.meta?.username);
      ctx.info(`Signing in ${creds.username} by the password grant: ${why}.`);
      return passwordSignIn(ctx, creds);
    },
  });
}
