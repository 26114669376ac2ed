/**
 * Cached tokens of a profile: one JSON entry in the secret store, keyed by kind and scope (or card).
 * Every change is read-modify-write under a lock shared by all citi processes of this user.
 */
import type { TokenKind } from '../citi/catalogue.js';
import { normaliseScopes } from '../citi/catalogue.js';
import { withLock } from './lock.js';
import { accounts, type SecretStore } from './secret-store.js';

export interface TokenRecord {
  kind: TokenKind;
  accessToken: string;
  tokenType: string;
  /** Space-separated scopes, sorted. */
  scope: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  obtainedAt: number;
  refreshToken?: string;
  refreshExpiresAt?: number;
  cardId?: string;
  /** Anything else worth keeping about the token (never a secret): e.g. the card's masked number. */
  meta?: Record<string, string>;
}

export type TokenMap = Record<string, TokenRecord>;

/**
 * The cache key of a token: `two-legged:/api`, `three-legged:accounts_details_transactions cards`,
 * `card:CARD-1`, `password:SandboxUser1` (a password-grant token per customer).
 */
export function tokenKey(kind: TokenKind, scopeCardOrUser: string): string {
  return kind === 'card' || kind === 'password' ? `${kind}:${scopeCardOrUser}` : `${kind}:${normaliseScopes(scopeCardOrUser)}`;
}

/** A token is fresh while more than the skew (a tenth of its life, at most a minute) remains. */
export function isFresh(record: Pick<TokenRecord, 'expiresAt' | 'obtainedAt'>, now = Date.now()): boolean {
  const life = Math.max(0, record.expiresAt - record.obtainedAt);
  const skew = Math.min(60_000, life / 10);
  return record.expiresAt - now > skew;
}

export class TokenStore {
  constructor(
    readonly secrets: SecretStore,
    readonly profile: string,
    private readonly lockDir: string,
  ) {}

  async all(): Promise<TokenMap> {
    const text = await this.secrets.get(accounts.tokens(this.profile));
    if (!text) return {};
    try {
      return JSON.parse(text) as TokenMap;
    } catch {
      return {}; // a damaged cache is only a cache: start again
    }
  }

  async get(key: string): Promise<TokenRecord | undefined> {
    return (await this.all())[key];
  }

  /** Runs fn under this profile's token lock: use it around refreshes so only one process rotates. */
  locked<T>(fn: () => Promise<T>): Promise<T> {
    return withLock(this.lockDir, `tokens-${this.profile}`, fn);
  }

  /** Changes the map; call inside `locked` (it does not lock, so that callers can compose steps). */
  async update(change: (tokens: TokenMap) => void): Promise<void> {
    const tokens = await this.all();
    change(tokens);
    const account = accounts.tokens(this.profile);
    if (Object.keys(tokens).length === 0) await this.secrets.delete(account);
    else await this.secrets.set(account, JSON.stringify(tokens));
  }

  put(key: string, record: TokenRecord): Promise<void> {
    return this.locked(() => this.update((t) => void (t[key] = record)));
  }

  remove(key: string): Promise<void> {
    return this.locked(() => this.update((t) => void delete t[key]));
  }

  async clear(): Promise<boolean> {
    return this.locked(() => this.secrets.delete(accounts.tokens(this.profile)));
  }
}
