/**
 * The whole API catalogue against the emulator, over HTTP on loopback: every endpoint answers a
 * well-formed call with a body that validates against Citi's published response schema, and
 * refuses a call missing a required field with 400 invalidRequest naming it. Plus the flows that
 * span endpoints: an application created then read, a payee added then listed, a transfer
 * preprocessed then confirmed (once).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_CATALOGUE, SCOPES, endpointKey, type CatalogueEntry } from '../../src/citi/catalogue.js';
import { loadSchemas, type CatalogueSchemas } from '../../src/citi/catalogue-validate.js';
import { sampleFromSchema } from '../../src/citi/schema-sample.js';
import { resolveRef } from '../../src/citi/schema-ref.js';
import { flowFamily, isPreprocess } from '../../src/sandbox/api-catalogue.js';
import { transferAccountId } from '../../src/sandbox/seed-users.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/server.js';
import { basic, signIn, tokenCall } from '../helpers/three-legged.js';

let s: RunningSandbox;
// Loaded before the tests are collected: which endpoints have a required field decides the cases.
const schemas: CatalogueSchemas = await loadSchemas();
const tokens: Record<CatalogueEntry['kind'], string> = { 'two-legged': '', 'three-legged': '', card: '', password: '' };
/** Customer tokens with one scope each: every endpoint's scope is missing from at least one of them. */
const narrow: Record<string, string> = {};

/** Values the hand-written routes need to find their seeded data (SandboxUser1, card 8653). */
const VALUES: Record<string, unknown> = {
  accountId: 'SAV10011248',
  // Personal transfers name accounts by Money movement's own IDs (as its eligible-accounts list gives them).
  sourceAccountId: transferAccountId('source', 'SAV10011248'),
  destinationAccountId: transferAccountId('destination', 'CHK10021459'),
  transactionAmount: 10,
  cardId: 'CARD-8653-0001',
  lastFourDigitsCardNumber: '8653',
  citiCardHolderPhoneNumber: '6590020056',
  linkageConfirmationCode: '987654',
  pointsToRedeem: 100,
  creditCardProduct: { productCode: 'VC820', sourceCode: 'WEB', organization: '888', logo: '100' },
  cardFunction: 'ALL',
};

interface Answer {
  status: number;
  body: unknown;
}

async function call(entry: Pick<CatalogueEntry, 'method' | 'kind'>, path: string, init: { body?: unknown; headers?: Record<string, string>; token?: string } = {}): Promise<Answer> {
  const res = await fetch(s.url + path, {
    method: entry.method,
    headers: {
      authorization: `Bearer ${init.token ?? tokens[entry.kind]}`,
      uuid: randomUUID(),
      client_id: s.clientId,
      accept: 'application/json',
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...init.headers,
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** A well-formed request for an endpoint: path filled, required query and headers, a body. */
async function wellFormed(entry: CatalogueEntry, values: Record<string, unknown> = {}) {
  const detail = schemas.detail(entry);
  const v = { ...VALUES, ...values };
  const seed = `test|${endpointKey(entry)}`;
  let path = entry.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(v[name] ?? `${name.toUpperCase()}1`)));
  const query = new URLSearchParams();
  const headers: Record<string, string> = {};
  for (const p of detail.parameters) {
    if (!p.required || p.in === 'path') continue;
    const value = String(v[p.name] ?? (p.type === 'number' || p.type === 'integer' ? 100 : `${p.name}-1`));
    if (p.in === 'query') query.set(p.name, value);
    else headers[p.name] = value;
  }
  if ([...query].length) path += '?' + query.toString();
  // A confirmation of a control flow needs the flow opened first by its preprocess.
  if (detail.request && hasProperty(detail.request, 'controlFlowId') && !isPreprocess(entry)) {
    const pre = API_CATALOGUE.find((e) => isPreprocess(e) && flowFamily(e.path) === flowFamily(entry.path) && !/adhoc/i.test(e.path));
    if (pre) {
      const opened = await wellFormed(pre, values);
      const res = await call(pre, opened.path, opened);
      expect(res.status, `${endpointKey(pre)} (to open the flow) answered ${JSON.stringify(res.body)}`).toBe(200);
      v.controlFlowId = (res.body as { controlFlowId: string }).controlFlowId;
    }
  }
  const body = detail.request ? sampleFromSchema(detail.request, schemas.definitions, { seed, values: v, requiredOnly: true }) : undefined;
  return { path, headers, ...(body !== undefined ? { body } : {}) };
}

function hasProperty(schema: object, name: string): boolean {
  const s = resolveRef(schema, schemas.definitions).schema as { properties?: Record<string, unknown> };
  return Boolean(s?.properties && name in s.properties);
}

beforeAll(async () => {
  s = await startSandbox({ autoConsent: true });
  const two = await tokenCall(s, '/clientCredentials/oauth2/token/sg/gcb', { grant_type: 'client_credentials', scope: '/api' });
  tokens['two-legged'] = two.body.access_token as string;
  tokens['three-legged'] = (await signIn(s, { scope: SCOPES.threeLegged.join(' ') })).access_token;
  for (const scope of ['meta_data', 'reference_data']) narrow[scope] = (await signIn(s, { scope })).access_token;
  // A card token for card 8653, activated, with the fixed sandbox OTP.
  const enroll = await fetch(s.url + '/cardAuth/oauth2/authorize/SG/gcb', {
    method: 'POST',
    headers: { authorization: basic(s), 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ grant_type: 'card_authorization', lastFourDigitsCardNumber: '8653', citiCardHolderPhoneNumber: '6590020056' }),
  });
  const controlFlowId = ((await enroll.json()) as { moreInfo: { controlFlowId: string } }).moreInfo.controlFlowId;
  const card = await tokenCall(s, '/cardAuth/oauth2/token/SG/gcb', { grant_type: 'card_authorization', controlFlowId, linkageConfirmationCode: '987654', scope: 'epp_booking' });
  tokens.card = card.body.access_token as string;
  const activated = await fetch(s.url + '/cardAuth/oauth2/activate/SG/gcb', {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens.card}`, uuid: randomUUID(), client_id: s.clientId, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ cardId: card.body.cardId }),
  });
  expect(activated.status).toBe(200);
  // An application, for the endpoints about one.
  const app = await wellFormed(API_CATALOGUE.find((e) => e.method === 'POST' && e.path === '/v1/apac/onboarding/products/unsecured/applications')!);
  const created = await call({ method: 'POST', kind: 'two-legged' }, app.path, app);
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  Object.assign(VALUES, { applicationId: (created.body as { applicationId: string }).applicationId, controlFlowId: (created.body as { controlFlowId: string }).controlFlowId });
  // A reward link, activated, for the Pay with Points endpoints.
  const link = await call({ method: 'POST', kind: 'two-legged' }, '/v1/apac/rewards/linkage', { body: { lastFourDigitsCardNumber: '8653', citiCardHolderPhoneNumber: '6590020056' } });
  VALUES.rewardLinkCode = (link.body as { rewardLinkCode: string }).rewardLinkCode;
  await call({ method: 'PUT', kind: 'two-legged' }, `/v1/apac/rewards/${String(VALUES.rewardLinkCode)}/activations`, { body: { linkageConfirmationCode: '987654' } });
});

afterAll(async () => {
  await s?.close();
});

describe('the API catalogue', () => {
  it('has at least 100 endpoints, each with a token kind, scope, product and market', () => {
    expect(API_CATALOGUE.length).toBeGreaterThanOrEqual(100);
    for (const e of API_CATALOGUE) {
      expect(['two-legged', 'three-legged', 'card']).toContain(e.kind);
      expect(e.scope).toBeTruthy();
      expect(e.product).toBeTruthy();
      expect(e.markets.length).toBeGreaterThan(0);
      // The emulator issues only scopes it knows; every catalogued one must be among them.
      const issued: readonly string[] = e.kind === 'two-legged' ? SCOPES.twoLegged : e.kind === 'card' ? SCOPES.card : SCOPES.threeLegged;
      expect(issued).toContain(e.scope);
    }
    expect(new Set(API_CATALOGUE.map(endpointKey)).size).toBe(API_CATALOGUE.length);
    expect(REQUIRING.length).toBeGreaterThan(100);
  });
});

/** The endpoints that require something besides their path: a query or header parameter, or a body. */
const REQUIRING = API_CATALOGUE.filter((e) => {
  const d = schemas.detail(e);
  return Boolean(d.request) || d.parameters.some((p) => p.required && p.in !== 'path');
});

describe.each(API_CATALOGUE.map((e) => [endpointKey(e), e] as const))('emulator: %s', (_key, entry) => {
  it('answers a well-formed call with a body that fits the published response schema', async () => {
    const req = await wellFormed(entry);
    const res = await call(entry, req.path, req);
    const detail = schemas.detail(entry);
    if (!detail.response) {
      expect(res.status, JSON.stringify(res.body)).toBe(204);
      return;
    }
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(schemas.check(entry, 'response', res.body)).toEqual([]);
    // Deterministic: the same read gives the same answer.
    if (entry.method === 'GET') expect((await call(entry, req.path, req)).body).toEqual(res.body);
  });

});

describe.each(REQUIRING.map((e) => [endpointKey(e), e] as const))('emulator: %s', (_key, entry) => {
  const detail = () => schemas.detail(entry);
  it('refuses a call missing a required field with 400 invalidRequest naming it', async () => {
    const req = await wellFormed(entry);
    const required = detail().parameters.find((p) => p.required && p.in !== 'path');
    let missing: string;
    if (required) {
      missing = required.name;
      if (required.in === 'query') {
        const url = new URL(req.path, 'http://x');
        url.searchParams.delete(required.name);
        req.path = url.pathname + url.search;
      } else delete req.headers[required.name];
    } else if (detail().request && isObject(req.body) && requiredFieldOf(detail().request!)) {
      missing = requiredFieldOf(detail().request!)!;
      delete req.body[missing];
    } else {
      missing = 'body';
      delete (req as { body?: unknown }).body;
    }
    const res = await call(entry, req.path, req);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body).toMatchObject({ type: 'invalid', code: 'invalidRequest' });
    expect((res.body as { details: string }).details.toLowerCase()).toContain(missing.toLowerCase());
  });
});

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function requiredFieldOf(schema: object): string | undefined {
  const s = resolveRef(schema, schemas.definitions).schema as { required?: string[] };
  return s.required?.[0];
}

/** The path with a placeholder in every parameter: the guard answers before anything is looked up. */
function placeholderPath(entry: CatalogueEntry): string {
  return entry.path.replace(/\{(\w+)\}/g, (_, name: string) => `${name.toUpperCase()}1`);
}

/** A kind of token an endpoint does not take. */
const WRONG_KIND: Record<CatalogueEntry['kind'], CatalogueEntry['kind']> = { 'two-legged': 'three-legged', 'three-legged': 'two-legged', card: 'three-legged', password: 'two-legged' };

describe.each(API_CATALOGUE.map((e) => [endpointKey(e), e] as const))('emulator guard: %s', (_key, entry) => {
  const path = placeholderPath(entry);

  it(`refuses a token of another kind with 403 accessNotConfigured`, async () => {
    const wrong = WRONG_KIND[entry.kind];
    const res = await call(entry, path, { token: tokens[wrong] });
    expect(res.status, JSON.stringify(res.body)).toBe(403);
    expect(res.body).toMatchObject({ code: 'accessNotConfigured', details: `This API takes a ${entry.kind} token; a ${wrong} token was sent` });
  });

});

const CUSTOMER = API_CATALOGUE.filter((e) => e.kind === 'three-legged');

describe.each(CUSTOMER.map((e) => [endpointKey(e), e] as const))('emulator guard: %s', (_key, entry) => {
  const path = placeholderPath(entry);

  it('refuses a customer token lacking its scope with 403 accessNotConfigured', async () => {
    const scope = entry.scope === 'meta_data' ? 'reference_data' : 'meta_data';
    const res = await call(entry, path, { token: narrow[scope]! });
    expect(res.status, JSON.stringify(res.body)).toBe(403);
    expect(res.body).toMatchObject({ code: 'accessNotConfigured', details: `The token lacks the scope "${entry.scope}"` });
  });
});

describe('emulator: one path matcher for routes and the catalogue', () => {
  it('a path parameter that is not valid percent-encoding, or a trailing slash, is matched alike by hand-written and generic routes', async () => {
    const two = { method: 'GET', kind: 'two-legged' } as const;
    // Hand-written (rewards): no such link, not a 500; generic (reference data): the value as sent.
    const rewards = await call(two, '/v1/apac/rewards/%ZZ/pointBalance');
    expect(rewards.status, JSON.stringify(rewards.body)).toBeGreaterThanOrEqual(400);
    expect(rewards.status).toBeLessThan(500);
    const reference = await call(two, '/v1/utilities/referenceData/%ZZ');
    expect(reference).toMatchObject({ status: 200, body: { referenceCode: '%ZZ' } });
    const slash = await call(two, '/v1/apac/onboarding/products/');
    expect(slash.status, JSON.stringify(slash.body)).toBe(200);
  });
});

describe('emulator: flows that span endpoints', () => {
  const find = (method: string, path: string) => API_CATALOGUE.find((e) => e.method === method && e.path === path)!;

  it('an application created is the one read back', async () => {
    const create = find('POST', '/v1/apac/onboarding/products/unsecured/applications');
    const req = await wellFormed(create);
    const created = await call(create, req.path, req);
    expect(created.status).toBe(200);
    const { applicationId, controlFlowId } = created.body as { applicationId: string; controlFlowId: string };
    const read = await call({ method: 'GET', kind: 'two-legged' }, `/v1/apac/onboarding/products/unsecured/applications/${applicationId}/status?controlFlowId=${controlFlowId}`);
    expect(read).toMatchObject({ status: 200, body: { applicationId, applicationStage: 'PRESCREENING' } });
    // The generic inquiry of the same application repeats what the creation returned and was given.
    const inquiry = find('GET', '/v1/apac/onboarding/products/unsecured/applications/{applicationId}');
    const inquiryReq = await wellFormed(inquiry, { applicationId, controlFlowId });
    const shown = await call(inquiry, inquiryReq.path, inquiryReq);
    expect(shown.status, JSON.stringify(shown.body)).toBe(200);
    expect(shown.body).toMatchObject({ applicationStage: 'PRESCREENING', product: { creditCardProduct: { productCode: 'VC820' } } });
    // A generic read of a record a generic creation made repeats what was created.
    const add = find('POST', '/v1/apac/onboarding/products/unsecured/applications/{applicationId}/applicants');
    const addReq = await wellFormed(add, { applicationId });
    const added = await call(add, addReq.path, addReq);
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    const applicantId = (added.body as { applicantId?: string }).applicantId;
    expect(applicantId).toBeTruthy();
    const lister = find('GET', '/v1/apac/onboarding/products/unsecured/applications/{applicationId}/applicants');
    const listReq = await wellFormed(lister, { applicationId });
    const list = await call(lister, listReq.path, listReq);
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    expect(schemas.check(lister, 'response', list.body)).toEqual([]);
    expect(JSON.stringify(list.body)).toContain(applicantId);
    // Another application's list does not show it.
    const otherReq = await wellFormed(lister, { applicationId: 'APP99999999' });
    expect(JSON.stringify((await call(lister, otherReq.path, otherReq)).body)).not.toContain(applicantId);
  });

  it('a transfer preprocessed is confirmed once, repeating what the preprocess was given', async () => {
    const pre = find('POST', '/v1/moneyMovement/citiGlobalTransfers/preprocess');
    const confirm = find('POST', '/v1/moneyMovement/citiGlobalTransfers');
    const preReq = await wellFormed(pre, { sourceAccountId: 'SAV77777777' });
    const opened = await call(pre, preReq.path, preReq);
    expect(opened.status).toBe(200);
    const controlFlowId = (opened.body as { controlFlowId: string }).controlFlowId;
    const confirmReq = await wellFormed(confirm, { controlFlowId });
    const done = await call(confirm, confirmReq.path, { ...confirmReq, body: { ...(confirmReq.body as object), controlFlowId } });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(schemas.check(confirm, 'response', done.body)).toEqual([]);
    expect(done.body, JSON.stringify(done.body)).toMatchObject({ sourceAccountDetails: { sourceAccountId: 'SAV77777777' } });
    const again = await call(confirm, confirmReq.path, { ...confirmReq, body: { ...(confirmReq.body as object), controlFlowId } });
    expect(again).toMatchObject({ status: 400, body: { code: 'invalidControlFlowId' } });
    const unknown = await call(confirm, confirmReq.path, { ...confirmReq, body: { ...(confirmReq.body as object), controlFlowId: 'CFNOPE' } });
    expect(unknown).toMatchObject({ status: 400, body: { code: 'invalidControlFlowId' } });
  });

  it('a payee added with a transfer is in the payee list from then on', async () => {
    const pre = find('POST', '/v1/moneyMovement/externalDomesticTransfers/preprocess/adhocWithPayeeCreation');
    const confirm = find('POST', '/v1/moneyMovement/externalDomesticTransfers');
    const list = find('GET', '/v1/moneyMovement/payees');
    const before = await call(list, '/v1/moneyMovement/payees');
    expect(before.status).toBe(200);
    const preReq = await wellFormed(pre, { payeeNickName: 'Landlord Ltd', payeeName: 'Landlord Ltd' });
    const opened = await call(pre, preReq.path, preReq);
    expect(opened.status, JSON.stringify(opened.body)).toBe(200);
    const controlFlowId = (opened.body as { controlFlowId: string }).controlFlowId;
    const confirmReq = await wellFormed(confirm, { controlFlowId });
    const done = await call(confirm, confirmReq.path, { ...confirmReq, body: { ...(confirmReq.body as object), controlFlowId } });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    const after = await call(list, '/v1/moneyMovement/payees');
    expect(after.status).toBe(200);
    expect(schemas.check(list, 'response', after.body)).toEqual([]);
    expect(JSON.stringify(before.body)).not.toContain('Landlord Ltd');
    expect(JSON.stringify(after.body)).toContain('Landlord Ltd');
  });
});
