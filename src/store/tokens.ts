/**
 * Cached tokens: one JSON entry in the secret store per owner, keyed by kind and scope (or card).
 * Tokens belong to the identity they were issued to (base URL, client ID, country, business), never
 * to a profile name alone: the entry records its identity, and an entry of another identity reads
 * as empty. A saved profile owns the entry under its name; credentials or settings taken from the
 * environment own one of their own, so they never read or write a saved profile's tokens.
 * Every change is read-modify-write under a lock shared by all citi processes of this user.
 */
import type { TokenKind } from '../citi/catalogue.js';
import { normaliseScopes } from '../citi/scopes.js';
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

/** A pair can be refreshed while it has a refresh token that has not expired (no expiry given: until the server says no). */
export function canRefresh(record: Pick<TokenRecord, 'refreshToken' | 'refreshExpiresAt'>, now = Date.now()): boolean {
  return Boolean(record.refreshToken) && (record.refreshExpiresAt ?? Infinity) > now;
}

/** Whose tokens an entry holds: the entry's name in the store, and the identity the tokens were issued to. */
export interface TokenOwner {
  name: string;
  identity: string;
}

/** The fields that make an identity: whose app, where, for which market. */
export interface IdentityFields {
  baseUrl: string;
  clientId: string;
  country: string;
  business: string;
}

/**
 * Whose tokens these are (base URL, client ID, country, business), as one comparable string. Both
 * sides of any comparison go through it: the base URL parsed (scheme and host lower-cased, a
 * default port dropped) and without a trailing slash, so a hand-edited `…:443` is the same app.
 */
export function identityOf(p: IdentityFields): string {
  let baseUrl = p.baseUrl;
  try {
    baseUrl = new URL(p.baseUrl).toString();
  } catch {
    // not a URL: compared as written
  }
  return JSON.stringify([baseUrl.replace(/\/+$/, ''), p.clientId, p.country.toLowerCase(), p.business.toLowerCase()]);
}


/** The owner of a resolved profile's tokens: the saved profile, or (environment identity) an entry named after the identity. */
export function tokenOwner(p: IdentityFields & { name: string; envIdentity?: boolean }): TokenOwner {
  const identity = identityOf(p);
  const name = p.envIdentity ? `${ENV_PREFIX}${process.getBuiltinModule('node:crypto').createHash('sha256').update(identity).digest('hex').slice(0, 16)}` : p.name;
  return { name, identity };
}

/** Entry names of environment identities: `@env/<hash>`. */
const ENV_PREFIX = '@env/';
const ENV_OWNER = /^@env\/[0-9a-f]{16}$/;
/** The lock of the index of environment identities; always taken last (inside a token lock), never first. */
const ENV_INDEX_LOCK = 'tokens-@env-index';

/**
 * Forgets the tokens of every environment identity in a store: those the store lists (file,
 * memory) and those the index names (the keychain cannot list its entries). Returns how many.
 */
export async function clearEnvIdentities(secrets: SecretStore, lockDir: string): Promise<number> {
  const names = new Set(await readEnvIndex(secrets));
  for (const account of (await secrets.list?.()) ?? []) {
    const name = account.endsWith('/tokens') ? account.slice(0, -'/tokens'.length) : '';
    if (ENV_OWNER.test(name)) names.add(name);
  }
  let cleared = 0;
  // Each under its own token lock, as any change of it is (clear() also drops it from the index).
  for (const name of names) if (await new TokenStore(secrets, { name, identity: '' }, lockDir).clear()) cleared += 1;
  return cleared;
}

async function readEnvIndex(secrets: SecretStore): Promise<string[]> {
  try {
    const list = JSON.parse((await secrets.get(accounts.envIndex)) ?? '[]') as unknown;
    return Array.isArray(list) ? list.filter((n): n is string => typeof n === 'string' && ENV_OWNER.test(n)) : [];
  } catch {
    return []; // a damaged index: the entries it named are found no more, nothing else is lost
  }
}

/** The stored form: the identity, then the tokens. */
interface TokenEntry {
  identity: string;
  tokens: TokenMap;
}

export class TokenStore {
  constructor(
    readonly secrets: SecretStore,
    readonly owner: TokenOwner,
    private readonly lockDir: string,
  ) {}

  private get account(): string {
    return accounts.tokens(this.owner.name);
  }

  async all(): Promise<TokenMap> {
    const text = await this.secrets.get(this.account);
    if (!text) return {};
    let entry: Partial<TokenEntry>;
    try {
      entry = JSON.parse(text) as Partial<TokenEntry>;
    } catch {
      return {}; // a damaged cache is only a cache: start again
    }
    // Another identity's tokens (the profile's client ID or base URL changed), or an entry from
    // before identities were recorded: none of them belong to this identity.
    if (entry?.identity !== this.owner.identity || !entry.tokens || typeof entry.tokens !== 'object') return {};
    return entry.tokens;
  }

  async get(key: string): Promise<TokenRecord | undefined> {
    return (await this.all())[key];
  }

  /** Runs fn under this profile's token lock: use it around refreshes so only one process rotates. */
  locked<T>(fn: () => Promise<T>): Promise<T> {
    return withLock(this.lockDir, `tokens-${this.owner.name}`, fn);
  }

  /** Changes the map; call inside `locked` (it does not lock, so that callers can compose steps). */
  async update(change: (tokens: TokenMap) => void): Promise<void> {
    const tokens = await this.all();
    change(tokens);
    if (Object.keys(tokens).length === 0) {
      await this.secrets.delete(this.account);
      await this.indexEnv(false);
    } else {
      await this.secrets.set(this.account, JSON.stringify({ identity: this.owner.identity, tokens } satisfies TokenEntry));
      await this.indexEnv(true);
    }
  }

  /** Keeps an environment identity's entry named in the index, so that `logout --all-identities` finds it. */
  private async indexEnv(stored: boolean): Promise<void> {
    if (!ENV_OWNER.test(this.owner.name)) return;
    await withLock(
      this.lockDir,
      ENV_INDEX_LOCK,
      async () => {
        const names = await readEnvIndex(this.secrets);
        if (names.includes(this.owner.name) === stored) return;
        const next = stored ? [...names, this.owner.name] : names.filter((n) => n !== this.owner.name);
        if (next.length) await this.secrets.set(accounts.envIndex, JSON.stringify(next));
        else await this.secrets.delete(accounts.envIndex);
      },
    );
  }

  put(key: string, record: TokenRecord): Promise<void> {
    return this.locked(() => this.update((t) => void (t[key] = record)));
  }

  remove(key: string): Promise<void> {
    return this.locked(() => this.update((t) => void delete t[key]));
  }

  async clear(): Promise<boolean> {
    return this.locked(async () => {
      const had = await this.secrets.delete(this.account);
      await this.indexEnv(false);
      return had;
    });
  }
}
