/**
 * The token cache's decisions, for every kind of token, in one place: a stored token is used while
 * fresh (unless the server refused it), else its pair is refreshed under the store's lock, else a
 * new one is obtained, saying why. The grants themselves (request and validation) are elsewhere.
 */
import type { EndpointName } from '../citi/endpoints.js';
import type { HttpResponse } from '../http/client.js';
import { canRefresh, isFresh, type TokenRecord } from '../store/tokens.js';
import type { AuthContext } from './context.js';
import { buildRefreshRequest, toRecord, validateRefreshResponse } from './token-endpoint.js';

/** A token in the cache and the key it is stored under. */
export interface StoredToken {
  key: string;
  record: TokenRecord;
}

/** Where a token came from: the cache, a refresh of the stored pair, or a new grant. */
export type TokenSource = 'cache' | 'refreshed' | 'new';

/** Of the stored tokens that would serve, a fresh one first, else one that can be refreshed, else the first. */
export function preferUsable<T extends StoredToken>(stored: T[], now: number): T | undefined {
  return stored.find((s) => isFresh(s.record, now)) ?? stored.find((s) => canRefresh(s.record, now)) ?? stored[0];
}

/** Why a stored pair could not be refreshed; `res` is the server's refusal when it refused. */
export type RefreshFailure = { record?: undefined; why: 'gone' | 'no-refresh-token' | 'expired' | 'refused'; reason: string; res?: HttpResponse };
export type RefreshOutcome = { record: TokenRecord; source: 'cache' | 'refreshed' } | RefreshFailure;

export interface RefreshOptions {
  endpoint: EndpointName;
  /** For error messages: "Refreshing the three-legged token". */
  what: string;
  /** The access token the server turned down: a stored token other than it is taken as is while fresh. */
  refused?: string;
  /** Forget a pair that can never be refreshed again. */
  forgetDead: boolean;
  /** The context to send the request in (card tokens go to the country they were enrolled in). */
  at?: (record: TokenRecord) => AuthContext;
}

/**
 * Refreshes the pair stored under `key`, under the store's lock: of several processes that find it
 * expired, one rotates the refresh token and the others take the pair it stored.
 */
export async function refreshStoredPair(ctx: AuthContext, key: string, opts: RefreshOptions): Promise<RefreshOutcome> {
  return ctx.tokens.locked(async (): Promise<RefreshOutcome> => {
    const now = ctx.now();
    const current = await ctx.tokens.get(key);
    if (!current) return { why: 'gone', reason: `the stored ${key.split(':')[0]} token is gone` }; // keys start with the kind
    if (isFresh(current, now) && current.accessToken !== opts.refused) return { record: current, source: 'cache' };
    if (!current.refreshToken) return { why: 'no-refresh-token', reason: 'the stored token has no refresh token' };
    const forget = () => (opts.forgetDead ? ctx.tokens.update((t) => void delete t[key]) : Promise.resolve());
    if (!canRefresh(current, now)) {
      await forget();
      return { why: 'expired', reason: 'the refresh token has expired' };
    }
    const where = opts.at?.(current) ?? ctx;
    const res = await ctx.http.request(buildRefreshRequest(where, opts.endpoint, await ctx.clientSecret(), current.refreshToken));
    const answer = validateRefreshResponse(res, opts.what);
    if ('refused' in answer) {
      await forget();
      return { why: 'refused', reason: answer.refused, res };
    }
    const fresh = toRecord(current.kind, answer.token, now, current.scope);
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

/** Refreshes the pair stored under `key`; `refused` is the access token the server turned down, if any. */
export type Refresher = (key: string, refused: string | undefined) => Promise<RefreshOutcome>;

/**
 * A stored token while it is fresh and the server has not `refused` it; else what `refresh` makes
 * of its pair (none: a kind without refresh tokens, which can only be obtained anew).
 */
export async function reuseOrRefresh(ctx: Pick<AuthContext, 'now'>, stored: StoredToken, opts: { refused?: boolean; refresh?: Refresher }): Promise<RefreshOutcome> {
  if (!opts.refused && isFresh(stored.record, ctx.now())) return { record: stored.record, source: 'cache' };
  if (!opts.refresh) return { why: 'no-refresh-token', reason: 'the stored token cannot be refreshed' };
  return opts.refresh(stored.key, opts.refused ? stored.record.accessToken : undefined);
}

/**
 * A token by the one policy of every grant that can get a new one unattended or by a sign-in: the
 * stored one (`find`) while fresh, else its pair refreshed, else `obtain` is called with the reason.
 * `force` (--force) goes straight to `obtain`; `refused` (a 401) passes over a fresh-looking token.
 */
export async function cachedOrNew(
  ctx: Pick<AuthContext, 'now'>,
  opts: {
    force?: boolean;
    refused?: boolean;
    find: () => Promise<StoredToken | undefined>;
    /** Why a new token is needed when none is stored. */
    missing: string;
    refresh?: Refresher;
    obtain: (why: string, stored: StoredToken | undefined) => Promise<TokenRecord>;
  },
): Promise<{ record: TokenRecord; source: TokenSource }> {
  let why = 'a new sign-in was asked for (--force)';
  let stored: StoredToken | undefined;
  if (!opts.force) {
    stored = await opts.find();
    if (!stored) why = opts.missing;
    else {
      const outcome = await reuseOrRefresh(ctx, stored, opts);
      if (outcome.record) return outcome;
      why = outcome.reason;
    }
  }
  return { record: await opts.obtain(why, stored), source: 'new' };
}
