/**
 * The password grant through the built binary against `citi sandbox start`, with no terminal, as a
 * CI job runs it: token, an accounts call, refresh, revoke; a wrong user; the password never shown.
 */
import { describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { onCleanup, runCli, spawnCli, tempConfigHome, testEnv } from '../helpers/cli.js';
import { sandbox, sandboxProcess, type SandboxProcess } from '../helpers/sandbox.js';
import { setup, sleep, storedTokens } from '../helpers/three-legged-cli.js';
import { strictServer } from '../helpers/strict-server.js';
import { e2eKeyOf } from '../../src/citi/e2e.js';
import { basicAuthorization } from '../../src/citi/oauth.js';
import { SANDBOX_PASSWORD } from '../helpers/consent.js';

const PASSWORD = SANDBOX_PASSWORD;

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
    // The headers Citi's E2E key pages list, and no client secret.
    const e2eKeyRequest = token.stderr.split('> GET ' + sb.url + '/security/e2eKey\n')[1]!.split('\n<')[0]!;
    const headerNames = e2eKeyRequest.split('\n').map((line) => /^> ([^:]+):/.exec(line)?.[1]).filter(Boolean).sort();
    expect(headerNames).toEqual(['accept', 'accept-encoding', 'authorization', 'businesscode', 'channelid', 'client_id', 'countrycode', 'user-agent', 'uuid']);
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

describe('two customers on one profile', () => {
  it('each gets their own token and profile: CITI_USERNAME picks the customer before the cache is searched', async () => {
    const { home, env, cli } = await setup();
    const as = (user: string | undefined, args: string[]) => spawnWith(env, { ...(user ? { CITI_USERNAME: user } : {}), CITI_PASSWORD: PASSWORD }, args);
    const one = await as('SandboxUser1', ['token', '--password', '--json']);
    expect(one.code, one.stderr).toBe(0);
    const two = await as('SandboxUser2', ['token', '--password', '--json']);
    expect(two.code, two.stderr).toBe(0);
    expect(JSON.parse(two.stdout).source).toBe('new');
    expect(two.stderr).toContain('Signing in SandboxUser2 by the password grant');
    expect(JSON.parse(two.stdout).access_token).not.toBe(JSON.parse(one.stdout).access_token);
    const stored = Object.values(await storedTokens(home)).filter((r) => r.kind === 'password');
    expect(stored.map((r) => r.meta?.username).sort()).toEqual(['SandboxUser1', 'SandboxUser2']);

    // From the cache now, each customer's own.
    for (const [user, printed] of [['SandboxUser1', one], ['SandboxUser2', two]] as const) {
      const again = await as(user, ['token', '--password', '--json']);
      expect(JSON.parse(again.stdout)).toMatchObject({ source: 'cache', access_token: JSON.parse(printed.stdout).access_token });
      const profile = await as(user, ['call', 'GET', '/v1/customers/profiles', '--auth', 'password', '--json']);
      expect(profile.code, profile.stderr).toBe(0);
      expect(profile.stderr).not.toContain('Signing in');
      expect(JSON.parse(profile.stdout)).toEqual(await customerProfile(user));
    }
    // --username wins over CITI_USERNAME.
    const flag = await as('SandboxUser1', ['token', '--password', '--username', 'SandboxUser2', '--json']);
    expect(JSON.parse(flag.stdout).access_token).toBe(JSON.parse(two.stdout).access_token);

    // No user named anywhere and two tokens stored: neither is taken, and there is no one to ask.
    const nobody = await cli(['token', '--password', '--json']);
    expect(nobody.code).toBe(2);
    expect(nobody.stdout).toBe('');
    expect(nobody.stderr).toContain('No customer user ID for the password grant');
  });

  it('no user named and exactly one token stored: that one serves', async () => {
    const { env, cli } = await setup();
    const one = await spawnWith(env, { CITI_USERNAME: 'SandboxUser5', CITI_PASSWORD: PASSWORD }, ['token', '--password', '--json']);
    expect(one.code, one.stderr).toBe(0);
    const profile = await cli(['call', 'GET', '/v1/customers/profiles', '--auth', 'password', '--json']);
    expect(profile.code, profile.stderr).toBe(0);
    expect(JSON.parse(profile.stdout)).toEqual(await customerProfile('SandboxUser5'));
  });

  it('CITI_USERNAME wins over the profile\'s user, as every CITI_* variable wins over the profile', async () => {
    const { env } = await setup([], ['--customer-sign-in', 'password', '--username', 'SandboxUser3']);
    const res = await spawnWith(env, { CITI_USERNAME: 'SandboxUser1', CITI_PASSWORD: PASSWORD }, ['call', 'GET', '/v1/customers/profiles', '--json']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain('Signing in SandboxUser1 by the password grant');
    expect(JSON.parse(res.stdout)).toEqual(await customerProfile('SandboxUser1'));
  });
});

describe('after the emulator restarts on the same port (every token it issued is forgotten)', () => {
  it('a stale two-legged token: the E2E key is asked for again with a new one, and the sign-in goes through', async () => {
    const { env, sb, cli } = await setup();
    const first = await cli(['token', '--password', '--username', 'SandboxUser1', '--password-stdin'], { stdin: PASSWORD });
    expect(first.code, first.stderr).toBe(0);
    const again = await restart(sb, env);
    const res = await cli(['token', '--password', '--username', 'SandboxUser1', '--password-stdin', '--force', '--json'], { stdin: PASSWORD });
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout).source).toBe('new');
    expect(again.log().match(/GET \/gcb\/api\/security\/e2eKey 401/g)).toHaveLength(1);
    expect(again.log().match(/GET \/gcb\/api\/security\/e2eKey 200/g)).toHaveLength(1);
  });

  it('a refused refresh signs in again the customer the stored token was issued to, with no user named', async () => {
    const { env, sb } = await setup();
    const first = await spawnWith(env, { CITI_USERNAME: 'SandboxUser2', CITI_PASSWORD: PASSWORD }, ['token', '--password']);
    expect(first.code, first.stderr).toBe(0);
    const again = await restart(sb, env);
    // Only the password in the environment: the user comes from the stored token.
    const res = await spawnWith(env, { CITI_PASSWORD: PASSWORD }, ['call', 'GET', '/v1/customers/profiles', '--auth', 'password', '--json']);
    expect(res.code, res.stderr).toBe(0);
    expect(again.log()).toMatch(/POST \/gcb\/api\/authCode\/oauth2\/refresh 40\d/);
    expect(res.stderr).toContain('Signing in SandboxUser2 by the password grant');
    expect(JSON.parse(res.stdout)).toEqual(await customerProfile('SandboxUser2'));
  });
});

/** Stops the emulator and starts a new one on the same port, with the same seeded app. */
async function restart(sb: SandboxProcess, env: NodeJS.ProcessEnv, args: string[] = []): Promise<SandboxProcess> {
  await new Promise<void>((resolve) => {
    if (sb.child.exitCode !== null || sb.child.signalCode !== null) return resolve();
    sb.child.once('exit', () => resolve());
    sb.child.kill('SIGTERM');
  });
  const next = await sandboxProcess([...args, '--port', new URL(sb.url).port], env);
  expect(next.url).toBe(sb.url);
  return next;
}

/**
 * A relay in front of the emulator, as the network between the client and Citi: forwards every
 * request as it came; `before` may hold one back, `after` may act on an answer before it is passed on.
 */
async function relay(target: string, hooks: { before?(path: string): Promise<void>; after?(path: string, headers: Headers): Promise<void> }): Promise<string> {
  const origin = new URL(target).origin;
  const server = http.createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const path = req.url ?? '/';
      await hooks.before?.(path);
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k)) headers.set(k, v);
      const answer = await fetch(origin + path, { method: req.method ?? 'GET', headers, ...(chunks.length ? { body: Buffer.concat(chunks) } : {}) });
      await hooks.after?.(path, answer.headers);
      const body = Buffer.from(await answer.arrayBuffer());
      const out: Record<string, string> = {};
      // fetch has undone any compression and chunking: the body is passed on as plain bytes.
      answer.headers.forEach((v, k) => void (!['content-encoding', 'content-length', 'transfer-encoding', 'connection', 'keep-alive'].includes(k) && (out[k] = v)));
      res.writeHead(answer.status, out).end(body);
    })().catch((err: Error) => res.writeHead(502).end(err.message));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onCleanup(() => new Promise<void>((resolve) => server.close(() => resolve())));
  server.on('connection', (socket) => onCleanup(() => void socket.destroy()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}${new URL(target).pathname}`;
}

/** The profile the emulator keeps for a sandbox user, as Customers answers it. */
async function customerProfile(user: string) {
  const { createUser } = await import('../../src/sandbox/seed-users.js');
  return JSON.parse(JSON.stringify(createUser(Number(user.replace('SandboxUser', ''))).profile));
}

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

  it('a refusal that only mentions a bizToken in its words is not retried: only the invalidBizToken code is', async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const refusals = [
      { type: 'invalid', code: '401', details: 'Authorization credentials or bizToken are missing or invalid' },
      { type: 'invalid', code: 'invalidBizToken', details: 'Expired' },
    ];
    for (const refusal of refusals) {
      const server = await strictServer((r) => {
        if (r.path === '/clientCredentials/oauth2/token/sg/gcb') return { status: 200, json: { token_type: 'Bearer', access_token: 'two-legged-token', expires_in: 1800, scope: '/api' } };
        if (r.path === '/security/e2eKey') return { status: 200, json: e2eKeyOf(publicKey), headers: { bizToken: 'BIZ-' + r.headers.uuid } };
        if (r.path === '/password/oauth2/token/sg/gcb') return { status: 401, json: refusal };
        return undefined;
      });
      const home = await tempConfigHome();
      const env = testEnv(home, { CITI_BASE_URL: server.baseUrl, CITI_CLIENT_ID: 'app', CITI_CLIENT_SECRET: 'secret', CITI_STORE: 'memory', CITI_USERNAME: 'SandboxUser1', CITI_PASSWORD: PASSWORD });
      const res = await spawnCli(['token', '--password'], { env });
      expect(res.code).toBe(3);
      expect(server.count('GET /security/e2eKey')).toBe(refusal.code === 'invalidBizToken' ? 2 : 1);
      expect(res.stderr.includes('The bizToken was refused')).toBe(refusal.code === 'invalidBizToken');
    }
  });

  it('spent before the client used it (a reused bizToken): the emulator refuses it, the client gets a new key once and signs in', async () => {
    const sb = await sandboxProcess();
    let spent = false;
    const relayUrl = await relay(sb.url, {
      // Someone else hands the first bizToken in before the client does.
      after: async (path, headers) => {
        if (spent || !path.endsWith('/security/e2eKey')) return;
        spent = true;
        const grant = await fetch(sb.url + '/password/oauth2/token/sg/gcb', {
          method: 'POST',
          headers: { authorization: basicAuthorization(sb.clientId, sb.clientSecret), 'content-type': 'application/x-www-form-urlencoded', BizToken: headers.get('bizToken')! },
          body: new URLSearchParams({ grant_type: 'password', scope: '/api', username: 'SandboxUser1', password: '00' }),
        });
        expect(grant.status).toBe(401);
      },
    });
    const home = await tempConfigHome();
    const env = testEnv(home, { CITI_BASE_URL: relayUrl, CITI_CLIENT_ID: sb.clientId, CITI_CLIENT_SECRET: sb.clientSecret, CITI_STORE: 'memory' });
    const res = await spawnCli(['token', '--password', '--username', 'SandboxUser1', '--password-stdin', '--json'], { env, stdin: PASSWORD });
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ source: 'new', scope: '/api' });
    expect(res.stderr).toContain('The bizToken was refused; getting a new E2E key and trying once more.');
    expect(sb.log().match(/GET \/gcb\/api\/security\/e2eKey 200/g)).toHaveLength(2);
    // The other party's try, the client's refused one, the client's second.
    expect(sb.log().match(/POST \/gcb\/api\/password\/oauth2\/token\/sg\/gcb (\d+)/g)!.map((l) => l.slice(-3))).toEqual(['401', '401', '200']);
  });

  it('expired on the first try only, against `citi sandbox start --biz-token-ttl 2s`: the second key is used at once and the sign-in goes through', async () => {
    const sb = await sandboxProcess(['--biz-token-ttl', '2s']);
    let grants = 0;
    // The network is slow once: the first grant request arrives after its bizToken expired.
    const relayUrl = await relay(sb.url, { before: async (path) => void (path.startsWith('/gcb/api/password/') && ++grants === 1 && (await sleep(2500))) });
    const home = await tempConfigHome();
    const env = testEnv(home, { CITI_BASE_URL: relayUrl, CITI_CLIENT_ID: sb.clientId, CITI_CLIENT_SECRET: sb.clientSecret, CITI_STORE: 'memory' });
    const res = await spawnCli(['token', '--password', '--username', 'SandboxUser3', '--password-stdin', '--json'], { env, stdin: PASSWORD });
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout).source).toBe('new');
    expect(res.stderr).toContain('The bizToken was refused; getting a new E2E key and trying once more.');
    expect(sb.log().match(/POST \/gcb\/api\/password\/oauth2\/token\/sg\/gcb (\d+)/g)!.map((l) => l.slice(-3))).toEqual(['401', '200']);
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
