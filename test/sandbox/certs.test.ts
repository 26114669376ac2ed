/** `citi sandbox certs`: a CA, a loopback server certificate and a QWAC-like client certificate, checked with Node's own X.509 and TLS. */
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { runCli, tempConfigHome, testEnv } from '../helpers/cli.js';

async function certs(args: string[] = [], extraEnv: NodeJS.ProcessEnv = {}, stdin?: string) {
  const home = await tempConfigHome();
  const out = path.join(home, 'certs');
  const res = await runCli(['sandbox', 'certs', '--out', out, ...args], { env: testEnv(home, extraEnv), ...(stdin !== undefined ? { stdin } : {}) });
  return { res, out, home };
}

const read = (dir: string, name: string) => fs.readFile(path.join(dir, name));

describe('citi sandbox certs', () => {
  it('writes a CA, a server certificate for loopback, and a client certificate with the organizationIdentifier', async () => {
    const { res, out } = await certs();
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('client.p12 passphrase: "citi-sandbox" (the default for test files');
    const ca = new X509Certificate(await read(out, 'ca.pem'));
    const server = new X509Certificate(await read(out, 'server.pem'));
    const client = new X509Certificate(await read(out, 'client.pem'));
    expect(ca.ca).toBe(true);
    expect(server.checkIssued(ca) && server.verify(ca.publicKey)).toBe(true);
    expect(client.checkIssued(ca) && client.verify(ca.publicKey)).toBe(true);
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(client.subject).toContain('organizationIdentifier=PSDGB-FCA-123456');
    expect(client.keyUsage).toContain('1.3.6.1.5.5.7.3.2'); // clientAuth
    expect(server.keyUsage).toContain('1.3.6.1.5.5.7.3.1'); // serverAuth
    // Each key belongs to its certificate; the PKCS#12 opens with the documented default passphrase.
    tls.createSecureContext({ cert: await read(out, 'server.pem'), key: await read(out, 'server-key.pem') });
    tls.createSecureContext({ cert: await read(out, 'client.pem'), key: await read(out, 'client-key.pem') });
    tls.createSecureContext({ pfx: await read(out, 'client.p12'), passphrase: 'citi-sandbox' });
    for (const key of ['server-key.pem', 'client-key.pem', 'client.p12']) {
      expect((await fs.stat(path.join(out, key))).mode & 0o777).toBe(0o600);
    }
    expect((await fs.stat(out)).mode & 0o777).toBe(0o700);
  });

  it('takes the organizationIdentifier and the PKCS#12 passphrase (stdin or CITI_P12_PASSPHRASE), and prints JSON', async () => {
    const { res, out } = await certs(['--org-id', 'PSDDE-BAFIN-987654', '--p12-passphrase-stdin', '--json'], {}, 'from stdin\n');
    expect(res.code).toBe(0);
    const json = JSON.parse(res.stdout) as { dir: string; organizationIdentifier: string; files: Record<string, string> };
    expect(json).toMatchObject({ dir: out, organizationIdentifier: 'PSDDE-BAFIN-987654' });
    expect(json.files.clientP12).toBe(path.join(out, 'client.p12'));
    expect(new X509Certificate(await read(out, 'client.pem')).subject).toContain('organizationIdentifier=PSDDE-BAFIN-987654');
    tls.createSecureContext({ pfx: await read(out, 'client.p12'), passphrase: 'from stdin' });
    const p12 = await read(out, 'client.p12');
    expect(() => tls.createSecureContext({ pfx: p12, passphrase: 'citi-sandbox' })).toThrow(/mac verify failure/);

    const env = await certs([], { CITI_P12_PASSPHRASE: 'from env' });
    expect(env.res.stderr).not.toContain('from env');
    tls.createSecureContext({ pfx: await read(env.out, 'client.p12'), passphrase: 'from env' });
  });

  it('refuses to replace a set without --force, and a malformed --org-id (exit 2)', async () => {
    const { out, home } = await certs();
    const again = await runCli(['sandbox', 'certs', '--out', out], { env: testEnv(home) });
    expect(again.stderr).toContain(`error: ${out} already holds a certificate set`);
    expect(again.stderr).toContain('Add --force');
    expect(again.code).toBe(2);
    const before = await read(out, 'ca.pem');
    expect((await runCli(['sandbox', 'certs', '--out', out, '--force'], { env: testEnv(home) })).code).toBe(0);
    expect((await read(out, 'ca.pem')).equals(before)).toBe(false);

    const bad = await runCli(['sandbox', 'certs', '--out', out, '--force', '--org-id', 'FCA-123'], { env: testEnv(home) });
    expect(bad.stderr).toContain('error: --org-id "FCA-123" is not in the ETSI form');
    expect(bad.code).toBe(2);
  });
});
