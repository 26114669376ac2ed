/**
 * Standard OAuth as a strict server checks it (RFC 6749, RFC 9700), with the built binary: client
 * credentials that need form-encoding, against our emulator and against a strict test server; the
 * redirect URI sent exactly as given; token answers without expires_in.
 */
import { describe, expect, it } from 'vitest';
import { freePort, spawnCli, tempConfigHome, testEnv, withoutStoreWarning } from '../helpers/cli.js';
import { sandboxProcess } from '../helpers/sandbox.js';
import { rfcBasic, strictServer, type Seen } from '../helpers/strict-server.js';
import { followAuthorize, startCli } from '../helpers/three-legged-cli.js';

// Each character that plain `base64(id:secret)` gets wrong: + % : space, and non-ASCII letters.
// The ID stays within Latin-1, as it also travels in the client_id header of resource calls.
const CLIENT_ID = 'app+1 %20:é';
const CLIENT_SECRET = 's3:cr+et% ü ł日本';


describe('client credentials that need form-encoding (RFC 6749 §2.3.1)', () => {
  it('the emulator started with them takes login, token, call and a three-legged sign-in', async () => {
    const home = await tempConfigHome();
    const env = testEnv(home);
    delete env.DISPLAY;
    delete env.WAYLAND_DISPLAY;
    const sb = await sandboxProcess(['--client-id', CLIENT_ID, '--client-secret', CLIENT_SECRET, '--auto-consent'], env);
    expect(sb.clientId).toBe(CLIENT_ID);
    const cli = (args: string[], stdin?: string) => spawnCli(['--store', 'file', ...args], { env, ...(stdin !== undefined ? { stdin } : {}) });

    const login = await cli(['login', '--base-url', sb.url, '--client-id', CLIENT_ID, '--client-secret-stdin'], CLIENT_SECRET);
    expect(login.stderr).toContain('credentials verified');
    expect(login.code).toBe(0);
    const call = await cli(['call', '/v1/apac/onboarding/products', '--json']);
    expect(call.code).toBe(0);
    expect(JSON.parse(call.stdout)).toHaveProperty('products');

    const run = startCli(['--store', 'file', 'token', '--three-legged', '--no-browser', '--scope', 'customers_profiles', '--json'], env);
    const [, url] = await run.waitForStderr(/(http:\/\/127\.0\.0\.1:\d+\/gcb\/api\/authCode\/oauth2\/authorize\?\S+)/);
    expect(new URL(url!).searchParams.get('client_id')).toBe(CLIENT_ID);
    expect((await followAuthorize(url!)).status).toBe(200);
    const done = await run.done;
    expect(done.stderr).not.toContain('invalid_client');
    expect(done.code).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({ source: 'new', scope: 'customers_profiles' });
    expect(sb.log()).toContain('POST /gcb/api/authCode/oauth2/token/sg/gcb 200');
  });

  it('the same credentials with a wrong secret are refused (exit 3): the emulator really checks them', async () => {
    const home = await tempConfigHome();
    const sb = await sandboxProcess(['--client-id', CLIENT_ID, '--client-secret', CLIENT_SECRET], testEnv(home));
    const res = await spawnCli(['token'], { env: testEnv(home, { CITI_BASE_URL: sb.url, CITI_CLIENT_ID: CLIENT_ID, CITI_CLIENT_SECRET: 's3:cr+et% ü ł日', CITI_STORE: 'memory' }) });
    expect(res.stderr).toContain('invalid_client');
    expect(res.code).toBe(3);
  });
});

/** A strict OAuth server for one client: RFC Basic auth, one registered redirect URI, no expires_in in its answers. */
async function strictOAuth(registeredRedirect: () => string) {
  let issued = 0;
  const live = new Set<string>();
  const authenticated = (r: Seen) => {
    const c = rfcBasic(r.headers.authorization);
    return c?.id === CLIENT_ID && c.secret === CLIENT_SECRET;
  };
  const token = (extra: Record<string, string> = {}) => {
    const access = `strict-access-${++issued}`;
    live.add(access);
    // No expires_in: RECOMMENDED by RFC 6749 §5.1, not required.
    return { status: 200, json: { access_token: access, token_type: 'Bearer', ...extra }, headers: { 'cache-control': 'no-store' } };
  };
  const codes = new Map<string, string>();
  const server = await strictServer((r) => {
    const route = `${r.method} ${r.path}`;
    if (route === 'POST /clientCredentials/oauth2/token/sg/gcb') {
      if (!authenticated(r)) return { status: 401, json: { error: 'invalid_client' } };
      return token();
    }
    if (route === 'GET /authCode/oauth2/authorize') {
      const redirect = r.query.get('redirect_uri');
      if (redirect !== registeredRedirect()) return { status: 400, text: `redirect_uri ${redirect} is not registered` };
      const code = `code-${codes.size + 1}`;
      codes.set(code, redirect);
      return { status: 302, headers: { location: `${redirect}?code=${code}&state=${encodeURIComponent(r.query.get('state')!)}` } };
    }
    if (route === 'POST /authCode/oauth2/token/sg/gcb') {
      if (!authenticated(r)) return { status: 401, json: { error: 'invalid_client' } };
      const code = r.form.get('code') ?? '';
      // RFC 6749 §4.1.3: identical to the redirect_uri of the authorization request.
      if (codes.get(code) !== r.form.get('redirect_uri')) return { status: 400, json: { error: 'invalid_grant', error_description: 'redirect_uri mismatch' } };
      codes.delete(code);
      return token({ refresh_token: 'strict-refresh', scope: 'customers_profiles' });
    }
    if (r.method === 'GET' && r.path.startsWith('/v1/')) {
      const bearer = /^Bearer (.+)$/.exec(r.headers.authorization ?? '')?.[1];
      if (!bearer || !live.has(bearer)) return { status: 401, json: { type: 'error', code: 'unAuthorized', details: 'Authorization credential is missing or invalid' } };
      return { status: 200, json: { products: [{ productCode: 'P1' }] } };
    }
    return undefined;
  });
  return { server, expireAll: () => live.clear() };
}

describe('a strict OAuth server', () => {
  it('takes a token answer without expires_in: cached for a short while, replaced after a 401', async () => {
    const { server, expireAll } = await strictOAuth(() => 'unused');
    const home = await tempConfigHome();
    const env = testEnv(home);
    const login = await spawnCli(['--store', 'file', 'login', '--base-url', server.baseUrl, '--client-id', CLIENT_ID, '--client-secret-stdin'], { env, stdin: CLIENT_SECRET });
    expect(login.stderr).toContain('credentials verified');
    expect(login.code).toBe(0);

    const before = Date.now();
    const cached = await spawnCli(['token', '--json'], { env });
    expect(cached.code).toBe(0);
    const printed = JSON.parse(cached.stdout) as { access_token: string; source: string; expires_at: string };
    expect(printed).toMatchObject({ access_token: 'strict-access-1', source: 'cache' });
    // A short default: minutes, not Citi's half hour.
    const left = Date.parse(printed.expires_at) - before;
    expect(left).toBeGreaterThan(60_000);
    expect(left).toBeLessThanOrEqual(300_000);

    // The server drops the token early: the call gets a 401, a new token, and succeeds.
    expireAll();
    const call = await spawnCli(['call', '/v1/apac/onboarding/products', '--json'], { env });
    expect(withoutStoreWarning(call.stderr)).toBe('');
    expect(call.code).toBe(0);
    expect(JSON.parse(call.stdout)).toEqual({ products: [{ productCode: 'P1' }] });
    expect(server.count('POST /clientCredentials/oauth2/token/sg/gcb')).toBe(2);
    expect(server.count('GET /v1/apac/onboarding/products')).toBe(2);
  });

  it('sends the redirect URI exactly as given (no trailing slash added) in the authorize request and the code exchange', async () => {
    const port = await freePort();
    const redirect = `http://127.0.0.1:${port}`;
    const { server } = await strictOAuth(() => redirect);
    const home = await tempConfigHome();
    const env = testEnv(home);
    delete env.DISPLAY;
    delete env.WAYLAND_DISPLAY;
    const login = await spawnCli(['--store', 'file', 'login', '--base-url', server.baseUrl, '--client-id', CLIENT_ID, '--client-secret-stdin', '--redirect-uri', redirect], { env, stdin: CLIENT_SECRET });
    expect(login.code).toBe(0);

    const run = startCli(['--store', 'file', 'token', '--three-legged', '--no-browser', '--scope', 'customers_profiles', '--json'], env);
    const [, url] = await run.waitForStderr(/(http:\/\/127\.0\.0\.1:\d+\/gcb\/api\/authCode\/oauth2\/authorize\?\S+)/);
    expect(new URL(url!).searchParams.get('redirect_uri')).toBe(redirect);
    const browser = await followAuthorize(url!);
    expect(browser.location).toMatch(new RegExp(`^${redirect}\\?code=code-1&state=`));
    expect(browser.status).toBe(200);
    const done = await run.done;
    expect(done.stderr).not.toContain('redirect_uri mismatch');
    expect(done.code).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({ access_token: 'strict-access-2', source: 'new' }) // 1 went to login's check;
    const exchange = server.seen.find((r) => r.path === '/authCode/oauth2/token/sg/gcb')!;
    expect(exchange.form.get('redirect_uri')).toBe(redirect);
  });
});
