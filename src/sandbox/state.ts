/** Everything the emulator remembers: clients, issued tokens, and the seeded bank data. */
import { randomBytes, randomUUID } from 'node:crypto';
import { constantTimeEqual } from '../util/constant-time.js';
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
  family: string;
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
  controlFlowMs: 5 * 60_000,
  bizTokenMs: 5 * 60_000,
};

export class SandboxState {
  readonly clients = new Map<string, SandboxClient>();
  readonly tokens = new Map<string, IssuedToken>();
  readonly seed: Seed = createSeed();
  /** The emulator's log (the request log's sink); e.g. where a "sent" OTP shows up. */
  log: (line: string) => void = () => {};
  /** `--auto-consent`: the authorize endpoint signs in the first sandbox user and consents at once. */
  autoConsent = false;

  constructor(
    readonly ttls: SandboxTtls,
    readonly now: () => number = Date.now,
  ) {}

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
    family?: string;
    user?: string;
    cardId?: string;
  }): { access: IssuedToken; refresh?: IssuedToken } {
    const now = this.now();
    const family = opts.family ?? randomUUID();
    const base = { kind: opts.kind, clientId: opts.clientId, scopes: opts.scopes, issuedAt: now, revoked: false, family };
    const extra = { ...(opts.user ? { user: opts.user } : {}), ...(opts.cardId ? { cardId: opts.cardId } : {}) };
    const access: IssuedToken = { ...base, ...extra, value: newTokenValue('AAIk'), type: 'access', expiresAt: now + this.ttls.accessMs };
    this.tokens.set(access.value, access);
    if (!opts.withRefresh) return { access };
    const refresh: IssuedToken = { ...base, ...extra, value: newTokenValue('RRIk'), type: 'refresh', expiresAt: now + this.ttls.refreshMs };
    this.tokens.set(refresh.value, refresh);
    return { access, refresh };
  }

  /** Revokes every token of a family. */
  revokeFamily(family: string): void {
    for (const t of this.tokens.values()) if (t.family === family) t.revoked = true;
  }

  /** The token with a reason when it cannot be used (unknown, expired, revoked); no reason means live. */
  liveToken(value: string, type: IssuedToken['type']): { token?: IssuedToken; reason?: 'unknown' | 'expired' | 'revoked' } {
    const token = this.tokens.get(value);
    if (!token || token.type !== type) return { reason: 'unknown' };
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
