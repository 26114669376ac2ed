/** The emulator's two-legged protocol, spoken over real HTTP with fetch (not our client). */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { basicAuthorization } from '../../src/citi/oauth.js';
import { sandbox } from '../helpers/sandbox.js';
import type { RunningSandbox } from '../../src/sandbox/server.js';

const FORM = 'application/x-www-form-urlencoded';

async function tokenCall(s: RunningSandbox, body: string, auth = basicAuthorization(s.clientId, s.clientSecret), contentType = FORM) {
  const res = await fetch(`${s.url}/clientCredentials/oauth2/token/sg/gcb`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': contentType, accept: 'application/json' },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function token(s: RunningSandbox): Promise<string> {
  const res = await tokenCall(s, 'grant_type=client_credentials&scope=%2Fapi');
  return res.body.access_token as string;
}

async function api(s: RunningSandbox, method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { uuid: randomUUID(), client_id: s.clientId, accept: 'application/json', ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(s.url + path, { method, headers, ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, any>) : undefined, headers: res.headers };
}

describe('two-legged token endpoint', () => {
  it('issues a Bearer token for /api with Citi fields', async () => {
    const s = await sandbox();
    const res = await tokenCall(s, 'grant_type=client_credentials&scope=%2Fapi');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 1800, scope: '/api' });
    expect(res.body.access_token).toMatch(/^AAIk/);
    expect(typeof res.body.consented_on).toBe('number');
  });

  it('honours the configured access token lifetime', async () => {
    const s = await sandbox({ ttls: { accessMs: 30_000 } });
    expect((await tokenCall(s, 'grant_type=client_credentials&scope=%2Fapi')).body.expires_in).toBe(30);
  });

  it.each([
    ['a wrong secret', 'grant_type=client_credentials&scope=%2Fapi', 'wrong', FORM, 401, 'invalid_client'],
    ['no client authentication', 'grant_type=client_credentials&scope=%2Fapi', '', FORM, 401, 'invalid_client'],
    ['a grant it does not serve (Citi: invalid_grant)', 'grant_type=password&scope=%2Fapi', undefined, FORM, 400, 'invalid_grant'],
    ['an unknown scope', 'grant_type=client_credentials&scope=accounts', undefined, FORM, 400, 'invalid_scope'],
    ['no scope', 'grant_type=client_credentials', undefined, FORM, 400, 'invalid_request'],
    ['a JSON body', '{}', undefined, 'application/json', 400, 'invalid_request'],
  ])('refuses %s', async (_name, body, secret, contentType, status, error) => {
    const s = await sandbox();
    const auth = secret === undefined ? basicAuthorization(s.clientId, s.clientSecret) : secret ? basicAuthorization(s.clientId, secret) : '';
    const res = await tokenCall(s, body, auth, contentType);
    expect(res.status).toBe(status);
    expect(res.body.error).toBe(error);
  });
});

describe('resource calls: the bearer check', () => {
  it('accepts a good token and refuses missing, unknown, expired and foreign tokens', async () => {
    let now = 1_000_000;
    const s = await sandbox({ now: () => now, ttls: { accessMs: 60_000 } });
    const t = await token(s);
    expect((await api(s, 'GET', '/v1/apac/onboarding/products', { token: t })).status).toBe(200);

    const none = await api(s, 'GET', '/v1/apac/onboarding/products');
    expect(none).toMatchObject({ status: 401, body: { type: 'error', code: 'unAuthorized' } });
    expect((await api(s, 'GET', '/v1/apac/onboarding/products', { token: 'AAIkbogus' })).status).toBe(401);

    const wrongClient = await api(s, 'GET', '/v1/apac/onboarding/products', { token: t, headers: { client_id: 'someone-else' } });
    expect(wrongClient).toMatchObject({ status: 401, body: { type: 'unAuthorized', code: '401' } });

    const noUuid = await fetch(`${s.url}/v1/apac/onboarding/products`, { headers: { authorization: `Bearer ${t}`, client_id: s.clientId } });
    expect(noUuid.status).toBe(400);
    expect(await noUuid.json()).toMatchObject({ type: 'invalid', code: 'invalidRequest', details: 'The uuid header is required' });

    now += 61_000;
    const expired = await api(s, 'GET', '/v1/apac/onboarding/products', { token: t });
    expect(expired).toMatchObject({ status: 401, body: { details: 'The access token has expired' } });
  });

  it('answers unknown paths with 404 and wrong methods with 405, in Citi error shape', async () => {
    const s = await sandbox();
    const t = await token(s);
    expect(await api(s, 'GET', '/v1/nothing/here', { token: t })).toMatchObject({ status: 404, body: { code: 'resourceNotFound' } });
    expect(await api(s, 'DELETE', '/v1/apac/onboarding/products', { token: t })).toMatchObject({ status: 405 });
    const outside = await fetch(s.url.replace('/gcb/api', '/other'));
    expect(outside.status).toBe(404);
  });

  it('injects server faults on request', async () => {
    const s = await sandbox();
    const t = await token(s);
    const res = await api(s, 'GET', '/v1/apac/onboarding/products', { token: t, headers: { 'sandbox-fault': '503' } });
    expect(res).toMatchObject({ status: 503, body: { type: 'fatal', code: 'serverUnavailable' } });
  });

  it('rejects malformed JSON bodies', async () => {
    const s = await sandbox();
    const t = await token(s);
    const res = await fetch(`${s.url}/v1/apac/rewards/linkage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t}`, client_id: s.clientId, uuid: randomUUID(), 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'invalidRequest', details: 'The body is not valid JSON' });
  });
});

describe('Onboarding', () => {
  it('lists products with paging', async () => {
    const s = await sandbox();
    const t = await token(s);
    const all = await api(s, 'GET', '/v1/apac/onboarding/products', { token: t });
    expect(all.body!.products).toHaveLength(5);
    expect(all.body!.products[0]).toEqual({ productCode: 'VC830', productDescription: 'Citi PremierMiles Card', productType: 'CREDIT_CARD', sourceCode: 'WW5ARCE1' });
    expect(all.body!.nextStartIndex).toBe('');
    const page = await api(s, 'GET', '/v1/apac/onboarding/products?requestSize=2&nextStartIndex=3', { token: t });
    expect(page.body!.products.map((p: { productCode: string }) => p.productCode)).toEqual(['MC450', 'RC100']);
    expect(page.body!.nextStartIndex).toBe('5');
    expect((await api(s, 'GET', '/v1/apac/onboarding/products?requestSize=0', { token: t })).status).toBe(400);
  });

  it('creates an application and reports its status', async () => {
    const s = await sandbox();
    const t = await token(s);
    const created = await api(s, 'POST', '/v1/apac/onboarding/products/unsecured/applications', {
      token: t,
      body: {
        product: { creditCardProduct: { productCode: 'VC820', sourceCode: 'WEB', organization: '888', logo: '100' } },
        applicant: { name: { givenName: 'Ada', surname: 'Tan' }, phone: [{ phoneType: 'MOBILE', phoneCountryCode: '65', phoneNumber: '90001234' }] },
      },
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ applicationId: 'APP00000001', applicationStage: 'PRESCREENING' });
    expect(created.body!.controlFlowId).toMatch(/^[0-9a-f]{32}$/);
    const status = await api(s, 'GET', `/v1/apac/onboarding/products/unsecured/applications/APP00000001/status?controlFlowId=${created.body!.controlFlowId as string}`, { token: t });
    expect(status.body).toEqual({ applicationId: 'APP00000001', applicationStage: 'PRESCREENING', productCode: 'VC820' });
    expect((await api(s, 'GET', '/v1/apac/onboarding/products/unsecured/applications/APP404/status?controlFlowId=CF1', { token: t })).status).toBe(400); // an unknown ID, as Citi answers it
    const bad = await api(s, 'POST', '/v1/apac/onboarding/products/unsecured/applications', { token: t, body: { product: { productCode: 'NOPE' } } });
    expect(bad).toMatchObject({ status: 400, body: { code: 'invalidRequest' } });
  });
});

describe('Pay with Points', () => {
  it('links a card, activates it with an OTP, and redeems points that lower the balance', async () => {
    const s = await sandbox();
    const t = await token(s);
    const card = { lastFourDigitsCardNumber: '8653', citiCardHolderPhoneNumber: '6590020056', merchantCustomerReferenceId: 'M1' };
    const link = await api(s, 'POST', '/v1/apac/rewards/linkage', { token: t, body: card });
    const code = link.body!.rewardLinkCode as string;
    expect(code).toBe('RLC00000001');

    const early = await api(s, 'GET', `/v1/apac/rewards/${code}/pointBalance`, { token: t });
    expect(early).toMatchObject({ status: 403, body: { code: 'linkageNotActivated' } });
    const wrongOtp = await api(s, 'PUT', `/v1/apac/rewards/${code}/activations`, { token: t, body: { linkageConfirmationCode: '111111' } });
    expect(wrongOtp).toMatchObject({ status: 400, body: { code: 'invalidOtp' } });
    expect((await api(s, 'PUT', `/v1/apac/rewards/${code}/activations`, { token: t, body: { linkageConfirmationCode: '735937' } })).status).toBe(200);

    const balance = await api(s, 'GET', `/v1/apac/rewards/${code}/pointBalance`, { token: t });
    expect(balance.body).toEqual({ availablePointBalance: 50000, currencyCode: 'SGD', programConversionRate: 0.004, maximumPointsToRedeem: 50000, minimumPointsToRedeem: 100 });

    const order = { transactionAmount: 10, currencyCode: 'SGD', pointsToRedeem: 2500, transactionDescription: 'test' };
    const redeemed = await api(s, 'POST', `/v1/apac/rewards/${code}/redemption`, { token: t, body: { transactionReferenceNumber: 'T1', redemptionOrder: order } });
    expect(redeemed.body).toEqual({ orderId: 'ORD00000001', availablePointBalance: 47500 });
    const after = await api(s, 'GET', `/v1/apac/rewards/${code}/pointBalance`, { token: t });
    expect(after.body!.availablePointBalance).toBe(47500);

    const tooMany = await api(s, 'POST', `/v1/apac/rewards/${code}/redemption`, {
      token: t,
      body: { transactionReferenceNumber: 'T2', redemptionOrder: { ...order, pointsToRedeem: 999_999 } },
    });
    expect(tooMany).toMatchObject({ status: 400, body: { code: 'insufficientPoints' } });
  });

  it('refuses unknown card holders', async () => {
    const s = await sandbox();
    const t = await token(s);
    const res = await api(s, 'POST', '/v1/apac/rewards/linkage', {
      token: t,
      body: { lastFourDigitsCardNumber: '0000', citiCardHolderPhoneNumber: '1', merchantCustomerReferenceId: 'M' },
    });
    expect(res).toMatchObject({ status: 400, body: { type: 'error', code: 'cardHolderNotFound' } });
  });
});

describe('request log', () => {
  it('logs each request in one line with secret query values redacted', async () => {
    const lines: string[] = [];
    const s = await sandbox({ log: (l) => lines.push(l) });
    await tokenCall(s, 'grant_type=client_credentials&scope=%2Fapi');
    await fetch(`${s.url}/v1/nothing?code=SECRETCODE&x=1`);
    expect(lines[0]).toMatch(/^POST \/gcb\/api\/clientCredentials\/oauth2\/token\/sg\/gcb 200 /);
    expect(lines[1]).toMatch(/^GET \/gcb\/api\/v1\/nothing\?code=\[REDACTED\]&x=1 404 /);
    expect(lines.join('\n')).not.toContain('SECRETCODE');
  });
});
