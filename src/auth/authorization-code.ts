/**
 * Three-legged tokens: the authorization code grant with PKCE (S256) and state, the code exchange,
 * and refresh with rotation (serialised across processes by the token store's lock; see
 * token-cache.ts). Each protocol step is a small function: build the request, validate the answer.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { DEFAULT_SIGN_IN_SCOPES, normaliseScopes } from '../citi/catalogue.js';
import { PKCE_METHOD, s256Challenge } from '../citi/pkce.js';
import { GRANT_TYPES, type AuthorizationCodeForm, type AuthorizeQuery } from '../citi/wire.js';
import type { ResolvedProfile } from '../config/profiles.js';
import { AuthError, UsageError } from '../errors.js';
import type { HttpRequest, HttpResponse } from '../http/client.js';
import { tokenKey, type TokenMap, type TokenRecord } from '../store/tokens.js';
import { formatDuration } from '../util/duration.js';
import { DEFAULT_CALLBACK_PATH, interpretCallback, startCallbackServer } from './callback-server.js';
import type { AuthContext } from './context.js';
import { cachedOrNew, preferUsable, refreshStoredPair, type RefreshOutcome, type StoredToken, type TokenSource } from './token-cache.js';
import { buildTokenRequest, toRecord, validateTokenResponse, type ValidTokenResponse } from './token-endpoint.js';

export const DEFAULT_LOGIN_TIMEOUT_MS = 180_000;

export interface Pkce {
  verifier: string;
  challenge: string;
  method: typeof PKCE_METHOD;
}

export function createPkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url'); // 43 characters
  return { verifier, challenge: s256Challenge(verifier), method: PKCE_METHOD };
}

export function createState(): string {
  return randomBytes(24).toString('base64url');
}

/** The scopes a three-legged sign-in asks for when none are given: the profile's, else the core customer APIs'. */
export function defaultThreeLeggedScopes(profile: Pick<ResolvedProfile, 'scopes'>): string {
  if (profile.scopes.length) return normaliseScopes(profile.scopes);
  return normaliseScopes(DEFAULT_SIGN_IN_SCOPES);
}

export interface AuthorizeParams {
  scope: string;
  state: string;
  redirectUri: string;
  codeChallenge: string;
  locale?: string;
}

/** Citi's authorize URL, from the profile's `authorize` path. */
export function buildAuthorizeUrl(ctx: Pick<AuthContext, 'profile' | 'http'>, p: AuthorizeParams): string {
  const url = new URL(ctx.http.urlFor(ctx.profile.paths.authorize));
  const params: AuthorizeQuery = {
    response_type: 'code',
    client_id: ctx.profile.clientId,
    scope: p.scope,
    countryCode: ctx.profile.country.toUpperCase(),
    businessCode: ctx.profile.business.toUpperCase(),
    locale: p.locale ?? 'en_US',
    state: p.state,
    redirect_uri: p.redirectUri,
    code_challenge: p.codeChallenge,
    code_challenge_method: PKCE_METHOD,
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

export function authorizationCodeForm(code: string, redirectUri: string, verifier: string): AuthorizationCodeForm {
  return { grant_type: GRANT_TYPES.authorizationCode, code, redirect_uri: redirectUri, code_verifier: verifier };
}

export function buildAuthorizationCodeRequest(
  ctx: Pick<AuthContext, 'profile'>,
  clientSecret: string,
  p: { code: string; redirectUri: string; verifier: string },
): HttpRequest {
  return buildTokenRequest(ctx, 'authCodeToken', clientSecret, authorizationCodeForm(p.code, p.redirectUri, p.verifier));
}

export function validateAuthorizationCodeResponse(res: HttpResponse): ValidTokenResponse {
  return validateTokenResponse(res, 'Exchanging the authorization code');
}

/** Exchanges a code for a token pair and stores it under its scopes. */
export async function exchangeCode(
  ctx: AuthContext,
  p: { code: string; redirectUri: string; verifier: string; scope: string },
): Promise<TokenRecord> {
  const res = await ctx.http.request(buildAuthorizationCodeRequest(ctx, await ctx.clientSecret(), p));
  const record = toRecord('three-legged', validateAuthorizationCodeResponse(res), ctx.now(), p.scope);
  await ctx.tokens.put(tokenKey('three-legged', record.scope), record);
  return record;
}

/** The stored three-legged token that carries every needed scope: a fresh one first, else one that can be refreshed. */
export function findThreeLegged(tokens: TokenMap, need: readonly string[], now: number): StoredToken | undefined {
  const matches = Object.entries(tokens)
    .filter(([, r]) => r.kind === 'three-legged' && need.every((s) => r.scope.split(' ').includes(s)))
    .map(([key, record]) => ({ key, record }));
  return preferUsable(matches, now);
}

/** Refreshes the three-legged pair stored under `key`; a pair that can never be refreshed again is forgotten. */
export function refreshThreeLegged(ctx: AuthContext, key: string, opts: { refused?: string } = {}): Promise<RefreshOutcome> {
  return refreshStoredPair(ctx, key, { endpoint: 'authCodeRefresh', what: 'Refreshing the three-legged token', forgetDead: true, ...opts });
}

export interface BrowserLoginOptions {
  /** Opens the URL in a browser; throws when none can be opened. Absent: only print the URL. */
  openBrowser?: (url: string) => Promise<void>;
  /** `--manual`: returns the redirect URL the user pasted; no callback server is started. */
  pasteRedirect?: () => Promise<string>;
  timeoutMs?: number;
  /**
   * The opener is the only way to the redirect (`citi test` following an emulator's auto-consent):
   * when it fails, the sign-in ends with its error instead of waiting for a person who is not there.
   */
  openerOnly?: boolean;
}

export type ThreeLeggedSource = TokenSource;

/**
 * A three-legged token carrying `scope`: the cached one while fresh, else refreshed, else a new
 * sign-in in the browser (saying why) asking for `signInScope` (default: `scope`).
 * `force` skips straight to the browser; `refused` refreshes even a fresh-looking token (the server refused it).
 */
export async function threeLeggedToken(
  ctx: AuthContext,
  opts: {
    scope?: string;
    signInScope?: string;
    force?: boolean;
    refused?: boolean;
    login?: BrowserLoginOptions;
    /** False when no one asked for a sign-in (e.g. `citi call` without a terminal): fail instead of waiting. */
    signIn?: boolean;
  } = {},
): Promise<{ record: TokenRecord; source: ThreeLeggedSource }> {
  const scope = normaliseScopes(opts.scope ?? defaultThreeLeggedScopes(ctx.profile));
  if (!scope) throw new UsageError('No scope to ask for', 'Give --scope, e.g. --scope "accounts_details_transactions customers_profiles"');
  return cachedOrNew(ctx, {
    force: opts.force,
    refused: opts.refused,
    find: async () => findThreeLegged(await ctx.tokens.all(), scope.split(' '), ctx.now()),
    missing: `no three-legged token with the scope "${scope}" is stored`,
    refresh: (key, refused) => refreshThreeLegged(ctx, key, refused ? { refused } : {}),
    obtain: async (why) => {
      if (opts.signIn === false) {
        throw new AuthError(
          `No usable three-legged token: ${why}`,
          'Sign in first with `citi token --three-legged` (with --no-browser or --manual where no browser can open here).',
        );
      }
      ctx.info(`Signing in through the browser: ${why}.`);
      return browserLogin(ctx, normaliseScopes(opts.signInScope ?? scope), opts.login ?? {});
    },
  });
}

/** The whole browser journey: callback server first, then the browser, then the code exchange. */
export async function browserLogin(ctx: AuthContext, scope: string, opts: BrowserLoginOptions): Promise<TokenRecord> {
  const pkce = createPkce();
  const state = createState();
  const timeoutMs = opts.timeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS;
  if (opts.pasteRedirect) {
    const redirectUri = ctx.profile.redirectUri ?? `http://127.0.0.1:${await freePort()}${DEFAULT_CALLBACK_PATH}`;
    const url = buildAuthorizeUrl(ctx, { scope, state, redirectUri, codeChallenge: pkce.challenge });
    ctx.info(`Open this URL in a browser, sign in and consent:\n\n  ${url}\n`);
    ctx.info(`The browser then goes to ${redirectUri}?code=… (the page may fail to load): copy that whole address from the address bar.`);
    const pasted = await withTimeout(opts.pasteRedirect(), timeoutMs, `No redirect URL was pasted within ${formatDuration(timeoutMs)}`);
    let back: URL;
    try {
      back = new URL(pasted.trim());
    } catch {
      throw new UsageError('That is not a URL', `Paste the whole address the browser went to, starting with ${redirectUri}`);
    }
    const outcome = interpretCallback(back, { path: new URL(redirectUri).pathname, state });
    if (outcome.kind === 'ignore') throw new UsageError(`The pasted URL was not accepted: ${outcome.message}`, `Paste the address from this sign-in, starting with ${redirectUri}`);
    if (outcome.kind === 'error') throw outcome.error;
    return exchangeCode(ctx, { code: outcome.code, redirectUri, verifier: pkce.verifier, scope });
  }

  const server = await startCallbackServer({
    ...(ctx.profile.redirectUri ? { redirectUri: ctx.profile.redirectUri } : {}),
    state,
    timeoutMs,
    onIgnored: (m) => ctx.info(`  note: ${m}`),
  });
  let code: string;
  try {
    const url = buildAuthorizeUrl(ctx, { scope, state, redirectUri: server.redirectUri, codeChallenge: pkce.challenge });
    ctx.info(`Sign in and consent in the browser (scopes: ${scope}). The URL:\n\n  ${url}\n`);
    if (opts.openBrowser) {
      // The opener runs beside the wait, never in front of it: one that hangs or fails cannot stall
      // the sign-in, and --timeout (the server's timer, running since it started) bounds it all.
      const opening = opts.openBrowser(url).then(
        () => ctx.info('Opened the sign-in page.'),
        (err: Error) => {
          if (opts.openerOnly) server.fail(err);
          else ctx.info(`Could not open a browser (${err.message}): open the URL above in one yourself.`);
        },
      );
      // Its answer usually comes at once; it is printed before the wait when it does.
      await firstOf([opening, server.result], OPENER_PATIENCE_MS);
    }
    ctx.info(`Waiting for the redirect to ${server.redirectUri} (up to ${formatDuration(timeoutMs)}; Ctrl-C to stop)…`);
    const until = Date.now() + timeoutMs;
    const stop = ctx.progress?.wait(() => `Waiting for the sign-in in the browser: ${formatDuration(until - Date.now())} left`);
    try {
      ({ code } = await server.result);
    } finally {
      stop?.();
    }
  } finally {
    await server.close();
  }
  return exchangeCode(ctx, { code, redirectUri: server.redirectUri, verifier: pkce.verifier, scope });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** How long the sign-in waits for the browser opener's answer before it says it is waiting anyway. */
const OPENER_PATIENCE_MS = 2000;

/** Resolves when the first of `promises` settles (either way), or after `ms`. */
function firstOf(promises: Promise<unknown>[], ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const elapsed = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  const settled = promises.map((p) => p.then(() => undefined, () => undefined));
  return Promise.race([elapsed, ...settled]).finally(() => clearTimeout(timer));
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AuthError(message, 'Allow more time with --timeout, e.g. --timeout 5m.')), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
