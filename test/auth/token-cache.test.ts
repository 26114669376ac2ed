/**
 * The one policy every kind of token follows (auth/token-cache.ts): the stored token while fresh,
 * else its pair refreshed, else a new one, saying why. The same decisions on the real path, with
 * the emulator and the real store: test/e2e/three-legged.test.ts, password-grant.test.ts,
 * test/auth/card-refresh.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { cachedOrNew, type RefreshOutcome, type StoredToken } from '../../src/auth/token-cache.js';
import type { TokenRecord } from '../../src/store/tokens.js';

const NOW = 1_000_000;
const record = (accessToken: string, expiresAt: number): TokenRecord => ({
  kind: 'three-legged', accessToken, tokenType: 'Bearer', scope: 'cards', obtainedAt: NOW - 60_000, expiresAt, refreshToken: 'r-' + accessToken,
});
const fresh: StoredToken = { key: 'three-legged:cards', record: record('fresh', NOW + 30 * 60_000) };
const expired: StoredToken = { key: 'three-legged:cards', record: record('old', NOW - 1) };
const issued = record('new', NOW + 60 * 60_000);
const refreshed = record('refreshed', NOW + 60 * 60_000);

/** cachedOrNew with `stored` in the cache and `refresh` answering; what it called, with what. */
async function decide(stored: StoredToken | undefined, opts: { force?: boolean; refused?: boolean; refresh?: RefreshOutcome | 'none' }) {
  const calls: string[] = [];
  const result = await cachedOrNew({ now: () => NOW }, {
    force: opts.force,
    refused: opts.refused,
    find: async () => stored,
    missing: 'nothing is stored',
    ...(opts.refresh === 'none'
      ? {}
      : {
          refresh: async (key: string, refusedToken: string | undefined) => {
            calls.push(`refresh ${key} refused=${refusedToken ?? '-'}`);
            return opts.refresh as RefreshOutcome ?? { record: refreshed, source: 'refreshed' };
          },
        }),
    obtain: async (why: string, found: StoredToken | undefined) => {
      calls.push(`obtain (${why}) found=${found?.record.accessToken ?? '-'}`);
      return issued;
    },
  });
  return { source: result.source, token: result.record.accessToken, calls };
}

describe('the token cache policy', () => {
  it('a fresh stored token is used as is', async () => {
    expect(await decide(fresh, {})).toEqual({ source: 'cache', token: 'fresh', calls: [] });
  });

  it('an expired one is refreshed; the refreshed pair is used', async () => {
    expect(await decide(expired, {})).toEqual({ source: 'refreshed', token: 'refreshed', calls: ['refresh three-legged:cards refused=-'] });
  });

  it('a fresh-looking one the server refused is refreshed, naming the refused access token', async () => {
    expect(await decide(fresh, { refused: true })).toEqual({ source: 'refreshed', token: 'refreshed', calls: ['refresh three-legged:cards refused=fresh'] });
  });

  it('a pair that cannot be refreshed: a new token, with the reason and the stored one', async () => {
    const failed: RefreshOutcome = { why: 'expired', reason: 'the refresh token has expired' };
    expect(await decide(expired, { refresh: failed })).toEqual({
      source: 'new',
      token: 'new',
      calls: ['refresh three-legged:cards refused=-', 'obtain (the refresh token has expired) found=old'],
    });
  });

  it('a kind without refresh tokens: an expired or refused one is replaced by a new one', async () => {
    expect((await decide(expired, { refresh: 'none' })).calls).toEqual(['obtain (the stored token cannot be refreshed) found=old']);
    expect((await decide(fresh, { refresh: 'none', refused: true })).source).toBe('new');
  });

  it('nothing stored: a new token, saying so; --force: a new token without looking', async () => {
    expect((await decide(undefined, {})).calls).toEqual(['obtain (nothing is stored) found=-']);
    expect(await decide(fresh, { force: true })).toEqual({ source: 'new', token: 'new', calls: ['obtain (a new sign-in was asked for (--force)) found=-'] });
  });
});
