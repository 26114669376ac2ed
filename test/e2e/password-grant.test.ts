/**
 * The password grant through the built binary against `citi sandbox start`, with no terminal, as a
 * CI job runs it: token, an accounts call, refresh, revoke; a wrong user; the password never shown.
 */
import { describe, expect, it } from 'vitest';
import { runCli, tempConfigHome, testEnv } from '../helpers/cli.js';
import { sandbox } from '../helpers/sandbox.js';
import { setup, sleep, storedTokens } from './three-legged-helpers.js';

const PASSWORD = 'P@ssUser1$';

async function passwordRecord(home: string) {
  const tokens = Object.values(await storedTokens(home)).filter((r) => r.kind === 'password');
  expect(tokens).toHaveLength(1);
  return tokens[0]!;
}

describe('citi token --password', () => {
  it('signs in headless, then calls, refreshes and revokes without the password; nothing secret is shown', async () => {
    const { home, sb, cli } = await setup(['--access-ttl', '2s']);
    const token = await cli(['--verbose', 'token', '--password', '--username', 'SandboxUser1', '--password-stdin', '--json'], { stdin: PASSWORD + '\n' });
    expect(token.code, token.stderr).toBe(0);
    const printed = JSON.parse(token.stdout) as { access_token: string; scope: string; source: string };
    expect(printed).toMatchObject({ scope: '/api', source: 'new', token_type: 'Bearer' });
    expect(token.stderr).toContain('> GET ' + sb.url + '/security/e2eKey');
    expect(token.stderr).toContain('biztoken: [REDACTED]');
    expect(token.stderr).toContain('grant_type=password&scope=%2Fapi&username=SandboxUser1&password=[REDACTED]');
    const first = await passwordRecord(home);
    expect(first).toMatchObject({ kind: 'password', scope: '/api', meta: { username: 'SandboxUser1' } });

    // No password needed now: the stored token serves the call.
    const accounts = await cli(['--verbose', 'call', 'GET', '/v1/accounts', '--auth', 'password', '--json']);
    expect(accounts.code, accounts.stderr).toBe(0);
    expect(accounts.stderr).not.toContain('Signing in');
    expect(accounts.stdout).toContain('"savingsAccountSummary"');
    expect(accounts.stdout).toContain('SAV10011248');

    const status = await cli(['status', '--json']);
    expect(JSON.parse(status.stdout).tokens).toEqual([
      expect.objectContaining({ kind: 'password', scope: '/api', username: 'SandboxUser1', refreshable: true }),
      expect.objectContaining({ kind: 'two-legged' }),
    ]);

    // Expired: refreshed with the refresh token, still no password.
    await sleep(2100);
    const again = await cli(['--verbose', 'call', 'GET', '/v1/cards?cardFunction=ALL', '--auth', 'password']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('/authCode/oauth2/refresh');
    const second = await passwordRecord(home);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);

    const revoke = await cli(['--verbose', 'revoke', '--three-legged', '--json']);
    expect(revoke.code, revoke.stderr).toBe(0);
    expect(JSON.parse(revoke.stdout).revoked).toEqual([{ kind: 'password', scope: '/api', atServer: true, forgotten: true }]);
    const refused = await fetch(sb.url + '/v1/accounts', { headers: { authorization: `Bearer ${second.accessToken}`, uuid: crypto.randomUUID(), client_id: sb.clientId } });
    expect(refused.status).toBe(401);

    const everything = [token.stderr, accounts.stdout, accounts.stderr, again.stdout, again.stderr, revoke.stdout, revoke.stderr, status.stdout].join('\n');
    for (const secret of [PASSWORD, first.accessToken, first.refreshToken!, second.accessToken, second.refreshToken!, sb.clientSecret]) expect(everything).not.toContain(secret);
    // The emulator's log names its own test credentials at start-up, but never a password or token.
    for (const secret of [PASSWORD, first.accessToken, first.refreshToken!, second.accessToken]) expect(sb.log()).not.toContain(secret);
  });

  it('a wrong user or password: exit 3 with Citi\'s message, nothing stored', async () => {
    const { home, cli } = await setup();
    const wrongUser = await cli(['token', '--password', '--username', 'NoSuchUser', '--password-stdin'], { stdin: PASSWORD });
    expect(wrongUser.code).toBe(3);
    expect(wrongUser.stderr).toContain('error: Signing in NoSuchUser by the password grant failed: 401: Authorization credentials are missing or invalid (HTTP 401)');
    const wrongPassword = await cli(['--verbose', 'token', '--password', '--username', 'SandboxUser1', '--password-stdin'], { stdin: 'Wr0ng-Passw0rd' });
    expect(wrongPassword.code).toBe(3);
    expect(wrongPassword.stderr).not.toContain('Wr0ng-Passw0rd');
    expect(Object.values(await storedTokens(home)).filter((r) => r.kind === 'password')).toEqual([]);
  });

  it('without a terminal and without a password: exit 2 at once, naming where the password comes from', async () => {
    const { cli } = await setup();
    const res = await cli(['call', 'GET', '/v1/accounts', '--auth', 'password'], { timeoutMs: 10_000 });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('error: No customer user ID for the password grant, and no terminal to ask for it');
    expect(res.stderr).toContain('CITI_PASSWORD');
  });

  it('a profile whose customers sign in by password: customer APIs take it, with no browser, from CITI_USERNAME/CITI_PASSWORD or the profile', async () => {
    const { env, sb, cli } = await setup([], ['--customer-sign-in', 'password', '--username', 'SandboxUser3']);
    const cards = await cli(['call', 'GET', '/v1/cards?cardFunction=ALL', '--json'], { timeoutMs: 15_000 });
    expect(cards.code).toBe(2); // no password anywhere, no terminal: no wait either
    const withEnv = await spawnWith(env, { CITI_PASSWORD: PASSWORD }, ['call', 'GET', '/v1/cards?cardFunction=ALL', '--json']);
    expect(withEnv.code, withEnv.stderr).toBe(0);
    expect(withEnv.stderr).toContain('Signing in SandboxUser3 by the password grant');
    expect(withEnv.stderr).not.toContain('browser');
    expect(JSON.parse(withEnv.stdout).cardDetails.map((c: { cardId: string }) => c.cardId)).toEqual(['CARD-U3-CR01', 'CARD-U3-DB01']);
    expect(sb.log()).not.toContain('/authCode/oauth2/authorize');
  });
});

async function spawnWith(env: NodeJS.ProcessEnv, extra: NodeJS.ProcessEnv, args: string[]) {
  const { spawnCli } = await import('../helpers/cli.js');
  return spawnCli(args, { env: { ...env, ...extra }, timeoutMs: 15_000 });
}

describe('the bizToken', () => {
  it('refused once (expired): a new E2E key is fetched and the sign-in goes through', async () => {
    let now = Date.now();
    let keys = 0;
    const s = await sandbox({
      now: () => now,
      ttls: { bizTokenMs: 60_000 },
      // The first bizToken expires before it is used.
      log: (line) => {
        if (line.startsWith('GET /gcb/api/security/e2eKey') && ++keys === 1) now += 120_000;
      },
    });
    const home = await tempConfigHome();
    const env = testEnv(home, { CITI_BASE_URL: s.url, CITI_CLIENT_ID: s.clientId, CITI_CLIENT_SECRET: s.clientSecret, CITI_STORE: 'memory', CITI_USERNAME: 'SandboxUser4', CITI_PASSWORD: PASSWORD });
    const res = await runCli(['token', '--password', '--json'], { env });
    expect(res.code, res.stderr).toBe(0);
    expect(keys).toBe(2);
    expect(res.stderr).toContain('The bizToken was refused; getting a new E2E key and trying once more.');
  });

  it('through the binary, against `citi sandbox start --biz-token-ttl 1ms`: refused, fetched again once, then exit 3', async () => {
    const { sb, cli } = await setup(['--biz-token-ttl', '1ms']);
    const res = await cli(['token', '--password', '--username', 'SandboxUser1', '--password-stdin'], { stdin: PASSWORD });
    expect(res.code).toBe(3);
    expect(res.stderr).toContain('The bizToken was refused; getting a new E2E key and trying once more.');
    expect(res.stderr).toContain('invalidBizToken');
    expect(sb.log().match(/GET \/gcb\/api\/security\/e2eKey 200/g)).toHaveLength(2);
    expect(res.stderr + res.stdout).not.toContain(PASSWORD);
  });

  it('refused twice: exit 3 after one retry', async () => {
    let keys = 0;
    const s = await sandbox({ ttls: { bizTokenMs: 0 }, log: (line) => void (line.startsWith('GET /gcb/api/security/e2eKey') && keys++) });
    const home = await tempConfigHome();
    const env = testEnv(home, { CITI_BASE_URL: s.url, CITI_CLIENT_ID: s.clientId, CITI_CLIENT_SECRET: s.clientSecret, CITI_STORE: 'memory', CITI_USERNAME: 'SandboxUser4', CITI_PASSWORD: PASSWORD });
    const res = await runCli(['token', '--password'], { env });
    expect(res.code).toBe(3);
    expect(keys).toBe(2);
    expect(res.stderr).toContain('invalidBizToken: The bizToken is missing, expired or already used');
  });
});
