import { describe, expect, it } from 'vitest';
import { buildAuthorizeUrl, createPkce, createState, defaultThreeLeggedScopes, findThreeLegged } from '../../src/auth/authorization-code.js';
import { DEFAULT_PATHS } from '../../src/citi/endpoints.js';
import { s256Challenge } from '../../src/citi/pkce.js';
import type { ResolvedProfile } from '../../src/config/profiles.js';
import { HttpClient } from '../../src/http/client.js';
import { MemoryStore } from '../../src/store/secret-store.js';
import type { TokenRecord } from '../../src/store/tokens.js';
import { runCli, tempConfigHome, testEnv } from '../helpers/cli.js';
import { sandbox } from '../helpers/sandbox.js';

const profile: ResolvedProfile = {
  name: 'p',
  baseUrl: 'https://sandbox.apihub.citi.com/gcb/api',
  environment: 'sandbox',
  country: 'sg',
  business: 'gcb',
  clientId: 'my-app',
  paths: { ...DEFAULT_PATHS, authorize: '/custom/authorize' },
  scopes: [],
  store: 'memory',
  storeIsDefault: false,
  fromEnv: false,
};

describe('authorization code building blocks', () => {
  it('computes the S256 challenge of RFC 7636 appendix B', () => {
    expect(s256Challenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    const p = createPkce();
    expect(p.verifier).toMatch(/^[\w-]{43}$/);
    expect(p.challenge).toBe(s256Challenge(p.verifier));
    expect(createState()).not.toBe(createState());
  });

  it("builds Citi's authorize URL from the profile's path, with uppercase country and business codes", () => {
    const http = new HttpClient({ baseUrl: profile.baseUrl, clientId: profile.clientId });
    const url = new URL(buildAuthorizeUrl({ profile, http }, { scope: 'accounts_details_transactions customers_profiles', state: 'S', redirectUri: 'http://127.0.0.1:8765/callback', codeChallenge: 'C' }));
    expect(url.origin + url.pathname).toBe('https://sandbox.apihub.citi.com/gcb/api/custom/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'my-app',
      scope: 'accounts_details_transactions customers_profiles',
      countryCode: 'SG',
      businessCode: 'GCB',
      locale: 'en_US',
      state: 'S',
      redirect_uri: 'http://127.0.0.1:8765/callback',
      code_challenge: 'C',
      code_challenge_method: 'S256',
    });
  });

  it('asks for every three-legged API scope by default, or the profile scopes', () => {
    expect(defaultThreeLeggedScopes({ scopes: [] })).toBe('accounts_details_transactions cards customers_profiles personal_domestic_transfers');
    expect(defaultThreeLeggedScopes({ scopes: ['cards', 'customers_profiles'] })).toBe('cards customers_profiles');
  });

  it('finds a stored token that carries the needed scope, a fresh one first', () => {
    const rec = (scope: string, expiresAt: number, refresh?: string): TokenRecord => ({
      kind: 'three-legged', accessToken: 'a-' + scope, tokenType: 'Bearer', scope, obtainedAt: 0, expiresAt, ...(refresh ? { refreshToken: refresh } : {}),
    });
    const now = 10_000;
    const map = { x: rec('cards customers_profiles', 5_000, 'r1'), y: rec('accounts_details_transactions cards', 100_000), z: { ...rec('cards', 100_000), kind: 'two-legged' as const } };
    expect(findThreeLegged(map, ['cards'], now)?.key).toBe('y');
    expect(findThreeLegged(map, ['customers_profiles'], now)?.key).toBe('x');
    expect(findThreeLegged(map, ['payees'], now)).toBeUndefined();
  });
});

describe('citi token --three-legged in process', () => {
  it('opens the browser through the factory, and reuses the token afterwards', async () => {
    const s = await sandbox({ autoConsent: true });
    const home = await tempConfigHome();
    const env = testEnv(home, { CITI_CLIENT_SECRET: s.clientSecret });
    const opened: string[] = [];
    // The "browser" follows the emulator's redirect to the callback server, as a real one would;
    // like a real opener, it returns once the browser is started.
    const overrides = {
      secrets: new MemoryStore(),
      openBrowser: async (url: string) => {
        opened.push(url);
        void fetch(url);
      },
    };
    expect((await runCli(['login', '--base-url', s.url, '--client-id', s.clientId], { env, overrides })).code).toBe(0);
    const first = await runCli(['token', '--three-legged', '--scope', 'cards', '--json'], { env, overrides });
    expect(first.code).toBe(0);
    expect(opened).toHaveLength(1);
    expect(first.stderr).toContain('Opened the sign-in page.');
    expect(first.stderr).toContain(opened[0]);
    expect(JSON.parse(first.stdout)).toMatchObject({ scope: 'cards', source: 'new' });
    const again = await runCli(['token', '--three-legged', '--scope', 'cards', '--json'], { env, overrides });
    expect(JSON.parse(again.stdout)).toMatchObject({ access_token: JSON.parse(first.stdout).access_token, source: 'cache' });
    expect(opened).toHaveLength(1);
    // The two-legged path is untouched: still the cached token from login.
    const two = await runCli(['token', '--json'], { env, overrides });
    expect(JSON.parse(two.stdout)).toMatchObject({ scope: '/api', source: 'cache' });
  });
});

describe('the browser opener never stalls the sign-in', () => {
  it('an opener that never settles: the wait is announced and --timeout ends it with exit 3', async () => {
    const s = await sandbox();
    const home = await tempConfigHome();
    const env = testEnv(home, { CITI_BASE_URL: s.url, CITI_CLIENT_ID: s.clientId, CITI_CLIENT_SECRET: s.clientSecret });
    const overrides = { secrets: new MemoryStore(), openBrowser: () => new Promise<void>(() => undefined) };
    const res = await runCli(['token', '--three-legged', '--timeout', '1s'], { env, overrides });
    expect(res.code).toBe(3);
    expect(res.stderr).toContain('Waiting for the redirect');
    expect(res.stderr).toMatch(/error: No sign-in came back to http:\/\/127\.0\.0\.1:\d+\/callback within 1s/);
    expect(res.stderr).not.toContain('Opened the sign-in page');
  });
});
