/** Certificates and HTTPS emulators for the PSD2 tests, all made here with the project's own generator. */
import fs from 'node:fs/promises';
import path from 'node:path';
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../../src/sandbox/server.js';
import { accounts } from '../../src/store/secret-store.js';
import { KeychainStore } from '../../src/store/keychain-store.js';
import { createCa, createClientCert, createServerCert, toPkcs12, type ClientCertOptions, type KeyAndCert } from '../../src/sandbox/certs.js';
import { onCleanup, tempConfigHome } from './cli.js';

export interface TestPki {
  dir: string;
  ca: KeyAndCert;
  caFile: string;
  server: KeyAndCert;
  /** A QWAC-like client certificate of `ca`, written as client.pem / client-key.pem. */
  client: { certFile: string; keyFile: string; pem: KeyAndCert };
  /** Writes another client certificate (of `ca` unless another CA is given) and returns its files. */
  issueClient(name: string, opts?: ClientCertOptions & { ca?: KeyAndCert }): Promise<{ certFile: string; keyFile: string; pem: KeyAndCert }>;
  /** Writes a PKCS#12 of the client certificate with this passphrase. */
  p12(passphrase: string): Promise<string>;
}

export async function testPki(): Promise<TestPki> {
  const dir = await tempConfigHome();
  const ca = await createCa();
  const server = await createServerCert(ca);
  const caFile = path.join(dir, 'ca.pem');
  await fs.writeFile(caFile, ca.certPem);
  const issueClient: TestPki['issueClient'] = async (name, opts = {}) => {
    const pem = await createClientCert(opts.ca ?? ca, opts);
    const certFile = path.join(dir, `${name}.pem`);
    const keyFile = path.join(dir, `${name}-key.pem`);
    await fs.writeFile(certFile, pem.certPem);
    await fs.writeFile(keyFile, pem.keyPem, { mode: 0o600 });
    return { certFile, keyFile, pem };
  };
  const client = await issueClient('client');
  return {
    dir,
    ca,
    caFile,
    server,
    client,
    issueClient,
    async p12(passphrase) {
      const file = path.join(dir, 'client.p12');
      await fs.writeFile(file, await toPkcs12(client.pem, ca.certPem, passphrase), { mode: 0o600 });
      return file;
    },
  };
}

/** An HTTPS emulator in this process with the PKI's server certificate; client certificates checked against its CA. */
export async function tlsSandbox(pki: TestPki, opts: { requireClientCert?: boolean } & SandboxOptions = {}): Promise<RunningSandbox> {
  const { requireClientCert, ...rest } = opts;
  const s = await startSandbox({
    ...rest,
    tls: { cert: pki.server.certPem, key: pki.server.keyPem, clientCa: pki.ca.certPem, requireClientCert: Boolean(requireClientCert) },
  });
  onCleanup(() => s.close());
  return s;
}

/** A fresh profile name, whose keychain entries are removed after the test. */
export function profileName(prefix = 'psd2'): string {
  const name = `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
  onCleanup(async () => {
    const store = new KeychainStore();
    for (const account of [accounts.clientSecret(name), accounts.tokens(name), accounts.p12Passphrase(name)]) await store.delete(account).catch(() => false);
  });
  return name;
}
