/**
 * The headless customer sign-in: `GET /security/e2eKey` answers the emulator's RSA public key (hex
 * modulus and exponent) with a one-time bizToken bound to the client; the password grant decrypts
 * the password with the private key, spends that bizToken, and issues a customer token pair with
 * scope `/api`, refreshed and revoked at the authorization-code endpoints like any customer token.
 */
import { generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { catalogued } from '../citi/catalogue.js';
import { DEFAULT_PATHS } from '../citi/endpoints.js';
import { decryptPassword, e2eKeyOf } from '../citi/e2e.js';
import { GRANT_TYPES, HEADERS, type PasswordForm } from '../citi/wire.js';
import { TWO_LEGGED_SCOPE } from '../citi/oauth.js';
import { callerToken, requireGrant, tokenEndpoint } from './guard.js';
import { citiError, header, json, type Route } from './http.js';
import { pairTokenBody } from './oauth-token-pairs.js';
import { SANDBOX_PASSWORD, SANDBOX_USERS } from '../citi/sandbox-users.js';
import { safeEqual, type SandboxState } from './state.js';

interface BizToken {
  clientId: string;
  expiresAt: number;
}

const KEY_BITS = 2048;

export function passwordGrantRoutes(state: SandboxState): Route[] {
  let keys: Promise<{ publicKey: KeyObject; privateKey: KeyObject }> | undefined;
  // Made on first use: a 2048-bit key takes a moment, and most emulators never need one.
  const keyPair = () => (keys ??= promisify(generateKeyPair)('rsa', { modulusLength: KEY_BITS }));
  // Dropped by the emulator's sweep once expired.
  const bizTokens = state.expiringMap<string, BizToken>();

  return [
    {
      // A catalogued API: the server's catalogue check has taken its two-legged token.
      api: catalogued('GET', DEFAULT_PATHS.e2eKey),
      handler: async (req) => {
        const token = callerToken(req);
        const { publicKey } = await keyPair();
        const now = state.now();
        const bizToken = 'BIZ' + randomBytes(24).toString('base64url');
        bizTokens.set(bizToken, { clientId: token.clientId, expiresAt: now + state.ttls.bizTokenMs });
        return json(e2eKeyOf(publicKey), 200, { [HEADERS.bizTokenResponse]: bizToken, 'cache-control': 'no-store' });
      },
    },
    tokenEndpoint<PasswordForm>(state, DEFAULT_PATHS.passwordToken, async (f, client, req) => {
      requireGrant(f, GRANT_TYPES.password);
      const value = header(req, HEADERS.bizTokenRequest) ?? '';
      const biz = bizTokens.get(value);
      // Spent on first sight, whatever follows: a bizToken is good for one try.
      bizTokens.delete(value);
      if (!biz || biz.clientId !== client.clientId || biz.expiresAt <= state.now()) throw citiError('invalidBizToken');
      if (!f.username || !f.password) throw citiError('invalidCredentials');
      const { privateKey } = await keyPair();
      const password = decryptPassword(f.password, privateKey);
      const user = SANDBOX_USERS.find((u) => u.toLowerCase() === f.username!.trim().toLowerCase());
      if (!user || password === undefined || !safeEqual(password, SANDBOX_PASSWORD)) throw citiError('invalidCredentials');
      // A password-grant token carries /api and speaks for the customer to every customer API.
      const pair = state.issue({ kind: 'three-legged', clientId: client.clientId, scopes: [TWO_LEGGED_SCOPE], withRefresh: true, user });
      return json(pairTokenBody(pair.access, pair.refresh!), 200, { 'cache-control': 'no-store' });
    }),
  ];
}
