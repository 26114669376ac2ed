/**
 * Everything the emulator remembers: clients, issued tokens, and the seeded bank data. What expires
 * (tokens, codes, control flows) is dropped by a periodic sweep, so memory follows what is live.
 */
import { randomBytes } from 'node:crypto';
import v8 from 'node:v8';
import vm from 'node:vm';
import { constantTimeEqual } from '../util/constant-time.js';
import { CONTROL_FLOW_TTL_MS } from '../citi/card.js';
import type { TokenKind } from '../citi/catalogue.js';
import { createSeed, type Seed } from './seed.js';

export interface SandboxClient {
  clientId: string;
  clientSecret: string;
  /** Registered redirect URIs; empty means any loopback redirect is allowed. */
  redirectUris: string[];
  /** SHA-256 fingerprint of the certificate a PSD2 client must present, when bound to one. */
  certFingerprint?: string;
  name?: string;
}

export interface IssuedToken {
  value: string;
  type: 'access' | 'refresh';
  kind: TokenKind;
  clientId: string;
  scopes: string[];
  expiresAt: number;
  issuedAt: number;
  revoked: boolean;
  /** Shared by an access/refresh pair and every pair refreshed from it; revoking one revokes the family. */
  family: number;
  /** The sandbox user a three-legged token speaks for. */
  user?: string;
  /** The card a card token belongs to. */
  cardId?: string;
  /** Set once a refresh token has been used: replaying it revokes the family. */
  used?: boolean;
}

export interface SandboxTtls {
  accessMs: number;
  refreshMs: number;
  codeMs: number;
  controlFlowMs: number;
  /** How long a bizToken from GET /security/e2eKey may wait for its password grant. */
  bizTokenMs: number;
}

export const DEFAULT_TTLS: SandboxTtls = {
  accessMs: 30 * 60_000,
  refreshMs: 30 * 86_400_000,
  codeMs: 120_000,
  controlFlowMs: CONTROL_FLOW_TTL_MS,
  bizTokenMs: 5 * 60_000,
};

/**
 * How long something the emulator handed out is remembered after it expires, so that a late caller
 * hears "expired" rather than "unknown". After that, the sweep drops it.
 */
export const EXPIRED_KEPT_MS = 2_000;
/** How often the sweep runs (an unref'd timer: it never keeps the process alive). */
export const SWEEP_INTERVAL_MS = 250;
/** After a burst: once this many entries are dropped and no token was issued for a sweep interval, memory is collected. */
const COLLECT_AFTER_DROPPED = 10_000;

let fullGc: (() => void) | undefined;
/**
 * A full garbage collection. After a burst of requests V8 may keep the freed memory for as long as
 * nothing allocates, i.e. as long as the emulator stays idle; collecting once then gives it back.
 */
function collectGarbage(): void {
  if (!fullGc) {
    v8.setFlagsFromString('--expose-gc');
    fullGc = vm.runInNewContext('gc') as () => void;
  }
  fullGc();
}

/**
 * A map of things that expire (tokens, codes, control flows), dropped by the emulator's sweep. All
 * entries of one map live equally long, so insertion order is expiry order: a sweep drops from the
 * front and stops at the first entry still live, whatever the map's size.
 */
export class ExpiringMap<K, V extends { expiresAt: number }> {
  private readonly map = new Map<K, V>();

  constructor(private readonly onDrop?: (value: V, key: K) => void) {}

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  /** Adds (or replaces) an entry; it goes to the back, where its expiry belongs. */
  set(key: K, value: V): this {
    this.map.delete(key);
    this.map.set(key, value);
    return this;
  }

  delete(key: K): boolean {
    const value = this.map.get(key);
    if (value === undefined) return false;
    this.map.delete(key);
    this.onDrop?.(value, key);
    return true;
  }

  values(): IterableIterator<V> {
    return this.map.values();
  }

  /** Drops the entries that expired at or before `before`; returns how many went. */
  sweep(before: number): number {
    let dropped = 0;
    for (const [key, value] of this.map) {
      if (value.expiresAt > before) break;
      this.map.delete(key);
      this.onDrop?.(value, key);
      dropped++;
    }
    return dropped;
  }

  clear(): void {
    for (const key of [...this.map.keys()]) this.delete(key);
  }
}

/**
 * Issued tokens, found by value, and by family: a revocation touches only its family's tokens.
 * Access and refresh tokens are kept apart, each kind with its one lifetime (see ExpiringMap).
 */
export class IssuedTokens {
  private readonly byType = {
    access: new ExpiringMap<string, IssuedToken>((t) => this.unlink(t)),
    refresh: new ExpiringMap<string, IssuedToken>((t) => this.unlink(t)),
  };
  /** A family's tokens; a family of one (say, a two-legged token) is the token itself: no array for it. */
  private readonly families = new Map<number, IssuedToken | IssuedToken[]>();
  private readonly familyGone: ((family: number) => void)[] = [];

  get size(): number {
    return this.byType.access.size + this.byType.refresh.size;
  }

  /** How many families have a token left. */
  get familyCount(): number {
    return this.families.size;
  }

  get(value: string, type?: IssuedToken['type']): IssuedToken | undefined {
    if (type) return this.byType[type].get(value);
    return this.byType.access.get(value) ?? this.byType.refresh.get(value);
  }

  add(token: IssuedToken): void {
    this.byType[token.type].set(token.value, token);
    const members = this.families.get(token.family);
    if (!members) this.families.set(token.family, token);
    else if (Array.isArray(members)) members.push(token);
    else this.families.set(token.family, [members, token]);
  }

  /** Calls `listener` when the last token of a family is dropped (what belongs to the family can go too). */
  onFamilyGone(listener: (family: number) => void): void {
    this.familyGone.push(listener);
  }

  /** The tokens of a family still remembered. */
  family(family: number): readonly IssuedToken[] {
    const members = this.families.get(family);
    return members === undefined ? [] : Array.isArray(members) ? members : [members];
  }

  *values(): IterableIterator<IssuedToken> {
    yield* this.byType.access.values();
    yield* this.byType.refresh.values();
  }

  sweep(before: number): number {
    return this.byType.access.sweep(before) + this.byType.refresh.sweep(before);
  }

  /** Forgets every token, as a restarted server would. */
  clear(): void {
    this.byType.access.clear();
    this.byType.refresh.clear();
  }

  private unlink(token: IssuedToken): void {
    const members = this.families.get(token.family);
    if (Array.isArray(members)) {
      const i = members.indexOf(token);
      if (i >= 0) members.splice(i, 1);
      if (members.length) return;
    } else if (members !== token) return;
    this.families.delete(token.family);
    for (const listener of this.familyGone) listener(token.family);
  }
}

export class SandboxState {
  readonly clients = new Map<string, SandboxClient>();
  readonly tokens = new IssuedTokens();
  readonly seed: Seed = createSeed();
  /** The emulator's log (the request log's sink); e.g. where a "sent" OTP shows up. */
  log: (line: string) => void = () => {};
  /** `--auto-consent`: the authorize endpoint signs in the first sandbox user and consents at once. */
  autoConsent = false;
  private readonly expiring: { size: number; sweep(before: number): number }[] = [];
  private lastFamily = 0;
  /** Tokens issued so far. */
  private issued = 0;
  private sweeper?: NodeJS.Timeout;

  constructor(
    readonly ttls: SandboxTtls,
    readonly now: () => number = Date.now,
  ) {}

  /** A map of things that expire, swept with the tokens; every entry must live equally long (see ExpiringMap). */
  expiringMap<K, V extends { expiresAt: number }>(onDrop?: (value: V, key: K) => void): ExpiringMap<K, V> {
    const map = new ExpiringMap<K, V>(onDrop);
    this.expiring.push(map);
    return map;
  }

  /** Drops what expired more than EXPIRED_KEPT_MS ago: tokens, and every map from expiringMap(); returns how many went. */
  sweep(): number {
    const before = this.now() - EXPIRED_KEPT_MS;
    return this.expiring.reduce((n, map) => n + map.sweep(before), this.tokens.sweep(before));
  }

  /** How much is remembered: tokens, their families, and entries of the other expiring maps. */
  remembered(): { tokens: number; families: number; transient: number } {
    return { tokens: this.tokens.size, families: this.tokens.familyCount, transient: this.expiring.reduce((n, m) => n + m.size, 0) };
  }

  /** Sweeps every SWEEP_INTERVAL_MS until stopSweeping(). */
  startSweeping(): void {
    let dropped = 0;
    let issued = this.issued;
    this.sweeper ??= setInterval(() => {
      dropped += this.sweep();
      const idle = issued === this.issued;
      issued = this.issued;
      if (idle && dropped >= COLLECT_AFTER_DROPPED) {
        dropped = 0;
        collectGarbage();
      }
    }, SWEEP_INTERVAL_MS).unref();
  }

  stopSweeping(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  addClient(client: SandboxClient): void {
    this.clients.set(client.clientId, client);
  }

  /** The client whose id and secret match (constant-time on the secret), or undefined. */
  authenticate(clientId: string, clientSecret: string): SandboxClient | undefined {
    const client = this.clients.get(clientId);
    if (!client) return undefined;
    return safeEqual(client.clientSecret, clientSecret) ? client : undefined;
  }

  /** Issues an access token, and a refresh token in the same family when asked. */
  issue(opts: {
    kind: TokenKind;
    clientId: string;
    scopes: string[];
    withRefresh: boolean;
    family?: number;
    user?: string;
    cardId?: string;
  }): { access: IssuedToken; refresh?: IssuedToken } {
    const now = this.now();
    this.issued++;
    const family = opts.family ?? ++this.lastFamily;
    const token = (type: IssuedToken['type'], value: string, expiresAt: number): IssuedToken => ({
      value,
      type,
      kind: opts.kind,
      clientId: opts.clientId,
      scopes: opts.scopes,
      expiresAt,
      issuedAt: now,
      revoked: false,
      family,
      ...(opts.user ? { user: opts.user } : {}),
      ...(opts.cardId ? { cardId: opts.cardId } : {}),
    });
    const access = token('access', newTokenValue('AAIk'), now + this.ttls.accessMs);
    this.tokens.add(access);
    if (!opts.withRefresh) return { access };
    const refresh = token('refresh', newTokenValue('RRIk'), now + this.ttls.refreshMs);
    this.tokens.add(refresh);
    return { access, refresh };
  }

  /** Revokes every token of a family. */
  revokeFamily(family: number): void {
    for (const t of this.tokens.family(family)) t.revoked = true;
  }

  /** The token with a reason when it cannot be used (unknown, expired, revoked); no reason means live. */
  liveToken(value: string, type: IssuedToken['type']): { token?: IssuedToken; reason?: 'unknown' | 'expired' | 'revoked' } {
    const token = this.tokens.get(value, type);
    if (!token) return { reason: 'unknown' };
    if (token.revoked) return { token, reason: 'revoked' };
    if (token.expiresAt <= this.now()) return { token, reason: 'expired' };
    return { token };
  }
}

export function newTokenValue(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** Constant-time comparison; one implementation for the client and the emulator. */
export const safeEqual = constantTimeEqual;
