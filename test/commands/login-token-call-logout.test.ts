/** login, token, call and logout run in-process against a real emulator over loopback. */
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../../src/citi/endpoints.js';
import { MemoryStore } from '../../src/store/secret-store.js';
import { runCli, tempConfigHome, testEnv } from '../helpers/cli.js';
import { sandbox } from '../helpers/sandbox.js';
import type { RunningSandbox } from '../../src/sandbox/server.js';

async function setup(options: Parameters<typeof sandbox>[0] = {}) {
  const s = await sandbox(options);
  const home = await tempConfigHome();
  const secrets = new MemoryStore();
  const env = testEnv(home);
  const cli = (args: string[], extra: { stdin?: string; env?: NodeJS.ProcessEnv; tty?: boolean } = {}) =>
    runCli(args, { env: { ...env, ...extra.env }, overrides: { secrets }, ...(extra.stdin !== undefined ? { stdin: extra.stdin } : {}), ...(extra.tty ? { tty: true } : {}) });
  return { s, home, secrets, env, cli };
}

async function login(cli: Awaited<ReturnType<typeof setup>>['cli'], s: RunningSandbox, profile = 'default') {
  const res = await cli(['login', '--profile', profile, '--base-url', s.url, '--client-id', s.clientId, '--client-secret-stdin'], { stdin: s.clientSecret + '\n' });
  expect(res.stderr).toContain(`Profile ${profile} saved`);
  expect(res.code).toBe(0);
  return res;
}

describe('citi login', () => {
  it('verifies, saves the profile without the secret, and keeps the secret in the store', async () => {
    const { s, home, secrets, cli } = await setup();
    const res = await login(cli, s, 'dev');
    expect(res.stderr).toContain('credentials verified');
    const config = await fs.readFile(path.join(home, 'citi-sandbox', 'config.json'), 'utf8');
    expect(JSON.parse(config).profiles.dev).toMatchObject({ baseUrl: s.url, clientId: s.clientId, country: 'sg', business: 'gcb', environment: 'custom' });
    expect(config).not.toContain(s.clientSecret);
    expect((await fs.stat(path.join(home, 'citi-sandbox', 'config.json'))).mode & 0o777).toBe(0o600);
    expect((await fs.stat(path.join(home, 'citi-sandbox'))).mode & 0o777).toBe(0o700);
    expect(await secrets.get('dev/client-secret')).toBe(s.clientSecret);
    expect(JSON.parse((await secrets.get('dev/tokens'))!).tokens['two-legged:/api'].accessToken).toMatch(/^AAIk/);
  });

  it('refuses a wrong secret with exit 3 and saves nothing', async () => {
    const { s, home, secrets, cli } = await setup();
    const res = await cli(['login', '--base-url', s.url, '--client-id', s.clientId, '--client-secret-stdin'], { stdin: 'wrong-secret' });
    expect(res.code).toBe(3);
    expect(res.stderr).toContain('error: Verifying the credentials failed: invalid_client: Client authentication failed (HTTP 401)');
    expect(res.stderr).toContain('run `citi login` again');
    expect(await secrets.get('default/client-secret')).toBeNull();
    await expect(fs.access(path.join(home, 'citi-sandbox', 'config.json'))).rejects.toThrow();
  });

  it('makes the first profile saved the default, and keeps it when more are saved', async () => {
    const { s, home, cli } = await setup();
    await login(cli, s, 'first');
    await login(cli, s, 'second');
    const config = JSON.parse(await fs.readFile(path.join(home, 'citi-sandbox', 'config.json'), 'utf8'));
    expect(config.defaultProfile).toBe('first');
    expect(Object.keys(config.profiles).sort()).toEqual(['first', 'second']);
  });

  it('takes the secret from CITI_CLIENT_SECRET, and saves unverified with --no-verify', async () => {
    const { s, secrets, cli } = await setup();
    const res = await cli(['login', '--base-url', s.url, '--client-id', 'someone', '--no-verify', '--json'], { env: { CITI_CLIENT_SECRET: 'env-secret' } });
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ profile: 'default', clientId: 'someone', verified: false, store: 'keychain' });
    expect(await secrets.get('default/client-secret')).toBe('env-secret');
  });

  it('resolves each setting by one precedence: flags, then CITI_*, then the saved profile, then defaults', async () => {
    const { s, home, cli } = await setup();
    const saved = await cli(['login', '--profile', 'p', '--base-url', s.url, '--country', 'hk', '--business', 'cb1', '--client-id', 'saved-id', '--no-verify'], {
      env: { CITI_CLIENT_SECRET: 'secret' },
    });
    expect(saved.code).toBe(0);
    // --env beats CITI_BASE_URL (a flag over a variable), --client-id beats CITI_CLIENT_ID,
    // CITI_COUNTRY beats the saved country, the saved business beats the default.
    const res = await cli(['login', '--profile', 'p', '--env', 'qa', '--client-id', 'flag-id', '--no-verify', '--json'], {
      env: { CITI_BASE_URL: s.url, CITI_CLIENT_ID: 'env-id', CITI_COUNTRY: 'au', CITI_CLIENT_SECRET: 'secret' },
    });
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ baseUrl: ENVIRONMENTS.qa, environment: 'qa', clientId: 'flag-id', country: 'au', business: 'cb1' });
    // A new profile with nothing but the environment: its values, then the defaults.
    const fresh = await cli(['login', '--profile', 'q', '--no-verify', '--json'], { env: { CITI_BASE_URL: s.url, CITI_CLIENT_ID: 'env-id', CITI_CLIENT_SECRET: 'secret' } });
    expect(fresh.code).toBe(0);
    expect(JSON.parse(fresh.stdout)).toMatchObject({ baseUrl: s.url, environment: 'custom', clientId: 'env-id', country: 'sg', business: 'gcb' });
    const config = JSON.parse(await fs.readFile(path.join(home, 'citi-sandbox', 'config.json'), 'utf8'));
    expect(config.profiles.p).toMatchObject({ baseUrl: ENVIRONMENTS.qa, environment: 'qa', clientId: 'flag-id', country: 'au', business: 'cb1' });
  });

  it.each([
    [['--client-id', 'x'], 'No client secret', 2],
    [['--client-id', 'x', '--base-url', 'http://example.com/gcb/api'], 'Refusing plain http to example.com', 2],
    [['--client-id', 'x', '--env', 'prod'], 'Unknown environment "prod"', 2],
    [['--client-id', 'x', '--country', 'singapore'], '--country must be a two-letter country code', 2],
  ])('explains bad input: %j', async (args, message, code) => {
    const { cli } = await setup();
    const res = await cli(['login', ...args]);
    expect(res.stderr).toContain(message);
    expect(res.code).toBe(code);
  });

  it('names a malformed CITI_COUNTRY or CITI_BUSINESS as it was written (exit 2, nothing saved)', async () => {
    const { s, home, cli } = await setup();
    const args = ['login', '--base-url', s.url, '--client-id', s.clientId, '--no-verify'];
    const country = await cli(args, { env: { CITI_CLIENT_SECRET: s.clientSecret, CITI_COUNTRY: 'USA' } });
    expect(country.stderr).toContain('--country must be a two-letter country code (got "USA")');
    expect(country.code).toBe(2);
    const business = await cli(args, { env: { CITI_CLIENT_SECRET: s.clientSecret, CITI_BUSINESS: 'GCB CARDS' } });
    expect(business.stderr).toContain('--business must be a short code such as gcb (got "GCB CARDS")');
    expect(business.code).toBe(2);
    await expect(fs.access(path.join(home, 'citi-sandbox', 'config.json'))).rejects.toThrow();
  });

  it('reports a server that is not running as a connection error (exit 1)', async () => {
    const { s, cli } = await setup();
    const url = s.url;
    await s.close();
    const res = await cli(['login', '--base-url', url, '--client-id', 'x', '--client-secret-stdin'], { stdin: 'y' });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`Cannot connect to ${new URL(url).origin}: connection refused`);
    expect(res.stderr).toContain('citi sandbox start');
  });
});

describe('citi token', () => {
  it('reuses the cached token, and gets a new one with --force', async () => {
    const { s, cli } = await setup();
    await login(cli, s);
    const first = await cli(['token', '--json']);
    expect(first.code).toBe(0);
    const a = JSON.parse(first.stdout);
    expect(a).toMatchObject({ token_type: 'Bearer', scope: '/api', source: 'cache' });
    expect(new Date(a.expires_at).getTime()).toBeGreaterThan(Date.now() + 29 * 60_000);
    const plain = await cli(['token']);
    expect(plain.stdout).toBe(a.access_token + '\n');
    const forced = JSON.parse((await cli(['token', '--json', '--force'])).stdout);
    expect(forced.source).toBe('new');
    expect(forced.access_token).not.toBe(a.access_token);
    expect(JSON.parse((await cli(['token', '--json'])).stdout).access_token).toBe(forced.access_token);
  });

  it('gets a new token once the cached one is about to expire', async () => {
    const { s, cli } = await setup({ ttls: { accessMs: 1000 } });
    await login(cli, s);
    const a = JSON.parse((await cli(['token', '--json'])).stdout);
    await new Promise((r) => setTimeout(r, 1000));
    const b = JSON.parse((await cli(['token', '--json'])).stdout);
    expect(b.source).toBe('new');
    expect(b.access_token).not.toBe(a.access_token);
  });

  it('works from environment credentials alone', async () => {
    const { s, cli } = await setup();
    const res = await cli(['token', '--json'], { env: { CITI_CLIENT_ID: s.clientId, CITI_CLIENT_SECRET: s.clientSecret, CITI_BASE_URL: s.url } });
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout).source).toBe('new');
  });

  it('names an unknown profile (exit 2) and a missing secret (exit 3)', async () => {
    const { s, cli, secrets } = await setup();
    const unknown = await cli(['token', '--profile', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('error: Unknown profile "nope"');
    expect(unknown.stderr).toContain('citi login --profile nope');
    await login(cli, s);
    await secrets.delete('default/client-secret');
    await secrets.delete('default/tokens');
    const missing = await cli(['token']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('No client secret stored for profile "default"');
  });
});

describe('citi call', () => {
  it('shows a list as a table and as JSON', async () => {
    const { s, cli } = await setup();
    await login(cli, s);
    const table = await cli(['call', '/v1/apac/onboarding/products', '--table'], { tty: true });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/productCode\s*│\s*productDescription/);
    expect(table.stdout).toMatch(/VC830\s*│\s*Citi PremierMiles Card/);
    // Off a terminal: tab-separated lines under a header row.
    const piped = await cli(['call', '/v1/apac/onboarding/products', '--table']);
    expect(piped.stdout.split('\n').slice(0, 2)).toEqual(['productCode\tproductDescription\tproductType\tsourceCode', 'VC830\tCiti PremierMiles Card\tCREDIT_CARD\tWW5ARCE1']);
    expect(piped.stdout).not.toMatch(/[│─┌]/);
    const json = await cli(['call', 'GET', '/v1/apac/onboarding/products', '--json', '--query', 'requestSize=2']);
    expect(JSON.parse(json.stdout).products).toHaveLength(2);
  });

  it('sends --data from text, a file and stdin, defaulting to POST', async () => {
    const { s, cli, home } = await setup();
    await login(cli, s);
    const card = { lastFourDigitsCardNumber: '8653', citiCardHolderPhoneNumber: '6590020056', merchantCustomerReferenceId: 'M' };
    const a = await cli(['call', '/v1/apac/rewards/linkage', '--data', JSON.stringify(card), '--json']);
    expect(JSON.parse(a.stdout)).toEqual({ rewardLinkCode: 'RLC00000001' });
    const file = path.join(home, 'card.json');
    await fs.writeFile(file, JSON.stringify(card));
    const b = await cli(['call', 'POST', '/v1/apac/rewards/linkage', '--data', '@' + file, '--json']);
    expect(JSON.parse(b.stdout)).toEqual({ rewardLinkCode: 'RLC00000002' });
    const c = await cli(['call', 'POST', '/v1/apac/rewards/linkage', '--data', '@-', '--json'], { stdin: JSON.stringify(card) });
    expect(JSON.parse(c.stdout)).toEqual({ rewardLinkCode: 'RLC00000003' });
  });

  it('shows Citi errors in one line with exit 1, and keeps the body with --json', async () => {
    const { s, cli } = await setup();
    await login(cli, s);
    const res = await cli(['call', '/v1/apac/onboarding/products/unsecured/applications/APP9/status?controlFlowId=CF1']);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('error: HTTP 400 invalidRequest: Missing or invalid Parameters');
    expect(res.stdout).toBe('');
    const json = await cli(['call', '/v1/apac/onboarding/products/unsecured/applications/APP9/status?controlFlowId=CF1', '--json']);
    expect(JSON.parse(json.stdout)).toEqual({ type: 'invalid', code: 'invalidRequest', details: 'Missing or invalid Parameters' });
  });

  it('gets a new token and retries once when the server no longer knows the cached one', async () => {
    const { s, cli } = await setup();
    await login(cli, s);
    const before = JSON.parse((await cli(['token', '--json'])).stdout).access_token;
    s.state.tokens.clear(); // the server forgets every token, as after a restart
    const res = await cli(['call', '/v1/apac/onboarding/products', '--json']);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout).products).toHaveLength(5);
    expect(JSON.parse((await cli(['token', '--json'])).stdout).access_token).not.toBe(before);
  });

  it('never quotes a malformed --data body back (it may hold a secret)', async () => {
    const { s, cli } = await setup();
    await login(cli, s);
    const res = await cli(['call', '/v1/x', '--data', '{"password": hunter2-secret}']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('error: --data is not valid JSON');
    expect(res.stderr).not.toContain('hunter2');
  });

  it('prints the status line and headers with --include', async () => {
    const { s, cli } = await setup();
    await login(cli, s);
    const res = await cli(['call', '/v1/apac/onboarding/products', '--include', '--json']);
    expect(res.stdout).toMatch(/^HTTP 200\n/);
    expect(res.stdout).toMatch(/x-global-transaction-id: [0-9a-f-]{36}/);
  });

  it.each([
    [['call', '/v1/x', '--data', '{bad'], '--data is not valid JSON'],
    [['call', '/v1/x', '--data', '@/nonexistent/file.json'], 'Cannot read --data file "/nonexistent/file.json": no such file'],
    [['call', 'FETCH', '/v1/x'], 'Unknown HTTP method "FETCH"'],
    [['call', 'v1/x'], 'The path must start with "/"'],
    [['call', '/v1/x', '--json', '--table'], 'Choose one of --json, --table and --raw'],
    [['call', '/v1/x', '--header', 'novalue'], '--header "novalue" is not of the form Key: value'],
    [['call', '/v1/x', '--auth', 'four-legged'], '--auth must be one of'],
  ])('refuses bad input with exit 2: %j', async (args, message) => {
    const { s, cli } = await setup();
    await login(cli, s);
    const res = await cli(args);
    expect(res.stderr).toContain(message);
    expect(res.code).toBe(2);
  });
});

describe('citi logout', () => {
  it('forgets the secret and tokens, and with --forget-profile the profile too', async () => {
    const { s, cli, secrets } = await setup();
    await login(cli, s);
    const res = await cli(['logout']);
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('forgot client secret and cached tokens');
    expect(await secrets.get('default/client-secret')).toBeNull();
    expect(await secrets.get('default/tokens')).toBeNull();
    expect((await cli(['token'])).code).toBe(3);
    await cli(['logout', '--forget-profile']);
    expect((await cli(['token'])).stderr).toContain('No profile is set up yet');
  });
});

describe('global behaviour', () => {
  it('exits 2 on unknown commands and options, 0 on --help with the exit codes listed', async () => {
    const { cli } = await setup();
    expect((await cli(['frobnicate'])).code).toBe(2);
    expect((await cli(['token', '--nope'])).code).toBe(2);
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes:');
    expect(help.stdout).toContain('4  credential store unavailable');
  });
});
