import { describe, expect, it } from 'vitest';
import { isFresh, tokenKey } from '../../src/store/tokens.js';

describe('token cache rules', () => {
  it('keys tokens by kind and normalised scope', () => {
    expect(tokenKey('three-legged', 'cards accounts_details_transactions')).toBe('three-legged:accounts_details_transactions cards');
    expect(tokenKey('card', 'CARD-1')).toBe('card:CARD-1');
  });
  it('treats a token as stale within a tenth of its life (at most a minute) of expiry', () => {
    const obtainedAt = 0;
    const thirtyMin = { obtainedAt, expiresAt: 30 * 60_000 };
    expect(isFresh(thirtyMin, 30 * 60_000 - 61_000)).toBe(true);
    expect(isFresh(thirtyMin, 30 * 60_000 - 59_000)).toBe(false);
    const twoSec = { obtainedAt, expiresAt: 2000 };
    expect(isFresh(twoSec, 1700)).toBe(true);
    expect(isFresh(twoSec, 1850)).toBe(false);
  });
});
