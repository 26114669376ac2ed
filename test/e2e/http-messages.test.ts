/**
 * Bounded waits and messages that fit the case, with the built binary against test servers that
 * misbehave on purpose (stall, reset, answer text) and against the emulator.
 */
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { onCleanup, spawnCli, tempConfigHome, testEnv } from '../helpers/cli.js';
import { testPki } from '../helpers/psd2.js';
import { sandboxProcess } from '../helpers/sandbox.js';
import { strictServer } from '../helpers/strict-server.js';

const TOKEN = { status: 200, json: { access_token: 'tok', token_type: 'Bearer', expires_in: 1800 } };

function envCreds(baseUrl: string) {
  return { CITI_BASE_URL: baseUrl, CITI_CLIENT_ID: 'id', CITI_CLIENT_SECRET: 'secret', CITI_STORE: 'memory' };
}

describe('CITI_TIMEOUT_MS bounds a whole call, retries included', () => {
  it('a 503 then a stalled answer: one retry noted on stderr, then it gives up at the limit instead of trying a third time', async () => {
    const server = await strictServer((r) => {
      if (r.path.startsWith('/clientCredentials/')) return TOKEN;
      // The first attempt is told to come back; the second never gets an answer.
      return server.count('GET /v1/apac/onboarding/products') === 1 ? { status: 503, json: { type: 'fatal', code: 'serverUnavailable', details: 'Try later' } } : 'stall';
    });
    const home = await tempConfigHome();
    const res = await spawnCli(['call', '/v1/apac/onboarding/products'], { env: testEnv(home, { ...envCreds(server.baseUrl), CITI_TIMEOUT_MS: '3000' }) });
    expect(res.code).toBe(1);
    const retries = res.stderr.split('\n').filter((l) => /retrying/.test(l));
    expect(retries).toEqual([`503 from ${server.url}; retrying 1/2…`]);
    expect(res.stderr).toContain(`No answer from ${server.url} within 3s (2 attempts)`);
    expect(res.stderr).toContain('CITI_TIMEOUT_MS');
    // Per-attempt timeouts would have made a third attempt after the second one's 3 s.
    expect(server.count('GET /v1/apac/onboarding/products')).toBe(2);
  });
});

describe('CITI_TIMEOUT_MS and CITI_KEYCHAIN_TIMEOUT_MS are bounded like --timeout', () => {
  it('too long (past what a timer holds), negative, zero or not a number: a usage error naming the variable, nothing sent', async () => {
    let hits = 0;
    const server = await strictServer(() => {
      hits += 1;
      return TOKEN;
    });
    const home = await tempConfigHome();
    for (const [name, args, base] of [
      ['CITI_TIMEOUT_MS', ['call', '/v1/apac/onboarding/products'], envCreds(server.baseUrl)],
      ['CITI_KEYCHAIN_TIMEOUT_MS', ['--store', 'keychain', 'login', '--base-url', server.baseUrl, '--client-id', 'id', '--client-secret-stdin', '--no-verify'], {}],
    ] as const) {
      for (const [value, says] of [
        ['3000000000', /too long: at most 24h/],
        ['-1', /Invalid duration "-1"/],
        ['0', /must be positive/],
        ['soon', /Invalid duration "soon"/],
      ] as const) {
        const res = await spawnCli([...args], { env: testEnv(home, { ...base, [name]: value }), stdin: 'secret' });
        expect(res.code, `${name}=${value}: ${res.stderr}`).toBe(2);
        expect(res.stderr).toContain(name);
        expect(res.stderr).toMatch(says);
        expect(res.stderr).not.toMatch(/within -?\d+ ?ms/);
      }
    }
    expect(hits).toBe(0);
    // A day is still accepted.
    const ok = await spawnCli(['call', '/v1/apac/onboarding/products'], { env: testEnv(home, { ...envCreds(server.baseUrl), CITI_TIMEOUT_MS: '86400000' }) });
    expect(ok.stderr).not.toContain('CITI_TIMEOUT_MS');
    expect(hits).toBeGreaterThan(0);
  });
});

describe('messages that fit the case', () => {
  it('a reset connection mentions client certificates only when the profile uses mutual TLS', async () => {
    const resets = net.createServer((s) => s.destroy());
    await new Promise<void>((resolve) => resets.listen(0, '127.0.0.1', resolve));
    onCleanup(() => new Promise<void>((resolve) => resets.close(() => resolve())));
    const port = (resets.address() as net.AddressInfo).port;
    const home = await tempConfigHome();

    const plain = await spawnCli(['token'], { env: testEnv(home, envCreds(`http://127.0.0.1:${port}/gcb/api`)) });
    expect(plain.stderr).toContain(`The connection to http://127.0.0.1:${port} was reset`);
    expect(plain.stderr).not.toMatch(/certificate/i);
    expect(plain.code).toBe(1);

    const pki = await testPki();
    const env = testEnv(home);
    const login = await spawnCli(
      ['--store', 'file', 'login', '--base-url', `https://127.0.0.1:${port}/gcb/api`, '--client-id', 'id', '--client-secret-stdin', '--no-verify', '--cert', pki.client.certFile, '--key', pki.client.keyFile],
      { env, stdin: 'secret' },
    );
    expect(login.code).toBe(0);
    const mtls = await spawnCli(['token'], { env });
    expect(mtls.stderr).toContain(`The connection to https://127.0.0.1:${port} was reset`);
    expect(mtls.stderr).toContain('client certificate');
    expect(mtls.code).toBe(1);
  });

  it('--json with a 2xx answer that is not JSON exits 1 saying so; --raw still shows it', async () => {
    const server = await strictServer((r) => (r.path.startsWith('/clientCredentials/') ? TOKEN : { status: 200, text: '<html>maintenance</html>', type: 'text/html' }));
    const home = await tempConfigHome();
    const env = testEnv(home, envCreds(server.baseUrl));
    const res = await spawnCli(['call', '/v1/apac/onboarding/products', '--json'], { env });
    expect(res.stderr).toContain('The answer (HTTP 200, text/html) is not JSON, so --json cannot print it');
    expect(res.stdout).toBe('');
    expect(res.code).toBe(1);
    const raw = await spawnCli(['call', '/v1/apac/onboarding/products', '--raw'], { env });
    expect(raw.stdout).toBe('<html>maintenance</html>\n');
    expect(raw.code).toBe(0);
  });

  it("--verbose keeps Citi's error code visible while tokens and secrets stay redacted", async () => {
    const home = await tempConfigHome();
    const sb = await sandboxProcess([], testEnv(home));
    const res = await spawnCli(['--verbose', 'call', '/v1/no/such/api'], {
      env: testEnv(home, { CITI_BASE_URL: sb.url, CITI_CLIENT_ID: sb.clientId, CITI_CLIENT_SECRET: sb.clientSecret, CITI_STORE: 'memory' }),
    });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^< \{"type":"error","code":"resourceNotFound",/m);
    expect(res.stderr).toContain('"access_token":"[REDACTED]"');
    expect(res.stderr).not.toContain(sb.clientSecret);
  });

  it.skipIf(!existsSync('/usr/bin/curl'))('card PINs, CVVs, OTPs and secret path parameters (a card activation code) stay out of --verbose and the emulator log', async () => {
    const home = await tempConfigHome();
    const sb = await sandboxProcess(['--auto-consent'], testEnv(home));
    const env = testEnv(home, { CITI_BASE_URL: sb.url, CITI_CLIENT_ID: sb.clientId, CITI_CLIENT_SECRET: sb.clientSecret, CITI_STORE: 'file', BROWSER: 'curl -sSL -o /dev/null' });
    const signIn = await spawnCli(['token', '--three-legged', '--scope', 'cards', '--timeout', '20s'], { env });
    expect(signIn.code, signIn.stderr).toBe(0);

    const activation = await spawnCli(['--verbose', 'call', 'PUT', '/v1/cards/4111/activations/ACT7731X', '-d', '{}'], { env });
    expect(activation.code, activation.stderr).toBe(0);
    expect(activation.stderr).toContain(`> PUT ${sb.url}/v1/cards/4111/activations/[REDACTED]`);
    const secrets = { cvv: '9731', newPin: '4862', encryptedPin: 'EPIN5150', encryptedCvv: 'ECVV5151', otpToken: 'OTP66120', pinRegistrationKey: 'PRK77341', accountAccessCode: 'AAC88412' };
    const body = await spawnCli(['--verbose', 'call', 'POST', '/v1/cards/cvv/verification', '-d', JSON.stringify(secrets)], { env });
    expect(body.stderr).toMatch(/^> \{"cvv":"\[REDACTED\]"/m);
    for (const text of [activation.stderr, body.stderr, sb.log()]) {
      expect(text).not.toContain('ACT7731X');
      for (const value of Object.values(secrets)) expect(text).not.toContain(value);
    }
    expect(sb.log()).toContain('PUT /gcb/api/v1/cards/4111/activations/[REDACTED] ');
  });

  it('`citi login --no-verify` checks the certificate, key and CA files before saving anything', async () => {
    const pki = await testPki();
    const other = await pki.issueClient('other');
    const garbage = path.join(pki.dir, 'not-a-cert.pem');
    await fs.writeFile(garbage, 'this is not a certificate\n');
    const home = await tempConfigHome();
    const env = testEnv(home);
    const login = (...flags: string[]) =>
      spawnCli(['--store', 'file', 'login', '--base-url', 'https://127.0.0.1:9/gcb/api', '--client-id', 'id', '--client-secret-stdin', '--no-verify', ...flags], { env, stdin: 'secret' });

    const missing = await login('--cert', path.join(pki.dir, 'absent.pem'), '--key', pki.client.keyFile);
    expect(missing.stderr).toContain(`Cannot read the client certificate ${path.join(pki.dir, 'absent.pem')}: no such file`);
    expect(missing.code).toBe(2);
    const mismatched = await login('--cert', pki.client.certFile, '--key', other.keyFile);
    expect(mismatched.stderr).toContain(`The key ${other.keyFile} does not belong to the certificate ${pki.client.certFile}`);
    expect(mismatched.code).toBe(2);
    const badCert = await login('--cert', garbage, '--key', pki.client.keyFile);
    expect(badCert.stderr).toContain(`Cannot use the certificate ${garbage}`);
    expect(badCert.code).toBe(2);
    const badCa = await login('--ca', garbage);
    expect(badCa.stderr).toContain(`The CA certificate ${garbage} is not a PEM certificate`);
    expect(badCa.code).toBe(2);
    // Nothing was saved by any of them.
    await expect(fs.access(path.join(home, 'citi-sandbox', 'config.json'))).rejects.toThrow(/ENOENT/);

    const good = await login('--cert', pki.client.certFile, '--key', pki.client.keyFile, '--ca', pki.caFile);
    expect(good.code).toBe(0);
  });
});
