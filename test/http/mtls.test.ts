/**
 * PSD2 over real TLS on loopback: `citi client register`, tokens and calls of certificate-bound
 * clients, and every way a client certificate can be refused, each with its message and exit code.
 * The CLI runs in this process against an HTTPS emulator; secrets go to the real keychain (or the
 * file store where no Secret Service is reachable).
 */
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConfigStore } from '../../src/config/profiles.js';
import { accounts } from '../../src/store/secret-store.js';
import { onCleanup, runCli, tempConfigHome, testEnv, withoutStoreWarning } from '../helpers/cli.js';
import { requireSecretService, storeForTests } from '../helpers/keychain.js';
import { profileName, testPki, tlsSandbox, type TestPki } from '../helpers/psd2.js';

const available = await requireSecretService();
const DAY = 86_400_000;

async function setup(opts: { requireClientCert?: boolean } = {}) {
  const pki = await testPki();
  const sandbox = await tlsSandbox(pki, opts);
  const home = await tempConfigHome();
  const { store, env: storeEnv, kind } = storeForTests(available, home);
  const env = testEnv(home, storeEnv);
  return { pki, sandbox, env, store, kind };
}

function registerArgs(profile: string, url: string, pki: TestPki, cert = pki.client): string[] {
  return ['client', 'register', '--profile', profile, '--base-url', url, '--cert', cert.certFile, '--key', cert.keyFile, '--ca', pki.caFile];
}

describe('PSD2 client registration and mutual TLS', () => {
  it('registers with the certificate, then gets a token and makes a call over mutual TLS', async () => {
    const { pki, sandbox, env, store } = await setup({ requireClientCert: true });
    const profile = profileName();
    const reg = await runCli([...registerArgs(profile, sandbox.url, pki), '--country', 'gb', '--redirect-uri', 'http://127.0.0.1:8765/callback'], { env });
    expect(reg.stderr).toContain('Registered PSD2 client tpp.citi-sandbox.test for PSDGB-FCA-123456 (roles PSP_AI, PSP_PI)');
    expect(reg.code).toBe(0);
    const clientId = reg.stdout.trim();
    expect(clientId).toMatch(/^[0-9a-f-]{36}$/);

    // Bound on the emulator to the certificate's fingerprint; saved with absolute paths; secret in the keychain.
    const registered = sandbox.state.clients.get(clientId);
    expect(registered?.certFingerprint).toBe(new X509Certificate(pki.client.pem.certPem).fingerprint256);
    expect(registered?.redirectUris).toEqual(['http://127.0.0.1:8765/callback']);
    const saved = await ConfigStore.forEnv(env).getProfile(profile);
    expect(saved).toMatchObject({ clientId, country: 'gb', baseUrl: sandbox.url, tls: { cert: pki.client.certFile, key: pki.client.keyFile, ca: pki.caFile } });
    expect(await store.get(accounts.clientSecret(profile))).toBe(registered?.clientSecret);

    const token = await runCli(['token', '--profile', profile, '--json'], { env });
    expect(token.code).toBe(0);
    expect(JSON.parse(token.stdout)).toMatchObject({ token_type: 'Bearer', scope: '/api', source: 'new' });
    const call = await runCli(['call', '--profile', profile, 'GET', '/v1/apac/onboarding/products', '--json'], { env });
    expect(withoutStoreWarning(call.stderr)).toBe('');
    expect(call.code).toBe(0);
    expect((JSON.parse(call.stdout) as { products: unknown[] }).products.length).toBeGreaterThan(0);
  });

  it('resolves its settings by the one precedence: --base-url over CITI_BASE_URL, CITI_COUNTRY and CITI_BUSINESS over the defaults', async () => {
    const { pki, sandbox, env } = await setup();
    const profile = profileName();
    const reg = await runCli(registerArgs(profile, sandbox.url, pki), {
      env: { ...env, CITI_BASE_URL: 'https://127.0.0.1:9/gcb/api', CITI_COUNTRY: 'pl', CITI_BUSINESS: 'cb1' },
    });
    expect(reg.code).toBe(0);
    expect(sandbox.state.clients.get(reg.stdout.trim())).toBeDefined();
    expect(await ConfigStore.forEnv(env).getProfile(profile)).toMatchObject({ baseUrl: sandbox.url, country: 'pl', business: 'cb1' });
  });

  it('refuses a malformed CITI_BUSINESS or CITI_COUNTRY before registering, as login does (exit 2, nothing registered or saved)', async () => {
    const { pki, sandbox, env } = await setup();
    const clients = sandbox.state.clients.size;
    const profile = profileName();
    const business = await runCli(registerArgs(profile, sandbox.url, pki), { env: { ...env, CITI_BUSINESS: 'GCB CARDS' } });
    expect(business.stderr).toContain('--business must be a short code such as gcb (got "GCB CARDS")');
    expect(business.code).toBe(2);
    const country = await runCli(registerArgs(profile, sandbox.url, pki), { env: { ...env, CITI_COUNTRY: 'GBR' } });
    expect(country.stderr).toContain('--country must be a two-letter country code (got "GBR")');
    expect(country.code).toBe(2);
    expect(sandbox.state.clients.size).toBe(clients);
    expect(await ConfigStore.forEnv(env).getProfile(profile)).toBeUndefined();
  });

  it('prints the registration as JSON', async () => {
    const { pki, sandbox, env, kind } = await setup();
    const profile = profileName();
    const reg = await runCli([...registerArgs(profile, sandbox.url, pki), '--json', '--name', 'My TPP'], { env });
    expect(reg.code).toBe(0);
    const out = JSON.parse(reg.stdout) as Record<string, unknown>;
    expect(out).toMatchObject({ profile, organizationId: 'PSDGB-FCA-123456', roles: ['PSP_AI', 'PSP_PI'], baseUrl: sandbox.url, store: kind });
    expect(sandbox.state.clients.get(out.clientId as string)?.name).toBe('My TPP');
    expect(reg.stdout).not.toContain(sandbox.state.clients.get(out.clientId as string)!.clientSecret);
  });

  it('refuses a registered client that calls without its certificate (401, exit 3), and with another certificate', async () => {
    const { pki, sandbox, env } = await setup(); // certificates optional at the server: the binding alone must refuse
    const profile = profileName();
    expect((await runCli(registerArgs(profile, sandbox.url, pki), { env })).code).toBe(0);
    const config = ConfigStore.forEnv(env);
    const saved = (await config.getProfile(profile))!;

    await config.saveProfile(profile, { ...saved, tls: { ca: pki.caFile } });
    const bare = await runCli(['token', '--profile', profile], { env });
    expect(bare.stderr).toContain('error: Two-legged token request failed: invalid_client: This client must present the certificate it was registered with (mutual TLS) (HTTP 401)');
    expect(bare.stderr).toContain('Configure the certificate the client was registered with: `citi login --cert FILE --key FILE`');
    expect(bare.code).toBe(3);

    const other = await pki.issueClient('same-ca-other-key');
    await config.saveProfile(profile, { ...saved, tls: { cert: other.certFile, key: other.keyFile, ca: pki.caFile } });
    const wrong = await runCli(['token', '--profile', profile], { env });
    expect(wrong.stderr).toContain('This client must present the certificate it was registered with');
    expect(wrong.code).toBe(3);
  });

  it('without a client certificate where the server requires one: exit 3 naming the fix', async () => {
    const { pki, sandbox, env } = await setup({ requireClientCert: true });
    const profile = profileName();
    const login = await runCli(['login', '--profile', profile, '--base-url', sandbox.url, '--client-id', sandbox.clientId, '--ca', pki.caFile], {
      env: { ...env, CITI_CLIENT_SECRET: sandbox.clientSecret },
    });
    const origin = new URL(sandbox.url).origin;
    expect(login.stderr).toContain(`error: ${origin} requires a client certificate (mutual TLS), and none was sent`);
    expect(login.stderr).toContain('Configure a client certificate: `citi login --cert FILE --key FILE` (or --p12 FILE)');
    expect(login.code).toBe(3);
  });

  it('with a certificate from another CA: exit 3', async () => {
    const { pki, sandbox, env } = await setup({ requireClientCert: true });
    const { createCa } = await import('../../src/sandbox/certs.js');
    const stranger = await pki.issueClient('stranger', { ca: await createCa({ commonName: 'Some other CA' }) });
    const res = await runCli(registerArgs(profileName(), sandbox.url, pki, stranger), { env });
    expect(res.stderr).toContain('refused the client certificate: it is not signed by a CA the server trusts (UNABLE_TO_VERIFY_LEAF_SIGNATURE)');
    expect(res.stderr).toContain("Use a certificate issued by the server's client CA");
    expect(res.code).toBe(3);
  });

  it('with an expired certificate: exit 3', async () => {
    const { pki, sandbox, env } = await setup();
    const expired = await pki.issueClient('expired', { notBefore: new Date(Date.now() - 400 * DAY), notAfter: new Date(Date.now() - DAY) });
    const res = await runCli(registerArgs(profileName(), sandbox.url, pki, expired), { env });
    expect(res.stderr).toContain('refused the client certificate: it has expired (CERT_HAS_EXPIRED)');
    expect(res.stderr).toContain('Get a new certificate (for the emulator: `citi sandbox certs --out DIR`)');
    expect(res.code).toBe(3);
  });

  it('with a certificate not valid yet: exit 3, the same reason on both sides', async () => {
    const { pki, sandbox, env } = await setup();
    const early = await pki.issueClient('early', { notBefore: new Date(Date.now() + DAY), notAfter: new Date(Date.now() + 400 * DAY) });
    const res = await runCli(registerArgs(profileName(), sandbox.url, pki, early), { env });
    expect(res.stderr).toContain('refused the client certificate: it is not valid yet (CERT_NOT_YET_VALID)');
    expect(res.stderr).toContain("Check this machine's clock and the certificate's start date");
    expect(res.code).toBe(3);
  });

  it('with a PKCS#12 file: passphrase from stdin, kept in the keychain for later calls', async () => {
    const { pki, sandbox, env, store } = await setup({ requireClientCert: true });
    const p12 = await pki.p12('correct horse');
    const profile = profileName();
    const reg = await runCli(['client', 'register', '--profile', profile, '--base-url', sandbox.url, '--p12', p12, '--p12-passphrase-stdin', '--ca', pki.caFile], {
      env,
      stdin: 'correct horse\n',
    });
    expect(reg.stderr).toContain('Registered PSD2 client');
    expect(reg.code).toBe(0);
    expect(await store.get(accounts.p12Passphrase(profile))).toBe('correct horse');
    const token = await runCli(['token', '--profile', profile], { env });
    expect(token.code).toBe(0);
    expect(token.stdout).toMatch(/^AAIk/);
  });

  it('with a wrong PKCS#12 passphrase: exit 3 naming the fix', async () => {
    const { pki, sandbox, env } = await setup({ requireClientCert: true });
    const p12 = await pki.p12('correct horse');
    const res = await runCli(['client', 'register', '--profile', profileName(), '--base-url', sandbox.url, '--p12', p12, '--ca', pki.caFile], {
      env: { ...env, CITI_P12_PASSPHRASE: 'battery staple' },
    });
    expect(res.stderr).toContain(`error: Wrong passphrase for the PKCS#12 file ${p12}`);
    expect(res.stderr).toContain('Give the right one: in CITI_P12_PASSPHRASE');
    expect(res.stderr).not.toContain('battery staple');
    expect(res.code).toBe(3);
    expect(sandbox.state.clients.size).toBe(1); // nothing was sent
  });

  it('with a PKCS#12 file, no passphrase and no terminal to ask: exit 2', async () => {
    const { pki, sandbox, env } = await setup({ requireClientCert: true });
    const p12 = await pki.p12('correct horse');
    const res = await runCli(['client', 'register', '--profile', profileName(), '--base-url', sandbox.url, '--p12', p12, '--ca', pki.caFile], { env });
    expect(res.stderr).toContain(`error: The PKCS#12 file ${p12} needs a passphrase, and there is no terminal to ask for it`);
    expect(res.stderr).toContain('Set CITI_P12_PASSPHRASE');
    expect(res.code).toBe(2);
  });

  it('attaches a certificate to an existing profile with `citi login --cert/--key`, keeping its stored secret', async () => {
    const { pki, sandbox, env } = await setup({ requireClientCert: true });
    const profile = profileName();
    const first = await runCli(['login', '--profile', profile, '--base-url', sandbox.url, '--client-id', sandbox.clientId, '--ca', pki.caFile, '--no-verify', '--client-secret-stdin'], {
      env,
      stdin: sandbox.clientSecret,
    });
    expect(first.code).toBe(0);
    expect((await runCli(['token', '--profile', profile], { env })).code).toBe(3);
    const attach = await runCli(['login', '--profile', profile, '--cert', pki.client.certFile, '--key', pki.client.keyFile], { env });
    expect(attach.stderr).toContain('credentials verified with a two-legged token');
    expect(attach.stderr).toContain(`mutual TLS with ${pki.client.certFile} on every request`);
    expect(attach.code).toBe(0);
    expect((await ConfigStore.forEnv(env).getProfile(profile))?.tls).toEqual({ cert: pki.client.certFile, key: pki.client.keyFile, ca: pki.caFile });
    const call = await runCli(['call', '--profile', profile, 'GET', '/v1/apac/onboarding/products', '--json'], { env });
    expect(call.code).toBe(0);
  });

  it("without the server's CA: exit 1 naming --ca", async () => {
    const { pki, sandbox, env } = await setup();
    const res = await runCli(['client', 'register', '--profile', profileName(), '--base-url', sandbox.url, '--cert', pki.client.certFile, '--key', pki.client.keyFile], { env });
    expect(res.stderr).toContain(`error: The server certificate of ${new URL(sandbox.url).origin} is not trusted`);
    expect(res.stderr).toContain('--ca FILE for `citi client register`');
    expect(res.code).toBe(1);
  });

  it('without any certificate, registration is a usage error (exit 2)', async () => {
    const { pki, sandbox, env } = await setup();
    const res = await runCli(['client', 'register', '--profile', profileName(), '--base-url', sandbox.url, '--ca', pki.caFile], { env });
    expect(res.stderr).toContain('error: Registering a PSD2 client needs your eIDAS (QWAC) certificate');
    expect(res.stderr).toContain('Give --cert FILE --key FILE, or --p12 FILE');
    expect(res.code).toBe(2);
  });

  it('registration against a plain-http URL is a usage error (exit 2)', async () => {
    const pki = await testPki();
    const env = testEnv(await tempConfigHome());
    const res = await runCli(['client', 'register', '--profile', profileName(), '--base-url', 'http://127.0.0.1:9/gcb/api', '--cert', pki.client.certFile, '--key', pki.client.keyFile], { env });
    expect(res.stderr).toContain('error: Registration uses mutual TLS, which needs an https:// base URL');
    expect(res.code).toBe(2);
  });

  it('a key that belongs to another certificate: exit 2 before anything is sent', async () => {
    const { pki, sandbox, env } = await setup();
    const other = await pki.issueClient('other');
    const res = await runCli(['client', 'register', '--profile', profileName(), '--base-url', sandbox.url, '--cert', pki.client.certFile, '--key', other.keyFile, '--ca', pki.caFile], { env });
    expect(res.stderr).toContain(`error: The key ${other.keyFile} does not belong to the certificate ${pki.client.certFile}`);
    expect(res.code).toBe(2);
  });

  it('a server that refuses at the TLS layer (no certificate sent): exit 3', async () => {
    const pki = await testPki();
    const server = https.createServer(
      { cert: pki.server.certPem, key: pki.server.keyPem, ca: pki.ca.certPem, requestCert: true, rejectUnauthorized: true },
      (_req, res) => res.end('{}'),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onCleanup(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/gcb/api`;
    const env = testEnv(await tempConfigHome(), { CITI_CLIENT_SECRET: 'anything' });
    const res = await runCli(['login', '--profile', profileName(), '--base-url', url, '--client-id', 'x', '--ca', pki.caFile], { env });
    expect(res.stderr).toContain('requires a client certificate (mutual TLS), and none was sent (ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED)');
    expect(res.code).toBe(3);
  });

  it('--verbose shows the mutual-TLS traffic with no secret, key or passphrase in it', async () => {
    const { pki, sandbox, env } = await setup({ requireClientCert: true });
    const passphrase = 'p12-passphrase-never-shown';
    const p12 = await pki.p12(passphrase);
    const profile = profileName();
    const runEnv = { ...env, CITI_P12_PASSPHRASE: passphrase };
    const reg = await runCli(['--verbose', 'client', 'register', '--profile', profile, '--base-url', sandbox.url, '--p12', p12, '--ca', pki.caFile], { env: runEnv });
    expect(reg.code).toBe(0);
    const token = await runCli(['--verbose', 'token', '--profile', profile, '--force'], { env: runEnv });
    expect(token.code).toBe(0);
    const call = await runCli(['--verbose', 'call', '--profile', profile, 'GET', '/v1/apac/onboarding/products'], { env: runEnv });
    expect(call.code).toBe(0);

    const trace = reg.stderr + token.stderr + call.stderr;
    expect(trace).toContain('> POST ' + sandbox.url + '/psd2/v1/onboarding/clients');
    expect(trace).toContain('"clientSecret":"[REDACTED]"');
    expect(trace).toContain('authorization: Basic [REDACTED]');
    expect(trace).toContain('authorization: Bearer [REDACTED]');
    const clientSecret = sandbox.state.clients.get(reg.stdout.trim())!.clientSecret;
    const keyBody = pki.client.pem.keyPem.split('\n')[1]!;
    const p12Bytes = (await fs.readFile(p12)).toString('base64').slice(0, 40);
    for (const secret of [clientSecret, token.stdout.trim(), passphrase, keyBody, 'PRIVATE KEY', p12Bytes]) {
      expect(trace).not.toContain(secret);
    }
  });
});
