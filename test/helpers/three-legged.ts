/** Driving the emulator's three-legged endpoints over HTTP, as a browser without JavaScript would. */
import { createPkce } from '../../src/auth/authorization-code.js';
import { DEFAULT_PATHS, fillPath } from '../../src/citi/endpoints.js';
import { basicAuthorization } from '../../src/citi/oauth.js';
import type { RunningSandbox } from '../../src/sandbox/server.js';
import { consentOverHttp, type Decision } from './consent.js';

export const REDIRECT = 'http://127.0.0.1:8765/callback';
export const ALL_SCOPES = 'accounts_details_transactions customers_profiles cards personal_domestic_transfers';

export function basic(s: Pick<RunningSandbox, 'clientId' | 'clientSecret'>, id = s.clientId, secret = s.clientSecret): string {
  return basicAuthorization(id, secret);
}

/** A PKCE verifier and its S256 challenge, made as the client makes them. */
export const pkce = createPkce;

export function authorizeUrl(s: RunningSandbox, p: Record<string, string | undefined> = {}): string {
  const url = new URL(s.url + DEFAULT_PATHS.authorize);
  const params: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: s.clientId,
    scope: ALL_SCOPES,
    countryCode: 'SG',
    businessCode: 'GCB',
    locale: 'en_US',
    state: 'st-1',
    redirect_uri: REDIRECT,
    ...p,
  };
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

/** Signs in and answers the consent page; returns the redirect's Location as a URL. */
export async function consent(
  s: RunningSandbox,
  opts: { user?: string; password?: string; decision?: Decision; params?: Record<string, string | undefined> } = {},
): Promise<URL> {
  const done = await consentOverHttp(authorizeUrl(s, opts.params), opts);
  return new URL(done.headers.get('location')!);
}

export async function tokenCall(s: RunningSandbox, path: string, fields: Record<string, string>, auth = basic(s)): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(s.url + path, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(fields),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export function exchange(s: RunningSandbox, code: string, verifier?: string, redirectUri = REDIRECT, auth?: string) {
  return tokenCall(
    s,
    fillPath(DEFAULT_PATHS.authCodeToken, { country: 'sg', business: 'gcb' }),
    { grant_type: 'authorization_code', code, redirect_uri: redirectUri, ...(verifier ? { code_verifier: verifier } : {}) },
    auth,
  );
}

export async function api(s: RunningSandbox, token: string, path: string, init: { method?: string; body?: unknown } = {}) {
  const res = await fetch(s.url + path, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${token}`,
      uuid: crypto.randomUUID(),
      client_id: s.clientId,
      accept: 'application/json',
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** A full sign-in: consent, code exchange with PKCE; returns the token answer. */
export async function signIn(s: RunningSandbox, opts: { user?: string; scope?: string } = {}) {
  const { verifier, challenge } = pkce();
  const back = await consent(s, {
    ...(opts.user ? { user: opts.user } : {}),
    params: { code_challenge: challenge, code_challenge_method: 'S256', ...(opts.scope ? { scope: opts.scope } : {}) },
  });
  const code = back.searchParams.get('code');
  if (!code) throw new Error(`no code in ${back.toString()}`);
  const res = await exchange(s, code, verifier);
  if (res.status !== 200) throw new Error(`exchange answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as { access_token: string; refresh_token: string; scope: string; expires_in: number; refresh_token_expires_in: number };
}
