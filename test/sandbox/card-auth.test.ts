/** The emulator's card authorization and Easy Payment Plan APIs, over HTTP on loopback. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { basicAuthorization } from '../../src/citi/oauth.js';
import type { RunningSandbox, SandboxOptions } from '../../src/sandbox/server.js';
import { sandbox } from '../helpers/sandbox.js';
import '../helpers/cli.js'; // registers the onCleanup hook

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function start(opts: SandboxOptions = {}): Promise<{ s: RunningSandbox; lines: string[] }> {
  const lines: string[] = [];
  const s = await sandbox({ ...opts, log: (l) => lines.push(l) });
  return { s, lines };
}

async function send(s: RunningSandbox, path: string, init: { form?: Record<string, string>; json?: unknown; bearer?: string; method?: string }): Promise<Answer> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: string | undefined;
  if (init.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(init.form).toString();
  } else if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.json);
  }
  if (init.bearer) Object.assign(headers, { authorization: `Bearer ${init.bearer}`, uuid: randomUUID(), client_id: s.clientId });
  else headers.authorization = basicAuthorization(s.clientId, s.clientSecret);
  const res = await fetch(s.url + path, { method: init.method ?? 'POST', headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const HOLDER = { grant_type: 'card_authorization', lastFourDigitsCardNumber: '8653', citiCardHolderPhoneNumber: '6590020056', merchantCustomerReferenceId: 'CB072000128065' };

async function enroll(s: RunningSandbox): Promise<string> {
  const res = await send(s, '/cardAuth/oauth2/authorize/HK/gcb', { json: HOLDER });
  expect(res.status).toBe(403);
  const id = (res.body.moreInfo as { controlFlowId?: string }).controlFlowId;
  expect(id).toMatch(/^[0-9a-f]{32}$/);
  return id!;
}

function otpFromLog(lines: string[], controlFlowId: string): string {
  const line = lines.find((l) => l.includes(controlFlowId) && l.startsWith('OTP '));
  const otp = /^OTP (\d{6}) /.exec(line ?? '')?.[1];
  if (!otp) throw new Error(`no OTP logged for ${controlFlowId}: ${lines.join('\n')}`);
  return otp;
}

function wrongOtp(right: string): string {
  return right === '111111' ? '222222' : '111111';
}

const tokenForm = (controlFlowId: string, otp: string, scope = 'epp_booking') => ({
  grant_type: 'card_authorization',
  controlFlowId,
  linkageConfirmationCode: otp,
  scope,
});

async function cardToken(s: RunningSandbox, lines: string[]) {
  const id = await enroll(s);
  const res = await send(s, '/cardAuth/oauth2/token/HK/gcb', { form: tokenForm(id, otpFromLog(lines, id)) });
  expect(res.status).toBe(200);
  return res.body as { access_token: string; refresh_token: string; cardId: string; expires_in: number };
}

const EPP = (cardId: string) => `/v1/creditCards/${cardId}/transactions/eligibility/easyPaymentPlan`;

describe('emulator: card authorization', () => {
  it('answers an unknown card holder with 400 and Citi\'s error body', async () => {
    const { s, lines } = await start();
    const res = await send(s, '/cardAuth/oauth2/authorize/HK/gcb', { json: { ...HOLDER, citiCardHolderPhoneNumber: '6500000000' } });
    expect(res).toEqual({ status: 400, body: { type: 'error', code: 'cardHolderNotFound', details: 'No card holder matches these card details' } });
    expect(lines.some((l) => l.startsWith('OTP '))).toBe(false);
  });

  it('requires client authentication and a well-formed body on enroll', async () => {
    const { s } = await start();
    const noAuth = await fetch(s.url + '/cardAuth/oauth2/authorize/HK/gcb', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(HOLDER) });
    expect(noAuth.status).toBe(401);
    const bad = await send(s, '/cardAuth/oauth2/authorize/HK/gcb', { json: { ...HOLDER, lastFourDigitsCardNumber: '86' } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalidRequest');
  });

  it('sends an OTP (to its log, phone masked) and issues a card token for it', async () => {
    const { s, lines } = await start();
    const id = await enroll(s);
    const line = lines.find((l) => l.startsWith('OTP '))!;
    expect(line).toMatch(new RegExp(`^OTP \\d{6} sent to \\*{6}0056 \\(card 8653, controlFlowId ${id}\\)$`));
    expect(line).not.toContain('6590020056');
    const res = await send(s, '/cardAuth/oauth2/token/HK/gcb', { form: tokenForm(id, otpFromLog(lines, id)) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', cardId: 'CARD-8653-0001', expires_in: 1800, refresh_token_expires_in: 2592000, scope: 'epp_booking' });
    expect(res.body.access_token).toMatch(/^AAIk/);
    expect(res.body.refresh_token).toMatch(/^RRIk/);
    // The control flow is spent.
    const again = await send(s, '/cardAuth/oauth2/token/HK/gcb', { form: tokenForm(id, otpFromLog(lines, id)) });
    expect(again.body.code).toBe('invalidControlFlowId');
  });

  it("accepts Citi's fixed sandbox OTPs", async () => {
    const { s } = await start();
    for (const otp of ['987654', '735937', '567351']) {
      const res = await send(s, '/cardAuth/oauth2/token/HK/gcb', { form: tokenForm(await enroll(s), otp, 'Card_Purchase') });
      expect(res.status).toBe(200);
      expect(res.body.scope).toBe('Card_Purchase');
    }
  });

  it('allows three wrong OTPs, then the controlFlowId dies', async () => {
    const { s, lines } = await start();
    const id = await enroll(s);
    const right = otpFromLog(lines, id);
    const wrong = wrongOtp(right);
    const details: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await send(s, '/cardAuth/oauth2/token/HK/gcb', { form: tokenForm(id, wrong) });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ type: 'error', code: 'invalidOtp', moreInfo: { remainingAttempts: 2 - i } });
      details.push(res.body.details);
    }
    expect(details).toEqual([
      'The OTP is not valid; 2 attempts left',
      'The OTP is not valid; 1 attempt left',
      'The OTP is not valid; no attempts left, start again',
    ]);
    const late = await send(s, '/cardAuth/oauth2/token/HK/gcb', { form: tokenForm(id, right) });
    expect(late).toEqual({ status: 400, body: { type: 'error', code: 'invalidControlFlowId', details: 'Control flow ID is invalid' } });
  });

  it('lets a controlFlowId live ttls.controlFlowMs only', async () => {
    let now = 1_700_000_000_000;
    const { s, lines } = await start({ now: () => now, ttls: { controlFlowMs: 300_000 } });
    const id = await enroll(s);
    now += 300_001;
    const res = await send(s, '/cardAuth/oauth2/token/HK/gcb', { form: tokenForm(id, otpFromLog(lines, id)) });
    expect(res).toEqual({ status: 400, body: { type: 'error', code: 'invalidControlFlowId', details: 'Control flow ID is invalid: it has expired' } });
  });

  it('rejects an unknown scope without spending an attempt', async () => {
    const { s, lines } = await start();
    const id = await enroll(s);
    const res = await send(s, '/cardAuth/oauth2/token/HK/gcb', { form: tokenForm(id, otpFromLog(lines, id), 'accounts') });
    expect(res).toEqual({ status: 400, body: { error: 'invalid_scope', error_description: 'Unknown card scope "accounts": use epp_booking, lop_booking, Card_Purchase' } });
    expect((await send(s, '/cardAuth/oauth2/token/HK/gcb', { form: tokenForm(id, otpFromLog(lines, id)) })).status).toBe(200);
  });

  it('answers a card call with 403 until the token is activated for that card', async () => {
    const { s, lines } = await start();
    const t = await cardToken(s, lines);
    const before = await send(s, EPP(t.cardId), { method: 'GET', bearer: t.access_token });
    expect(before).toEqual({ status: 403, body: { type: 'error', code: 'cardNotActivated', details: 'The card token is not activated for card CARD-8653-0001' } });
    const other = await send(s, '/cardAuth/oauth2/activate/HK/gcb', { json: { cardId: 'CARD-4417-0002' }, bearer: t.access_token });
    expect(other.status).toBe(403);
    expect(other.body.code).toBe('accessNotConfigured');
    const act = await send(s, '/cardAuth/oauth2/activate/HK/gcb', { json: { cardId: t.cardId }, bearer: t.access_token });
    expect(act).toEqual({ status: 200, body: { cardId: 'CARD-8653-0001', status: 'ACTIVE' } });
    const after = await send(s, EPP(t.cardId), { method: 'GET', bearer: t.access_token });
    expect(after.status).toBe(200);
    expect(after.body.currencyCode).toBe('SGD');
    expect((after.body.easyPaymentPlan as { tenor: string }[]).map((p) => p.tenor)).toEqual(['3', '6', '12', '24']);
    const wrongCard = await send(s, EPP('CARD-4417-0002'), { method: 'GET', bearer: t.access_token });
    expect(wrongCard.status).toBe(403);
    expect(wrongCard.body.code).toBe('accessNotConfigured');
  });

  it('needs a card token with epp_booking for Easy Payment Plan', async () => {
    const { s } = await start();
    const id = await enroll(s);
    const t = (await send(s, '/cardAuth/oauth2/token/HK/gcb', { form: tokenForm(id, '987654', 'Card_Purchase') })).body as { access_token: string; cardId: string };
    await send(s, '/cardAuth/oauth2/activate/HK/gcb', { json: { cardId: t.cardId }, bearer: t.access_token });
    const res = await send(s, EPP(t.cardId), { method: 'GET', bearer: t.access_token });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'accessNotConfigured', details: 'The token lacks the scope "epp_booking"' });
  });

  it('rotates refresh tokens (activation carries over) and revokes the family on replay', async () => {
    const { s, lines } = await start();
    const t = await cardToken(s, lines);
    await send(s, '/cardAuth/oauth2/activate/HK/gcb', { json: { cardId: t.cardId }, bearer: t.access_token });
    const r = await send(s, '/cardAuth/oauth2/refresh', { form: { grant_type: 'refresh_token', refresh_token: t.refresh_token } });
    expect(r.status).toBe(200);
    expect(r.body.cardId).toBe(t.cardId);
    expect(r.body.refresh_token).not.toBe(t.refresh_token);
    expect((await send(s, EPP(t.cardId), { method: 'GET', bearer: r.body.access_token as string })).status).toBe(200);
    const replay = await send(s, '/cardAuth/oauth2/refresh', { form: { grant_type: 'refresh_token', refresh_token: t.refresh_token } });
    expect(replay).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'The refresh token was already used: every token of this grant is now revoked' } });
    const dead = await send(s, EPP(t.cardId), { method: 'GET', bearer: r.body.access_token as string });
    expect(dead.status).toBe(401);
  });

  it('revokes the access and refresh token together', async () => {
    const { s, lines } = await start();
    const t = await cardToken(s, lines);
    const rev = await send(s, '/cardAuth/oauth2/revoke', { form: { token: t.refresh_token, token_type_hint: 'refresh_token' } });
    expect(rev.status).toBe(200);
    const call = await send(s, '/cardAuth/oauth2/activate/HK/gcb', { json: { cardId: t.cardId }, bearer: t.access_token });
    expect(call).toEqual({ status: 401, body: { type: 'error', code: 'unAuthorized', details: 'The access token has been revoked' } });
    const refresh = await send(s, '/cardAuth/oauth2/refresh', { form: { grant_type: 'refresh_token', refresh_token: t.refresh_token } });
    expect(refresh.body.error).toBe('invalid_grant');
    const badHint = await send(s, '/cardAuth/oauth2/revoke', { form: { token: t.access_token, token_type_hint: 'id_token' } });
    expect(badHint.body.error).toBe('unsupported_token_type');
  });
});
