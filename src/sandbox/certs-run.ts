/**
 * The certificates of the local PSD2 path on disk: `citi sandbox certs` writes a set into a folder,
 * `citi sandbox start --tls` serves HTTPS from one. What the CLI reads (a passphrase from stdin) is
 * handed in, and what it prints is left to it; problems for the user to fix are CertsErrors.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_ORGANIZATION_IDENTIFIER, parseOrganizationIdentifier } from '../citi/psd2.js';
import { CERT_SET_FILES, CertsError, DEFAULT_P12_PASSPHRASE, writeCertSet, type CertSetFiles } from './certs.js';
import type { SandboxTlsOptions } from './server.js';

export { CertsError };

export interface SandboxTlsFlags {
  tls?: boolean;
  certs?: string;
  clientCa?: string;
}

export interface PreparedTls {
  options: SandboxTlsOptions;
  /** The CA that signed the server certificate: clients trust it with --ca. */
  caFile: string;
  certsDir: string;
  /** Removes a generated set. */
  cleanup(): Promise<void>;
}

/**
 * The server's TLS settings: DIR's certificates, or a set generated into a temporary folder. Client
 * certificates are checked against --client-ca (then required on every call) or else DIR's CA.
 */
export async function prepareSandboxTls(flags: SandboxTlsFlags): Promise<PreparedTls | undefined> {
  if (!flags.tls && !flags.certs && !flags.clientCa) return undefined;
  let dir = flags.certs ? path.resolve(flags.certs) : undefined;
  let cleanup = async () => {};
  if (!dir) {
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'citi-sandbox-certs-'));
    cleanup = () => fs.rm(tmp, { recursive: true, force: true });
    await writeCertSet(tmp);
    dir = tmp;
  }
  const read = async (file: string, what: string, fix: string) => {
    try {
      return await fs.readFile(file);
    } catch (err) {
      await cleanup();
      const code = (err as NodeJS.ErrnoException).code;
      throw new CertsError(`Cannot read the ${what} ${file}: ${code === 'ENOENT' ? 'no such file' : (code ?? String(err))}`, fix);
    }
  };
  const fromCerts = 'Write a set with `citi sandbox certs --out DIR`, or leave --certs out for a temporary one.';
  const caFile = path.join(dir, CERT_SET_FILES.ca);
  const [cert, key, ca] = await Promise.all([
    read(path.join(dir, CERT_SET_FILES.server), 'server certificate', fromCerts),
    read(path.join(dir, CERT_SET_FILES.serverKey), 'server key', fromCerts),
    read(caFile, 'CA certificate', fromCerts),
  ]);
  const clientCa = flags.clientCa ? await read(path.resolve(flags.clientCa), '--client-ca file', 'Give the PEM file of the CA that signs client certificates.') : ca;
  return { options: { cert, key, clientCa, requireClientCert: Boolean(flags.clientCa) }, caFile, certsDir: dir, cleanup };
}

export interface SandboxCertsFlags {
  out?: string;
  orgId?: string;
  force?: boolean;
}

export interface WrittenCertSet {
  dir: string;
  organizationIdentifier: string;
  files: CertSetFiles;
  /** The test default when no client.p12 passphrase was chosen (the CLI says so). */
  defaultPassphrase?: string;
}

/**
 * `citi sandbox certs`: checks the flags and the folder, then writes a set. `choosePassphrase` is
 * asked only once the flags are good (it may read stdin); undefined means the test default.
 */
export async function writeSandboxCerts(flags: SandboxCertsFlags, choosePassphrase: () => Promise<string | undefined>): Promise<WrittenCertSet> {
  if (!flags.out) throw new CertsError('--out DIR is required', 'e.g. citi sandbox certs --out ./certs');
  const orgId = flags.orgId ?? DEFAULT_ORGANIZATION_IDENTIFIER;
  if (!parseOrganizationIdentifier(orgId)) {
    throw new CertsError(`--org-id "${orgId}" is not in the ETSI form`, 'Use PSD + country + "-" + authority + "-" + number, e.g. PSDGB-FCA-123456.');
  }
  const dir = path.resolve(flags.out);
  if (!flags.force && (await exists(path.join(dir, CERT_SET_FILES.ca)))) {
    throw new CertsError(`${dir} already holds a certificate set`, 'Add --force to replace it, or choose another --out.');
  }
  const chosen = await choosePassphrase();
  const files = await writeCertSet(dir, { organizationIdentifier: orgId, passphrase: chosen ?? DEFAULT_P12_PASSPHRASE });
  return { dir, organizationIdentifier: orgId, files, ...(chosen ? {} : { defaultPassphrase: DEFAULT_P12_PASSPHRASE }) };
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
