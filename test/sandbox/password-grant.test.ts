/** The emulator's password grant over real HTTP: E2E key, bizToken, the grant, and what the token opens. */
import { constants, createPublicKey, publicEncrypt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encryptPassword, type E2eKey } from '../../src/citi/e2e.js';
import type { RunningSandbox } from '../../src/sandbox/server.js';
import { modelProblems } from '../helpers/citi-models.js';
import { sandbox } from '../helpers/sandbox.js';
import { api, basic, tokenCall } from '../helpers/three-legged.js';
import { SANDBOX_PASSWORD } from '../helpers/consent.js';

const PASSWORD = SANDBOX_PASSWORD;

async function twoLegged(s: RunningSandbox): Promise<string> {
  return (await tokenCall(s, '/clientCredentials/oauth2/token/sg/gcb', { grant_type: 'client_credentials', scope: '/api' })).body.access_token as string;
}

async function e2eKey(s: RunningSandbox, token?: string) {
  const res = await fetch(s.url + '/security/e2eKey', {
    headers: {
      authorization: `Bearer ${token ?? (await twoLegged(s))}`,
      uuid: crypto.randomUUID(),
      client_id: s.clientId,
      countryCode: 'SG',
      businessCode: 'GCB',
      channelId: 'INTERNET',
      accept: 'application/json',
    },
  });
  return { status: res.status, key: (await res.json()) as E2eKey, bizToken: res.headers.get('bizToken') ?? '' };
}

function grant(s: RunningSandbox, fields: Record<string, string>, bizToken: string, auth = basic(s)) {
  return fetch(s.url + '/password/oauth2/token/sg/gcb', {
    method: 'POST',
    headers: { authorization: auth, BizToken: bizToken, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(fields),
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));
}

async function signIn(s: RunningSandbox, username = 'SandboxUser2', password = PASSWORD) {
  const { key, bizToken } = await e2eKey(s);
  return grant(s, { grant_type: 'password', scope: '/api', username, password: encryptPassword(password, key) }, bizToken);
}

const INVALID_CREDENTIALS = { type: 'invalid', code: '401', details: 'Authorization credentials are missing or invalid' };

describe('emulator: GET /security/e2eKey', () => {
  it('answers a 2048-bit RSA key as hex modulus and exponent, and a bizToken header', async () => {
    const s = await sandbox();
    const { status, key, bizToken } = await e2eKey(s);
    expect(status).toBe(200);
    expect(modelProblems(key, 'GetEncryptionKeyResponse')).toEqual([]);
    expect(key.modulus).toMatch(/^[0-9A-F]{512}$/);
    expect(key.exponent).toBe('10001');
    expect(bizToken).toMatch(/^BIZ/);
    // The same key for every request, a new bizToken each time.
    const again = await e2eKey(s);
    expect(again.key).toEqual(key);
    expect(again.bizToken).not.toBe(bizToken);
  });

  it('takes a two-legged bearer token only', async () => {
    const s = await sandbox();
    expect((await e2eKey(s, 'AAIkbogus')).status).toBe(401);
  });
});

describe('emulator: the password grant', () => {
  it("answers Citi's token body with scope /api; the token opens every customer API; refresh and revoke at the authCode endpoints", async () => {
    const s = await sandbox();
    const res = await signIn(s);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 1800, scope: '/api', refresh_token_expires_in: 2592000 });
    expect(Object.keys(res.body).sort()).toEqual(['access_token', 'consented_on', 'expires_in', 'refresh_token', 'refresh_token_expires_in', 'scope', 'token_type']);
    const token = res.body.access_token as string;
    for (const path of ['/v1/accounts', '/v1/customers/profiles', '/v1/cards?cardFunction=ALL', '/v1/moneyMovement/personalDomesticTransfers/destinationAccounts/sourceAccounts']) {
      expect((await api(s, token, path)).status, path).toBe(200);
    }
    // SandboxUser2's own accounts.
    expect(JSON.stringify((await api(s, token, '/v1/accounts')).body)).toContain('CHK2');

    const refreshed = await tokenCall(s, '/authCode/oauth2/refresh', { grant_type: 'refresh_token', refresh_token: res.body.refresh_token as string });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.scope).toBe('/api');
    const fresh = refreshed.body.access_token as string;
    expect((await api(s, fresh, '/v1/accounts')).status).toBe(200);
    const revoked = await tokenCall(s, '/authCode/oauth2/revoke', { token: refreshed.body.refresh_token as string, token_type_hint: 'refresh_token' });
    expect(revoked.status).toBe(200);
    expect((await api(s, fresh, '/v1/accounts')).body).toMatchObject({ type: 'error', code: 'unAuthorized' });
  });

  it('decrypts a password encrypted with plain RSA PKCS#1 v1.5 from the hex key (as any client would)', async () => {
    const s = await sandbox();
    const { key, bizToken } = await e2eKey(s);
    const publicKey = createPublicKey({ key: { kty: 'RSA', n: Buffer.from(key.modulus, 'hex').toString('base64url'), e: Buffer.from('010001', 'hex').toString('base64url') }, format: 'jwk' });
    const encrypted = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(PASSWORD)).toString('hex');
    expect((await grant(s, { grant_type: 'password', scope: '/api', username: 'sandboxuser3', password: encrypted }, bizToken)).status).toBe(200);
  });

  it('refuses an unknown user, a wrong password and an unencrypted password with 401 type invalid', async () => {
    const s = await sandbox();
    expect(await signIn(s, 'NoSuchUser')).toEqual({ status: 401, body: INVALID_CREDENTIALS });
    expect(await signIn(s, 'SandboxUser1', 'wrong')).toEqual({ status: 401, body: INVALID_CREDENTIALS });
    const { bizToken } = await e2eKey(s);
    expect(await grant(s, { grant_type: 'password', scope: '/api', username: 'SandboxUser1', password: PASSWORD }, bizToken)).toEqual({ status: 401, body: INVALID_CREDENTIALS });
  });

  it('takes each bizToken once, from the client it was given to, before it expires', async () => {
    let now = Date.UTC(2025, 0, 1);
    const s = await sandbox({ now: () => now, ttls: { bizTokenMs: 60_000 } });
    const { key, bizToken } = await e2eKey(s);
    const fields = { grant_type: 'password', scope: '/api', username: 'SandboxUser1', password: encryptPassword(PASSWORD, key) };
    expect((await grant(s, fields, bizToken)).status).toBe(200);
    const reused = await grant(s, fields, bizToken);
    expect(reused).toEqual({ status: 401, body: { type: 'invalid', code: 'invalidBizToken', details: 'The bizToken is missing, expired or already used' } });
    expect((await grant(s, fields, '')).body.code).toBe('invalidBizToken');

    s.state.addClient({ clientId: 'other-app', clientSecret: 'other-secret', redirectUris: [] });
    const theirs = await e2eKey(s);
    expect((await grant(s, fields, theirs.bizToken, basic(s, 'other-app', 'other-secret'))).body.code).toBe('invalidBizToken');

    const late = await e2eKey(s);
    now += 60_001;
    expect((await grant(s, fields, late.bizToken)).body.code).toBe('invalidBizToken');
  });

  it('answers a grant type it does not serve with a bare invalid_grant', async () => {
    const s = await sandbox();
    const { bizToken } = await e2eKey(s);
    expect(await grant(s, { grant_type: 'client_credentials', scope: '/api' }, bizToken)).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });
});
