/**
 * The built `citi` binary, spawned as a CI script would run it, against `citi sandbox start`
 * running in another process.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnCli, tempConfigHome, testEnv } from '../helpers/cli.js';
import { sandboxProcess } from '../helpers/sandbox.js';
import { inCI, requireSecretService } from '../helpers/keychain.js';

const keychain = await requireSecretService();

async function fileStoreSetup(sandboxArgs: string[] = []) {
  const secret = 'e2e-secret-' + randomUUID();
  const home = await tempConfigHome();
  const env = testEnv(home, { CITI_STORE: 'file' });
  const sb = await sandboxProcess(['--client-secret', secret, ...sandboxArgs], env);
  const citi = (args: string[], stdin?: string, extraEnv: NodeJS.ProcessEnv = {}) =>
    spawnCli(args, { env: { ...env, ...extraEnv }, ...(stdin !== undefined ? { stdin } : {}) });
  return { sb, secret, home, env, citi };
}

describe('citi sandbox start', () => {
  it('prints exactly one JSON line when ready, logs requests to stderr, and stops on SIGTERM', async () => {
    const { sb, secret } = await fileStoreSetup();
    expect(sb.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/gcb\/api$/);
    expect(sb.clientId).toBe('sandbox-client');
    expect(sb.clientSecret).toBe(secret);
    const res = await fetch(`${sb.url}/v1/apac/onboarding/products`);
    expect(res.status).toBe(401);
    await new Promise((r) => setTimeout(r, 50));
    expect(sb.log()).toMatch(/\[sandbox\] GET \/gcb\/api\/v1\/apac\/onboarding\/products 401/);
    const exited = new Promise<number | null>((resolve) => sb.child.once('exit', (code) => resolve(code)));
    sb.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expect(fetch(`${sb.url}/v1/apac/onboarding/products`)).rejects.toThrow();
  });

  it('names a port already in use (exit 2)', async () => {
    const { sb, citi } = await fileStoreSetup();
    const port = new URL(sb.url).port;
    const res = await citi(['sandbox', 'start', '--port', port]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`error: Port ${port} is already in use`);
  });
});

describe('the CI journey with the file store', () => {
  it('login from stdin, token, a table, a redemption, logout', async () => {
    const { sb, secret, home, citi } = await fileStoreSetup();
    const login = await citi(['login', '--base-url', sb.url, '--client-id', sb.clientId, '--client-secret-stdin'], secret);
    expect(login.stderr).toContain('warning: secrets are kept in plaintext at');
    expect(login.code).toBe(0);
    const secretsFile = path.join(home, 'citi-sandbox', 'secrets.json');
    expect((await fs.stat(secretsFile)).mode & 0o777).toBe(0o600);

    const token = await citi(['token']);
    expect(token.code).toBe(0);
    expect(token.stdout.trim()).toMatch(/^AAIk[\w-]+$/);
    expect(JSON.parse((await citi(['token', '--json'])).stdout).source).toBe('cache');

    const table = await citi(['call', '/v1/apac/onboarding/products', '--table']);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('Citi Quick Cash Personal Loan');

    const link = JSON.parse((await citi(['call', 'POST', '/v1/apac/rewards/linkage', '--data', '{"lastFourDigitsCardNumber":"4417","citiCardHolderPhoneNumber":"85291234567"}'])).stdout);
    const code = link.rewardLinkCode as string;
    expect((await citi(['call', 'PUT', `/v1/apac/rewards/${code}/activations`, '--data', '{"linkageConfirmationCode":"567351"}'])).code).toBe(0);
    const redeem = await citi(['call', `/v1/apac/rewards/${code}/redemption`, '--data', '@-'], JSON.stringify({ transactionReferenceNumber: 'R1', redemptionOrder: { pointsToRedeem: 500, currencyCode: 'HKD' } }));
    expect(JSON.parse(redeem.stdout)).toEqual({ orderId: 'ORD00000001', availablePointBalance: 12000 });

    expect((await citi(['logout'])).code).toBe(0);
    expect(await fs.readFile(secretsFile, 'utf8')).not.toContain(secret);
  });

  it('fails fast with exit 1 when the emulator is down', async () => {
    const { sb, secret, citi } = await fileStoreSetup();
    await citi(['login', '--base-url', sb.url, '--client-id', sb.clientId, '--client-secret-stdin'], secret);
    sb.child.kill('SIGTERM');
    await new Promise((r) => sb.child.once('exit', r));
    const res = await citi(['call', '/v1/apac/onboarding/products']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/error: Cannot connect to http:\/\/127\.0\.0\.1:\d+: connection refused/);
  });
});

describe('no secret in any output', () => {
  it('runs every command with --verbose; the secret and tokens appear only in citi token stdout', async () => {
    const { sb, secret, citi } = await fileStoreSetup();
    const outputs: string[] = [];
    const run = async (args: string[], stdin?: string) => {
      const res = await citi(['--verbose', ...args], stdin);
      expect(res.code, `${args.join(' ')}\n${res.stderr}`).toBe(0);
      return res;
    };
    const keep = (r: { stdout: string; stderr: string }) => outputs.push(r.stdout, r.stderr);
    keep(await run(['login', '--base-url', sb.url, '--client-id', sb.clientId, '--client-secret-stdin'], secret));
    const token = await run(['token', '--force']);
    outputs.push(token.stderr); // its stdout is the token itself, by design
    const accessToken = token.stdout.trim();
    keep(await run(['call', '/v1/apac/onboarding/products', '--table']));
    keep(await run(['call', 'POST', '/v1/apac/rewards/linkage', '--data', '{"lastFourDigitsCardNumber":"8653","citiCardHolderPhoneNumber":"6590020056"}']));
    keep(await run(['call', 'PUT', '/v1/apac/rewards/RLC00000001/activations', '--data', '{"linkageConfirmationCode":"987654"}', '--include']));
    // The password grant: the password comes on stdin, and neither it nor its encrypted form is ever shown.
    const customer = await run(['token', '--password', '--username', 'SandboxUser1', '--password-stdin'], 'P@ssUser1$');
    outputs.push(customer.stderr); // its stdout is the token itself, by design
    const customerToken = customer.stdout.trim();
    keep(await run(['call', 'GET', '/v1/accounts', '--auth', 'password']));
    keep(await run(['status']));
    keep(await run(['revoke', '--three-legged']));
    keep(await run(['logout']));
    keep(await run(['demo']));
    const all = outputs.join('\n');
    expect(all).toContain('> POST'); // the trace is really there
    expect(all).toContain('authorization: Basic [REDACTED]');
    expect(all).toContain('"access_token":"[REDACTED]"');
    expect(all).not.toContain(secret);
    expect(all).not.toContain(accessToken);
    expect(all).not.toContain('987654');
    expect(all).toContain('password=[REDACTED]');
    expect(all).not.toContain('P@ssUser1$');
    expect(all).not.toContain(customerToken);
    expect(all).not.toMatch(/password=[0-9A-F]{64}/); // the encrypted password
    expect(all).not.toMatch(/AAIk[\w-]{20,}/);
    expect(all).not.toContain('sandbox-secret'); // the demo's emulator secret
    expect(sb.log()).not.toContain(accessToken);
  });
});

describe('the OS keychain', () => {
  it('is unavailable: exit 4 with the cause and the two ways out; environment credentials still work', async () => {
    const { sb, secret, env } = await fileStoreSetup();
    const noBus = { ...env, CITI_STORE: '', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/citi-test-bus' };
    const login = await spawnCli(['login', '--base-url', sb.url, '--client-id', sb.clientId, '--client-secret-stdin'], { env: noBus, stdin: secret });
    expect(login.code).toBe(4);
    expect(login.stderr).toMatch(/error: The OS keychain is unavailable/);
    expect(login.stderr).toContain('--store file');
    expect(login.stderr).toContain('CITI_CLIENT_ID and CITI_CLIENT_SECRET');
    const fromEnv = await spawnCli(['token', '--json'], { env: { ...noBus, CITI_CLIENT_ID: sb.clientId, CITI_CLIENT_SECRET: secret, CITI_BASE_URL: sb.url } });
    expect(fromEnv.code).toBe(0);
    expect(JSON.parse(fromEnv.stdout).source).toBe('new');
  });

  it.skipIf(!keychain)('keeps the secret and tokens in the real Secret Service', async () => {
    const { sb, secret, env } = await fileStoreSetup();
    const kenv: NodeJS.ProcessEnv = { ...env, CITI_STORE: '' };
    const profile = 'e2e-' + randomUUID().slice(0, 8);
    const citi = (args: string[], stdin?: string) => spawnCli(['--profile', profile, ...args], { env: kenv, ...(stdin ? { stdin } : {}) });
    const login = await citi(['login', '--base-url', sb.url, '--client-id', sb.clientId, '--client-secret-stdin'], secret);
    expect(login.code).toBe(0);
    expect(login.stderr).toContain('OS keychain');
    const a = JSON.parse((await citi(['token', '--json'])).stdout);
    expect(a.source).toBe('cache');
    const call = await citi(['call', '/v1/apac/onboarding/products', '--json']);
    expect(JSON.parse(call.stdout).products).toHaveLength(5);
    // Nothing secret on disk: the config holds no secret and there is no secrets file.
    const configText = await fs.readFile(path.join(kenv.XDG_CONFIG_HOME!, 'citi-sandbox', 'config.json'), 'utf8');
    expect(configText).not.toContain(secret);
    await expect(fs.access(path.join(kenv.XDG_CONFIG_HOME!, 'citi-sandbox', 'secrets.json'))).rejects.toThrow();
    expect((await citi(['logout'])).code).toBe(0);
    const after = await citi(['token']);
    expect(after.code).toBe(3);
    expect(after.stderr).toContain('No client secret stored');
  });

  it('is required in CI', () => {
    if (inCI) expect(keychain).toBe(true);
  });
});

describe('a damaged secrets file', () => {
  it('is named, with exit 4 and none of its text', async () => {
    const { sb, secret, home, citi } = await fileStoreSetup();
    await citi(['login', '--base-url', sb.url, '--client-id', sb.clientId, '--client-secret-stdin'], secret);
    const file = path.join(home, 'citi-sandbox', 'secrets.json');
    const text = await fs.readFile(file, 'utf8');
    await fs.writeFile(file, text.slice(0, text.indexOf(secret) + 8)); // cut off inside the secret
    const res = await citi(['token', '--force']);
    expect(res.code).toBe(4);
    expect(res.stderr).toContain(`error: The secrets file ${file} is not valid JSON`);
    expect(res.stderr).not.toContain(secret.slice(0, 8));
  });
});
