/**
 * Three-legged OAuth: the authorize endpoint with a Citi-like sign-in page and consent page (plain
 * HTML forms: the pages' CSP allows no script), single-use codes bound to client, redirect URI and
 * PKCE challenge, the code exchange, refresh with rotation and replay detection, and revoke.
 */
import { randomBytes } from 'node:crypto';
import { SANDBOX_BASE_PATH, DEFAULT_PATHS } from '../citi/endpoints.js';
import { SCOPES, normaliseScopes } from '../citi/catalogue.js';
import type { OAuthErrorCode } from '../citi/oauth.js';
import { PKCE_METHOD, PKCE_VERIFIER, s256Challenge } from '../citi/pkce.js';
import { GRANT_TYPES, type AuthorizationCodeForm, type AuthorizeQuery, type AuthorizeRedirect } from '../citi/wire.js';
import { escapeHtml, form, json, oauthError, ReplyError, type Route, type SandboxReply, type SandboxRequest } from './http.js';
import { requireGrant, tokenEndpoint } from './guard.js';
import { pairTokenBody, refreshRoute, revokeRoute } from './oauth-token-pairs.js';
import { SANDBOX_PASSWORD, SANDBOX_USERS } from '../citi/sandbox-users.js';
import { safeEqual, type SandboxClient, type SandboxState } from './state.js';

interface AuthorizeRequest {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state: string | null;
  challenge?: string;
}

interface LoginTransaction extends AuthorizeRequest {
  id: string;
  user?: string;
  expiresAt: number;
}

interface IssuedCode extends AuthorizeRequest {
  user: string;
  expiresAt: number;
  used: boolean;
  /** The family of the tokens issued for it, revoked if the code is replayed. */
  family?: number;
}

const LOGIN_TTL_MS = 10 * 60_000;
/** Where the sign-in and consent forms post (under the sandbox base path); tests drive the pages through them. */
export const LOGIN_PATH = DEFAULT_PATHS.authorize + '/login';
export const CONSENT_PATH = DEFAULT_PATHS.authorize + '/consent';

const SCOPE_TEXT: Record<(typeof SCOPES.threeLegged)[number], string> = {
  accounts_details_transactions: 'See your accounts, balances and transactions',
  customers_profiles: 'See your name, addresses, e-mail and phone numbers',
  cards: 'See your cards',
  personal_domestic_transfers: 'Move money between accounts in this country',
  pay_with_points: 'Pay with your reward points',
  payees: 'See and manage your payees',
  onboarding: 'Apply for products',
  reference_data: 'Read reference data',
  statements_and_advices: 'See your statements and advices',
  meta_data: 'Read metadata',
};

export function authorizationCodeRoutes(state: SandboxState): Route[] {
  const logins = state.expiringMap<string, LoginTransaction>();
  const codes = state.expiringMap<string, IssuedCode>();

  const issueCode = (tx: AuthorizeRequest, user: string): SandboxReply => {
    const code = 'CODE' + randomBytes(24).toString('base64url');
    codes.set(code, { ...tx, user, used: false, expiresAt: state.now() + state.ttls.codeMs });
    return redirect(tx.redirectUri, { code, state: tx.state });
  };

  const transaction = (req: SandboxRequest): LoginTransaction => {
    const tx = logins.get(form(req).tx ?? '');
    if (!tx || tx.expiresAt <= state.now()) {
      throw new ReplyError(page(400, 'Session expired', '<p class="err">This sign-in has expired. Start again from your app.</p>'));
    }
    return tx;
  };

  return [
    {
      method: 'GET',
      path: DEFAULT_PATHS.authorize,
      handler: (req) => {
        const tx = validateAuthorize(req, state);
        if (state.autoConsent) return issueCode(tx, SANDBOX_USERS[0]);
        const id = randomBytes(16).toString('base64url');
        logins.set(id, { ...tx, id, expiresAt: state.now() + LOGIN_TTL_MS });
        return loginPage(id, tx);
      },
    },
    {
      method: 'POST',
      path: LOGIN_PATH,
      handler: (req) => {
        const tx = transaction(req);
        const f = form(req);
        const user = SANDBOX_USERS.find((u) => u.toLowerCase() === (f.username ?? '').trim().toLowerCase());
        if (!user || !safeEqual(f.password ?? '', SANDBOX_PASSWORD)) return loginPage(tx.id, tx, 'The user ID or password is not correct.', 401);
        tx.user = user;
        return consentPage(tx);
      },
    },
    {
      method: 'POST',
      path: CONSENT_PATH,
      handler: (req) => {
        const tx = transaction(req);
        if (!tx.user) return loginPage(tx.id, tx, 'Sign in first.', 401);
        logins.delete(tx.id);
        if (form(req).decision !== 'allow') {
          return redirect(tx.redirectUri, { error: 'access_denied', error_description: 'The customer denied the request', state: tx.state });
        }
        return issueCode(tx, tx.user);
      },
    },
    tokenEndpoint<AuthorizationCodeForm>(state, DEFAULT_PATHS.authCodeToken, (f, client) => {
      requireGrant(f, GRANT_TYPES.authorizationCode);
      if (!f.code || !f.redirect_uri) throw oauthError(400, 'invalid_request', 'code and redirect_uri are required');
      const code = codes.get(f.code);
      if (!code) throw oauthError(400, 'invalid_grant', 'The authorization code is not valid');
      if (code.used) {
        // A replayed code may have been stolen: the tokens issued for it go too (RFC 6749 4.1.2).
        if (code.family) state.revokeFamily(code.family);
        throw oauthError(400, 'invalid_grant', 'The authorization code has already been used');
      }
      code.used = true;
      if (code.expiresAt <= state.now()) throw oauthError(400, 'invalid_grant', 'The authorization code has expired');
      if (code.clientId !== client.clientId) throw oauthError(400, 'invalid_grant', 'The authorization code was issued to another client');
      if (code.redirectUri !== f.redirect_uri) throw oauthError(400, 'invalid_grant', 'redirect_uri does not match the authorize request');
      if (code.challenge) {
        if (!f.code_verifier || !PKCE_VERIFIER.test(f.code_verifier)) throw oauthError(400, 'invalid_grant', 'code_verifier is missing or malformed');
        if (!safeEqual(s256Challenge(f.code_verifier), code.challenge)) throw oauthError(400, 'invalid_grant', 'code_verifier does not match the code_challenge');
      }
      const pair = state.issue({ kind: 'three-legged', clientId: client.clientId, scopes: code.scopes, withRefresh: true, user: code.user });
      code.family = pair.access.family;
      return json(pairTokenBody(pair.access, pair.refresh!), 200, { 'cache-control': 'no-store' });
    }),
    refreshRoute(state, DEFAULT_PATHS.authCodeRefresh, 'three-legged'),
    // Any token of this client: the emulator takes two-legged tokens here too (Citi publishes no revoke for them).
    revokeRoute(state, DEFAULT_PATHS.authCodeRevoke, () => true),
  ];
}

/** Checks the authorize request; errors the app can be told about go back on the redirect, others are shown. */
function validateAuthorize(req: SandboxRequest, state: SandboxState): AuthorizeRequest {
  const q = { get: (name: keyof AuthorizeQuery) => req.query.get(name) };
  const clientId = q.get('client_id') ?? '';
  const client = state.clients.get(clientId);
  if (!client) throw new ReplyError(page(400, 'Unknown application', `<p class="err">No application has the client_id "${escapeHtml(clientId)}".</p>`));
  const redirectUri = q.get('redirect_uri') ?? '';
  if (!redirectAllowed(client, redirectUri)) {
    throw new ReplyError(
      page(
        400,
        'Redirect URI not registered',
        `<p class="err">The redirect_uri "${escapeHtml(redirectUri)}" is not registered for this application.</p>` +
          `<p>Register it with <code>citi sandbox start --redirect-uri …</code>; by default any http loopback address is allowed.</p>`,
      ),
    );
  }
  const st = q.get('state');
  const back = (error: OAuthErrorCode, description: string) => new ReplyError(redirect(redirectUri, { error, error_description: description, state: st }));
  if (q.get('response_type') !== 'code') throw back('unsupported_response_type', 'response_type must be code');
  const scopes = normaliseScopes(q.get('scope') ?? '').split(' ').filter(Boolean);
  if (!scopes.length) throw back('invalid_scope', 'scope is required');
  const unknown = scopes.filter((s) => !(SCOPES.threeLegged as readonly string[]).includes(s));
  if (unknown.length) throw back('invalid_scope', `Unknown scope: ${unknown.join(' ')}`);
  const challenge = q.get('code_challenge') ?? undefined;
  if (challenge !== undefined) {
    if ((q.get('code_challenge_method') ?? 'plain') !== PKCE_METHOD) throw back('invalid_request', `code_challenge_method must be ${PKCE_METHOD}`);
    if (!/^[A-Za-z0-9_-]{43}$/.test(challenge)) throw back('invalid_request', 'code_challenge is malformed');
  }
  return { clientId, redirectUri, scopes, state: st, ...(challenge ? { challenge } : {}) };
}

function redirectAllowed(client: SandboxClient, uri: string): boolean {
  if (client.redirectUris.length) return client.redirectUris.includes(uri);
  try {
    const url = new URL(uri);
    return url.protocol === 'http:' && (/^127\.\d+\.\d+\.\d+$/.test(url.hostname) || url.hostname === 'localhost' || url.hostname === '[::1]') && !url.hash;
  } catch {
    return false;
  }
}

function redirect(uri: string, params: { [K in keyof AuthorizeRedirect]?: string | null }): SandboxReply {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== null) url.searchParams.set(k, v);
  return { status: 302, headers: { location: url.toString(), 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' }, html: '' };
}

function loginPage(tx: string, req: AuthorizeRequest, error?: string, status = 200): SandboxReply {
  return page(
    status,
    'Sign on to Citi',
    `${error ? `<p class="err" role="alert">${escapeHtml(error)}</p>` : ''}
<p class="muted">Application <b>${escapeHtml(req.clientId)}</b> asks to access your accounts.</p>
<form method="post" action="${SANDBOX_BASE_PATH + LOGIN_PATH}">
<input type="hidden" name="tx" value="${escapeHtml(tx)}">
<label for="username">User ID</label><input id="username" name="username" autocomplete="username" required autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" id="sign-on">Sign On</button>
</form>
<p class="muted">Sandbox users: ${SANDBOX_USERS.join(', ')}; password <code>${escapeHtml(SANDBOX_PASSWORD)}</code>.</p>`,
  );
}

function consentPage(tx: LoginTransaction): SandboxReply {
  const items = tx.scopes.map((s) => `<li><b>${escapeHtml(s)}</b>: ${escapeHtml(SCOPE_TEXT[s as keyof typeof SCOPE_TEXT] ?? s)}</li>`).join('\n');
  return page(
    200,
    'Allow access?',
    `<p>Signed on as <b id="user">${escapeHtml(tx.user ?? '')}</b>.</p>
<p>Application <b>${escapeHtml(tx.clientId)}</b> asks to:</p>
<ul id="scopes">${items}</ul>
<form method="post" action="${SANDBOX_BASE_PATH + CONSENT_PATH}">
<input type="hidden" name="tx" value="${escapeHtml(tx.id)}">
<button type="submit" name="decision" value="allow" id="allow">Allow</button>
<button type="submit" name="decision" value="deny" id="deny" class="secondary">Deny</button>
</form>`,
  );
}

function page(status: number, title: string, body: string): SandboxReply {
  return {
    status,
    headers: { 'cache-control': 'no-store', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer' },
    html: `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · Citi sandbox emulator</title>
<style>
body{font:15px/1.5 Arial,Helvetica,sans-serif;background:#f4f6f9;margin:0;color:#222}
header{background:#003b70;color:#fff;padding:.8em 1.5em;font-weight:bold;letter-spacing:.05em}
main{background:#fff;max-width:26em;margin:2.5em auto;padding:1.5em 2em;border-radius:6px;box-shadow:0 1px 4px #0002}
h1{font-size:1.3em;color:#003b70}label{display:block;margin-top:.8em}input{width:100%;padding:.5em;box-sizing:border-box}
button{margin-top:1.2em;padding:.6em 1.4em;background:#0066b2;color:#fff;border:0;border-radius:4px;font-size:1em;cursor:pointer}
button.secondary{background:#777;margin-left:.5em}.err{color:#b3261e}.muted{color:#666;font-size:.9em}
</style></head>
<body><header>citi · sandbox emulator</header><main><h1>${escapeHtml(title)}</h1>
${body}
</main></body></html>
`,
  };
}
