import { describe, expect, it } from 'vitest';
import { fillPath, DEFAULT_PATHS } from '../../src/citi/endpoints.js';
import { basicAuthorization, parseBasicAuthorization } from '../../src/citi/oauth.js';
import { findApi, matchEndpoint, normaliseScopes } from '../../src/citi/catalogue.js';

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
