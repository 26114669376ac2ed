/**
 * The request/validate pairs of the token endpoints, sent over HTTP to the emulator: what each
 * validator makes of the real server's answers.
 */
import { describe, expect, it } from 'vitest';
import { buildClientCredentialsRequest, validateClientCredentialsResponse } from '../../src/auth/client-credentials.js';
import { buildRevocationRequest, validateRevocationResponse } from '../../src/auth/revoke.js';
import { buildRefreshRequest, toRecord, validateRefreshResponse } from '../../src/auth/token-endpoint.js';
import { DEFAULT_PATHS } from '../../src/citi/endpoints.js';
import type { ResolvedProfile } from '../../src/config/profiles.js';
import { AuthError } from '../../src/errors.js';
import { HttpClient } from '../../src/http/client.js';
import { sandbox } from '../helpers/sandbox.js';

async function emulator() {
  const s = await sandbox();
  // What the request builders read of a profile.
  const profile = { country: 'sg', business: 'gcb', clientId: s.clientId, paths: { ...DEFAULT_PATHS } } as ResolvedProfile;
  return { s, ctx: { profile }, http: new HttpClient({ baseUrl: s.url, clientId: s.clientId }) };
}

describe('token endpoint request/validate pairs against the emulator', () => {
  it('client credentials: a token; the revocation of it offers the access token and is done', async () => {
    const { s, ctx, http } = await emulator();
    const token = validateClientCredentialsResponse(await http.request(buildClientCredentialsRequest(ctx, s.clientSecret, '/api')));
    expect(token.token_type.toLowerCase()).toBe('bearer');
    expect(token.expires_in).toBeGreaterThan(0);
    const record = toRecord('two-legged', token, Date.now(), '/api');
    const revoke = buildRevocationRequest(ctx, 'authCodeRevoke', s.clientSecret, record, Date.now());
    // No refresh token: the access token is offered, with its hint.
    expect(revoke.form).toEqual({ token: token.access_token, token_type_hint: 'access_token' });
    const res = await http.request(revoke);
    expect(res.status).toBe(200);
    expect(() => validateRevocationResponse(res, 'Revoking')).not.toThrow();
  });

  it('revocation with a wrong client secret: an auth error naming the server\'s answer', async () => {
    const { s, ctx, http } = await emulator();
    const token = validateClientCredentialsResponse(await http.request(buildClientCredentialsRequest(ctx, s.clientSecret, '/api')));
    const record = toRecord('two-legged', token, Date.now(), '/api');
    const res = await http.request(buildRevocationRequest(ctx, 'authCodeRevoke', 'not-the-secret', record, Date.now()));
    expect(res.status).toBe(401);
    expect(() => validateRevocationResponse(res, 'Revoking')).toThrow(AuthError);
    expect(() => validateRevocationResponse(res, 'Revoking')).toThrow(/^Revoking failed: invalid_client/);
  });

  it('refresh with a refresh token the server does not know: refused (invalid_grant), not thrown', async () => {
    const { s, ctx, http } = await emulator();
    const res = await http.request(buildRefreshRequest(ctx, 'authCodeRefresh', s.clientSecret, 'no-such-refresh-token'));
    expect(validateRefreshResponse(res, 'Refreshing')).toEqual({ refused: 'the server refused the refresh token (invalid_grant: The refresh token is not valid)' });
  });

  it('refresh with a wrong client secret: thrown, as any failure other than a refused refresh token', async () => {
    const { ctx, http } = await emulator();
    const res = await http.request(buildRefreshRequest(ctx, 'authCodeRefresh', 'not-the-secret', 'no-such-refresh-token'));
    expect(() => validateRefreshResponse(res, 'Refreshing')).toThrow(AuthError);
  });
});
