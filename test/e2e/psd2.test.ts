/**
 * PSD2 end to end with the built binary, as a user or a CI script would run it: certificates from
 * `citi sandbox certs`, an HTTPS emulator from `citi sandbox start --tls --json` in a child process
 * that requires client certificates, then register, token and call, each a child process too.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigStore } from '../../src/config/profiles.js';
import { spawnCli, tempConfigHome, testEnv } from '../helpers/cli.js';
import { requireSecretService } from '../helpers/keychain.js';
import { profileName } from '../helpers/psd2.js';
import { sandboxProcess } from '../helpers/sandbox.js';

const available = await requireSecretService();

describe.skipIf(!available)('PSD2 end to end (built binary, emulator in a child process)', () => {
  it('certs -> sandbox --tls --client-ca -> register -> token -> call, with mutual TLS enforced', async () => {
    const home = await tempConfigHome();
    const env = testEnv(home);
    const dir = path.join(home, 'certs');
    const certs = await spawnCli(['sandbox', 'certs', '--out', dir], { env });
    expect(certs.code).toBe(0);

    const sb = await sandboxProcess(['--certs', dir, '--client-ca', path.join(dir, 'ca.pem')], env);
    expect(sb.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/gcb\/api$/);
    expect(sb.caFile).toBe(path.join(dir, 'ca.pem'));
    expect(sb.certsDir).toBe(dir);
    const caFile = sb.caFile!;

    const profile = profileName('e2e');
    const reg = await spawnCli(
      ['client', 'register', '--profile', profile, '--base-url', sb.url, '--cert', path.join(dir, 'client.pem'), '--key', path.join(dir, 'client-key.pem'), '--ca', caFile],
      { env },
    );
    expect(reg.stderr).toContain('for PSDGB-FCA-123456');
    expect(reg.code).toBe(0);
    const clientId = reg.stdout.trim();

    const token = await spawnCli(['token', '--profile', profile, '--json'], { env });
    expect(token.code).toBe(0);
    expect(JSON.parse(token.stdout)).toMatchObject({ token_type: 'Bearer', source: 'new' });
    const call = await spawnCli(['call', '--profile', profile, 'GET', '/v1/apac/onboarding/products', '--json'], { env });
    expect(call.code).toBe(0);
    expect(JSON.parse(call.stdout)).toHaveProperty('products');
    expect(sb.log()).toContain('POST /gcb/api/psd2/v1/onboarding/clients 201');

    // The same client without its certificate: the emulator refuses the call, the CLI says how to fix it.
    const config = ConfigStore.forEnv(env);
    const saved = (await config.getProfile(profile))!;
    await config.saveProfile(profile, { ...saved, tls: { ca: caFile } });
    const bare = await spawnCli(['token', '--profile', profile, '--force'], { env });
    expect(bare.stderr).toContain('requires a client certificate (mutual TLS), and none was sent');
    expect(bare.stderr).toContain('`citi login --cert FILE --key FILE`');
    expect(bare.code).toBe(3);
    expect(clientId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('`sandbox start --tls` alone generates a set (caFile in the JSON line), trusted through NODE_EXTRA_CA_CERTS, removed on stop', async () => {
    const home = await tempConfigHome();
    const sb = await sandboxProcess(['--tls'], testEnv(home));
    const caFile = sb.caFile!;
    const certsDir = sb.certsDir!;
    expect(path.dirname(caFile)).toBe(certsDir);
    await fs.access(path.join(certsDir, 'client.pem'));
    const creds = { CITI_CLIENT_ID: sb.clientId, CITI_CLIENT_SECRET: sb.clientSecret, CITI_BASE_URL: sb.url, CITI_STORE: 'memory' };

    const untrusted = await spawnCli(['token'], { env: testEnv(home, creds) });
    expect(untrusted.stderr).toContain(`The server certificate of ${new URL(sb.url).origin} is not trusted`);
    expect(untrusted.stderr).toContain('NODE_EXTRA_CA_CERTS=FILE');
    expect(untrusted.code).toBe(1);
    const trusted = await spawnCli(['token'], { env: testEnv(home, { ...creds, NODE_EXTRA_CA_CERTS: caFile }) });
    expect(trusted.stderr).toBe('');
    expect(trusted.code).toBe(0);

    await new Promise<void>((resolve) => {
      sb.child.once('exit', () => resolve());
      sb.child.kill('SIGTERM');
    });
    await expect(fs.access(certsDir)).rejects.toThrow(/ENOENT/);
  });
});

describe('citi demo', () => {
  it('runs the PSD2 leg: generated certificates, its own HTTPS emulator, registration, token, call, refusal without the certificate', async () => {
    const home = await tempConfigHome();
    const demo = await spawnCli(['demo'], { env: testEnv(home), timeoutMs: 30_000 });
    expect(demo.stderr).toContain('PSD2: eIDAS-like certificates, client registration, mutual TLS');
    for (const step of [
      'citi sandbox certs (CA, server, QWAC-like client)',
      'citi client register --cert client.pem',
      'citi token (two-legged, over mutual TLS)',
      'GET /v1/apac/onboarding/products (over mutual TLS)',
      'the same token request without the certificate is refused',
    ]) {
      expect(demo.stderr).toMatch(new RegExp(`✓ .*${step.replace(/[()]/g, '\\$&')}`));
    }
    expect(demo.stderr).toContain('All steps passed');
    expect(demo.code).toBe(0);
    // Nothing left behind: no profile in the user's config.
    await expect(fs.access(path.join(home, 'citi-sandbox', 'config.json'))).rejects.toThrow(/ENOENT/);
  });
});
