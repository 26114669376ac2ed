import { describe, expect, it } from 'vitest';
import { fillPath, DEFAULT_PATHS } from '../../src/citi/endpoints.js';
import { basicAuthorization, parseBasicAuthorization } from '../../src/citi/oauth.js';
import { findApi, matchEndpoint, normaliseScopes } from '../../src/citi/catalogue.js';
import { redactJson, redactQuery } from '../../src/citi/secrets.js';
import { redactBody, redactHeaders, redactUrl, scrub } from '../../src/http/redact.js';
import { formatDuration, parseDuration } from '../../src/util/duration.js';
import { isFresh, tokenKey } from '../../src/store/tokens.js';
import { validateBaseUrl } from '../../src/config/profiles.js';
import { UsageError } from '../../src/errors.js';

describe('endpoint paths', () => {
  it('fills country and business codes in the case each template asks for', () => {
    expect(fillPath(DEFAULT_PATHS.clientCredentialsToken, { country: 'SG', business: 'GCB' })).toBe('/clientCredentials/oauth2/token/sg/gcb');
    expect(fillPath(DEFAULT_PATHS.cardAuthorize, { country: 'hk', business: 'gcb' })).toBe('/cardAuth/oauth2/authorize/HK/gcb');
  });
});

describe('HTTP Basic client authentication', () => {
  it('form-urlencodes the id and secret before base64 (RFC 6749 §2.3.1), and reads them back', () => {
    const header = basicAuthorization('my id:é', 'se:cr+et% ü');
    expect(Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8')).toBe('my+id%3A%C3%A9:se%3Acr%2Bet%25+%C3%BC');
    expect(parseBasicAuthorization(header)).toEqual({ clientId: 'my id:é', clientSecret: 'se:cr+et% ü' });
    // Letters and digits, as Citi issues them, come out as plain base64(id:secret).
    expect(basicAuthorization('my-id', 'Secret123')).toBe('Basic ' + Buffer.from('my-id:Secret123').toString('base64'));
  });
  it('rejects other schemes and malformed values', () => {
    expect(parseBasicAuthorization('Bearer abc')).toBeNull();
    expect(parseBasicAuthorization(undefined)).toBeNull();
    expect(parseBasicAuthorization('Basic ' + Buffer.from('no-colon').toString('base64'))).toBeNull();
  });
});

describe('API catalogue', () => {
  it('maps paths to the kind of token and scope they need, on whole segments', () => {
    expect(findApi('/v1/apac/onboarding/products?x=1')).toMatchObject({ kind: 'two-legged' });
    expect(findApi('/v1/accounts/123/transactions')).toMatchObject({ kind: 'three-legged', scope: 'accounts_details_transactions' });
    expect(findApi('/v1/creditCards/C1/transactions/eligibility/easyPaymentPlan')).toMatchObject({ kind: 'card' });
    expect(findApi('/v1/accountsXYZ')).toBeUndefined();
  });
  it('matches path templates, literal segments before parameters, and the method when given', () => {
    expect(matchEndpoint('/v1/moneyMovement/payees/sourceAccounts')?.entry.path).toBe('/v1/moneyMovement/payees/sourceAccounts');
    expect(matchEndpoint('/v1/moneyMovement/payees/PAY1')).toMatchObject({ entry: { path: '/v1/moneyMovement/payees/{payeeId}', scope: 'payees' }, params: { payeeId: 'PAY1' } });
    expect(matchEndpoint('/gcb//v1/accounts/A%2F1?x=1'.slice(4))).toMatchObject({ entry: { path: '/v1/accounts/{accountId}' }, params: { accountId: 'A/1' } });
    expect(findApi('/v1/accounts/A1/consents', 'POST')).toMatchObject({ method: 'POST', kind: 'three-legged' });
    expect(matchEndpoint('/v1/accounts', 'DELETE')).toBeUndefined();
    expect(findApi('/v1/apac/rewards/RLC1/pointBalance')).toMatchObject({ kind: 'two-legged', scope: '/api', product: 'Pay with Points' });
    expect(findApi('/v1/creditCards/C1/easyPaymentPlans/bookings', 'POST')).toMatchObject({ kind: 'card', scope: 'epp_booking' });
  });
  it('normalises scope lists', () => {
    expect(normaliseScopes('cards  accounts_details_transactions,cards')).toBe('accounts_details_transactions cards');
  });
});

describe('redaction', () => {
  it('hides secret query parameters, JSON fields, form fields and headers', () => {
    expect(redactQuery('a=1&code=xyz&state=s')).toBe('a=1&code=[REDACTED]&state=s');
    // In JSON, `code` is Citi's error code, not an authorization code: it stays.
    expect(redactBody('{"type":"invalid","code":"invalidRequest","details":"x"}', 'application/json')).toBe('{"type":"invalid","code":"invalidRequest","details":"x"}');
    expect(redactBody('grant_type=authorization_code&code=abc', 'application/x-www-form-urlencoded')).toBe('grant_type=authorization_code&code=[REDACTED]');
    expect(redactUrl('http://me:p%40ss@proxy.test:3128/')).toBe('http://me:[REDACTED]@proxy.test:3128/');
    expect(redactHeaders({ 'Proxy-Authorization': 'Basic abc' })).toEqual({ 'Proxy-Authorization': '[REDACTED]' });
    expect(redactJson({ access_token: 't', nested: [{ refresh_token: 'r', keep: 1 }] })).toEqual({
      access_token: '[REDACTED]',
      nested: [{ refresh_token: '[REDACTED]', keep: 1 }],
    });
    expect(redactBody('grant_type=refresh_token&refresh_token=abc', 'application/x-www-form-urlencoded')).toBe(
      'grant_type=refresh_token&refresh_token=[REDACTED]',
    );
    expect(redactHeaders({ Authorization: 'Bearer abc', client_id: 'id', uuid: 'u' })).toEqual({
      Authorization: 'Bearer [REDACTED]',
      client_id: 'id',
      uuid: 'u',
    });
    expect(redactHeaders({ authorization: 'bare-credential' })).toEqual({ authorization: '[REDACTED]' });
    expect(redactBody('opaque text', 'text/plain')).toBe('<11 bytes of text/plain>');
    expect(scrub('token abcdef leaked', ['abcdef'])).toBe('token [REDACTED] leaked');
  });
});

describe('durations', () => {
  it('parses units and bare seconds', () => {
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('1500ms')).toBe(1500);
    expect(parseDuration('90')).toBe(90_000);
    expect(() => parseDuration('soon')).toThrow(/Invalid duration/);
  });
  it('formats remaining time', () => {
    expect(formatDuration(95_000)).toBe('1m 35s');
    expect(formatDuration(-1)).toBe('expired');
  });
});

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

describe('base URL check', () => {
  it('accepts https anywhere and plain http only on loopback', () => {
    expect(validateBaseUrl('https://sandbox.apihub.citi.com/gcb/api/')).toBe('https://sandbox.apihub.citi.com/gcb/api');
    expect(validateBaseUrl('http://127.0.0.1:8080/gcb/api')).toBe('http://127.0.0.1:8080/gcb/api');
    expect(validateBaseUrl('http://localhost:1/gcb/api')).toBe('http://localhost:1/gcb/api');
    expect(() => validateBaseUrl('http://example.com/gcb/api')).toThrow(UsageError);
    expect(() => validateBaseUrl('http://example.com/gcb/api')).toThrow(/Refusing plain http to example.com/);
    expect(() => validateBaseUrl('not a url')).toThrow(/Invalid base URL/);
  });
});
