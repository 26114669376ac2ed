import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { KeychainStore } from '../../src/store/keychain-store.js';
import { onCleanup } from '../helpers/cli.js';
import { requireSecretService } from '../helpers/keychain.js';
import { AUTHORIZE_URL, count, driveConsent, followAuthorize, setup, sleep, startCli, storedTokens, threeLegged } from '../helpers/three-legged-cli.js';
import { basicAuthorization } from '../../src/citi/oauth.js';

const REFRESH_LINE = 'POST /gcb/api/authCode/oauth2/refresh 200';

describe('citi token --three-legged (built binary, emulator in a child process)', () => {
  it('starts the callback server, prints the URL, says no browser could be opened, keeps waiting, then stores the token', async () => {
    const { env, home, cli } = await setup(['--auto-consent']);
    const run = startCli(['token', '--three-legged', '--json'], env);
    const [, url] = await run.waitForStderr(AUTHORIZE_URL);
    await run.waitForStderr(/Waiting for the redirect/);
    expect(run.stderr()).toMatch(/Could not open a browser \((no graphical display \(DISPLAY is not set\)|running in CI)\): open the URL above in one yourself\./);
    const authorize = new URL(url!);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'sandbox-client',
      scope: 'accounts_details_transactions cards customers_profiles personal_domestic_transfers',
      countryCode: 'SG',
      businessCode: 'GCB',
      locale: 'en_US',
      code_challenge_method: 'S256',
    });
    expect(authorize.searchParams.get('state')).toMatch(/^[\w-]{32}$/);
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    const callback = new URL(authorize.searchParams.get('redirect_uri')!);
    expect(callback.hostname).toBe('127.0.0.1');

    const browser = await followAuthorize(url!);
    expect(browser.status).toBe(200);
    expect(browser.page).toContain('Signed in');
    const res = await run.done;
    expect(res.code).toBe(0);
    const printed = JSON.parse(res.stdout) as { access_token: string; source: string; scope: string };
    expect(printed.source).toBe('new');
    expect(printed.scope).toBe('accounts_details_transactions cards customers_profiles personal_domestic_transfers');
    const stored = await threeLegged(home);
    expect(stored.accessToken).toBe(printed.access_token);
    expect(stored.refreshToken).toMatch(/^RRIk/);

    // The callback server is gone: its port is free again.
    await new Promise<void>((resolve, reject) => {
      const probe = net.createServer().once('error', reject);
      probe.listen(Number(callback.port), '127.0.0.1', () => probe.close(() => resolve()));
    });
    // Reused from the store at once, no browser.
    const again = await cli(['token', '--three-legged', '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ access_token: printed.access_token, source: 'cache' });
    expect(again.stderr).not.toContain('Signing in');
  });

  it('--manual takes the pasted redirect URL on stdin and starts no server', async () => {
    const { env, home } = await setup(['--auto-consent']);
    const run = startCli(['token', '--three-legged', '--manual', '--scope', 'customers_profiles'], env);
    const [, url] = await run.waitForStderr(AUTHORIZE_URL);
    const first = await fetch(url!, { redirect: 'manual' });
    const location = first.headers.get('location')!;
    // Nothing listens there: the browser could not reach this machine.
    await expect(fetch(location)).rejects.toThrow();
    run.write(location + '\n');
    const res = await run.done;
    expect(res.code).toBe(0);
    expect((await threeLegged(home)).scope).toBe('customers_profiles');
    expect(res.stdout.trim()).toBe((await threeLegged(home)).accessToken);
  });

  it('--manual refuses a pasted URL of another sign-in (wrong state)', async () => {
    const { env } = await setup(['--auto-consent']);
    const run = startCli(['token', '--three-legged', '--manual'], env);
    const [, url] = await run.waitForStderr(AUTHORIZE_URL);
    const location = new URL((await fetch(url!, { redirect: 'manual' })).headers.get('location')!);
    location.searchParams.set('state', 'from-another-sign-in');
    run.write(location.toString() + '\n');
    const res = await run.done;
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('error: The pasted URL was not accepted: The state parameter does not match this sign-in');
  });

  it('Deny ends with a clear message and exit code 3', async () => {
    const { env } = await setup();
    const run = startCli(['token', '--three-legged', '--no-browser'], env);
    const [, url] = await run.waitForStderr(AUTHORIZE_URL);
    expect(run.stderr()).not.toContain('Could not open a browser');
    const browser = await driveConsent(url!, 'deny');
    expect(browser.status).toBe(400);
    expect(browser.page).toContain('Consent was denied in the browser (access_denied)');
    const res = await run.done;
    expect(res.code).toBe(3);
    expect(res.stderr).toContain('error: Consent was denied in the browser (access_denied): The customer denied the request');
    expect(res.stderr).toContain('Run the command again and choose Allow on the consent page.');
  });

  it('times out with a clear message (exit 3)', async () => {
    const { cli } = await setup();
    const res = await cli(['token', '--three-legged', '--no-browser', '--timeout', '1s']);
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/error: No sign-in came back to http:\/\/127\.0\.0\.1:\d+\/callback within 1s/);
    expect(res.stderr).toContain('allow more time with --timeout');
  });

  it('uses the registered redirect URI; a port in use is an error naming the port and the fix', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    onCleanup(() => new Promise<void>((r) => blocker.close(() => r())));
    const port = (blocker.address() as net.AddressInfo).port;
    const { cli } = await setup([], ['--redirect-uri', `http://127.0.0.1:${port}/callback`]);
    const res = await cli(['token', '--three-legged', '--no-browser']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`error: Port ${port} is already in use, so the callback server for http://127.0.0.1:${port}/callback cannot start`);
    expect(res.stderr).toContain('citi login --redirect-uri');
  });

  it('rejects the sign-in flags without --three-legged', async () => {
    const { cli } = await setup();
    const res = await cli(['token', '--manual']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('error: --manual only apply to --three-legged');
  });
});

describe('refresh, concurrency, revoke and status', () => {
  async function signedIn(args: string[] = []) {
    const s = await setup(['--auto-consent', '--access-ttl', '2s', ...args]);
    const run = startCli(['token', '--three-legged', '--no-browser'], s.env);
    const [, url] = await run.waitForStderr(AUTHORIZE_URL);
    await followAuthorize(url!);
    expect((await run.done).code).toBe(0);
    return s;
  }

  it('after expiry a call refreshes without a browser and stores the rotated refresh token; four calls at once all succeed', async () => {
    const { home, cli, sb } = await signedIn();
    const first = await threeLegged(home);
    await sleep(2100);
    const call = await cli(['call', 'GET', '/v1/accounts', '--json']);
    expect(call.code).toBe(0);
    expect(call.stderr).not.toContain('Signing in');
    expect(JSON.parse(call.stdout).accountGroupSummary[0].accountGroup).toBe('SAVINGS_AND_INVESTMENTS');
    const second = await threeLegged(home);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(count(sb.log(), REFRESH_LINE)).toBe(1);

    // Four processes find the token expired at once: one refreshes under the lock, the others use its pair.
    await sleep(2100);
    const results = await Promise.all(
      ['/v1/accounts', '/v1/customers/profiles', '/v1/cards?cardFunction=ALL', '/v1/accounts/SAV10011248/transactions'].map((p) => cli(['call', 'GET', p, '--json'], { timeoutMs: 30_000 })),
    );
    for (const r of results) {
      expect(r.code).toBe(0);
      expect(r.stderr).not.toMatch(/error|Signing in/);
    }
    expect(count(sb.log(), REFRESH_LINE)).toBe(2);
    expect(sb.log()).not.toContain('refresh 400');
    const third = await threeLegged(home);
    expect(third.refreshToken).not.toBe(second.refreshToken);
    // The stored refresh token is the live one: it refreshes once more.
    await sleep(2100);
    expect((await cli(['token', '--three-legged', '--json'])).code).toBe(0);
    expect(count(sb.log(), REFRESH_LINE)).toBe(3);
  });

  it('after a revoked refresh token: a call without a terminal fails at once saying why; token goes back to the browser', async () => {
    const { home, env, sb, cli } = await signedIn();
    const stored = await threeLegged(home);
    const revoke = await fetch(sb.url + '/authCode/oauth2/revoke', {
      method: 'POST',
      headers: { authorization: basicAuthorization(sb.clientId, sb.clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: stored.refreshToken!, token_type_hint: 'refresh_token' }),
    });
    expect(revoke.status).toBe(200);
    const why = 'the server refused the refresh token (invalid_grant: The refresh token has been revoked)';
    // No one at a terminal: no sign-in that nobody would finish, and no three-minute wait.
    const call = await cli(['call', 'GET', '/v1/customers/profiles', '--json']);
    expect(call.code).toBe(3);
    expect(call.stderr).toContain(`error: No usable three-legged token: ${why}`);
    expect(call.stderr).toContain('Sign in first with `citi token --three-legged`');
    const run = startCli(['token', '--three-legged', '--no-browser', '--scope', 'customers_profiles'], env);
    const [, url] = await run.waitForStderr(AUTHORIZE_URL);
    await followAuthorize(url!);
    const token = await run.done;
    expect(token.code).toBe(0);
    // The refused pair was forgotten by the call, so the sign-in says there is none.
    expect(token.stderr).toContain('Signing in through the browser: no three-legged token with the scope "customers_profiles" is stored.');
    const res = await cli(['call', 'GET', '/v1/customers/profiles', '--json']);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout).customerParticulars.names[0].firstName).toBe('Alex');
  });

  it('status lists the tokens without secrets; revoke revokes at the server, forgets, and the old token is refused', async () => {
    const { home, cli, sb } = await signedIn(['--access-ttl', '30m']);
    const before = await threeLegged(home);
    const status = await cli(['status', '--json']);
    expect(status.code).toBe(0);
    const parsed = JSON.parse(status.stdout) as { store: string; tokens: { kind: string; scope: string; expiresIn: number; refreshExpiresIn: number }[] };
    expect(parsed.store).toBe(`plaintext file ${home}/citi-sandbox/secrets.json`);
    expect(parsed.tokens.map((t) => t.kind)).toEqual(['three-legged', 'two-legged']);
    expect(parsed.tokens[0]).toMatchObject({ scope: 'accounts_details_transactions cards customers_profiles personal_domestic_transfers' });
    expect(parsed.tokens[0]!.expiresIn).toBeGreaterThan(1790);
    expect(parsed.tokens[0]!.refreshExpiresIn).toBeGreaterThan(2591000);
    const table = await cli(['status']);
    expect(table.stdout).toMatch(/^three-legged\taccounts_details_transactions cards customers_profiles personal_domestic_transfers\t(29m 5\ds|30m 0s)\t(30d 0h|29d 23h)\tplaintext file /m);
    for (const out of [status.stdout, table.stdout, table.stderr]) {
      expect(out).not.toContain(before.accessToken);
      expect(out).not.toContain(before.refreshToken!);
      expect(out).not.toContain(sb.clientSecret);
    }

    const revoked = await cli(['revoke', '--three-legged']);
    expect(revoked.code).toBe(0);
    expect(revoked.stderr).toContain('✓ Revoked three-legged token (accounts_details_transactions cards customers_profiles personal_domestic_transfers) at the server and forgot it');
    expect(sb.log()).toContain('POST /gcb/api/authCode/oauth2/revoke 200');
    expect(Object.values(await storedTokens(home)).map((t) => t.kind)).toEqual(['two-legged']);
    const refused = await fetch(sb.url + '/v1/accounts', { headers: { authorization: `Bearer ${before.accessToken}`, uuid: crypto.randomUUID(), client_id: sb.clientId } });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ code: 'unAuthorized', details: 'The access token has been revoked' });

    const two = Object.values(await storedTokens(home))[0]!;
    const all = await cli(['revoke', '--all', '--json']);
    expect(all.code).toBe(0);
    expect(JSON.parse(all.stdout)).toEqual({ profile: 'default', revoked: [{ kind: 'two-legged', scope: '/api', atServer: true, forgotten: true }] });
    const refusedTwo = await fetch(sb.url + '/v1/apac/onboarding/products', { headers: { authorization: `Bearer ${two.accessToken}`, uuid: crypto.randomUUID(), client_id: sb.clientId } });
    expect(refusedTwo.status).toBe(401);
    expect((await cli(['revoke'])).stderr).toContain('Nothing to revoke: no tokens are stored for profile default');
    expect((await cli(['status'])).stderr).toContain('No tokens stored');
  });

  it('--verbose shows no token, code, code_verifier or client secret', async () => {
    const { home, env, cli, sb } = await setup(['--auto-consent', '--access-ttl', '2s']);
    const run = startCli(['--verbose', 'token', '--three-legged', '--no-browser'], env);
    const [, url] = await run.waitForStderr(AUTHORIZE_URL);
    const { code } = await followAuthorize(url!);
    const login = await run.done;
    expect(login.code).toBe(0);
    const first = await threeLegged(home);
    await sleep(2100);
    const call = await cli(['--verbose', 'call', 'GET', '/v1/accounts']);
    expect(call.code).toBe(0);
    const second = await threeLegged(home);
    const revoke = await cli(['--verbose', 'revoke', '--all']);
    expect(revoke.code).toBe(0);
    const status = await cli(['--verbose', 'status']);

    const trace = login.stderr + call.stderr + revoke.stderr + status.stderr + status.stdout;
    expect(login.stderr).toContain('code=[REDACTED]');
    expect(login.stderr).toContain('code_verifier=[REDACTED]');
    expect(call.stderr).toContain('refresh_token=[REDACTED]');
    expect(revoke.stderr).toContain('token=[REDACTED]');
    for (const secret of [code!, first.accessToken, first.refreshToken!, second.accessToken, second.refreshToken!, sb.clientSecret]) {
      expect(secret.length).toBeGreaterThan(8);
      expect(trace).not.toContain(secret);
    }
    expect(call.stdout).not.toContain(second.accessToken);
  });
});

const keychain = await requireSecretService();

describe.skipIf(!keychain)('refresh across processes with the real keychain (Secret Service)', () => {
  it('four `citi call` processes started at once after expiry all succeed; one refresh; the rotated pair is in the keychain', async () => {
    const profile = `kc-${randomUUID().slice(0, 8)}`;
    const { env, cli, sb } = await setup(['--auto-consent', '--access-ttl', '2s'], [], { store: 'keychain', profile });
    onCleanup(async () => void (await cli(['logout'])));
    const stored = async () => Object.values(await storedTokens('', profile, new KeychainStore(5000))).find((t) => t.kind === 'three-legged')!;
    const run = startCli(['token', '--three-legged', '--no-browser'], env);
    const [, url] = await run.waitForStderr(AUTHORIZE_URL);
    await followAuthorize(url!);
    expect((await run.done).code).toBe(0);
    const before = await stored();
    expect(before.refreshToken).toMatch(/^RRIk/);
    await sleep(2100);
    const results = await Promise.all(
      ['/v1/accounts', '/v1/customers/profiles', '/v1/cards?cardFunction=ALL', '/v1/accounts/SAV10011248'].map((p) => cli(['call', 'GET', p, '--json'], { timeoutMs: 30_000 })),
    );
    for (const r of results) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    expect(count(sb.log(), REFRESH_LINE)).toBe(1);
    const after = await stored();
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.accessToken).not.toBe(before.accessToken);
  });
});
