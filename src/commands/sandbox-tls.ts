/** HTTPS for `citi sandbox start --tls`, and `citi sandbox certs`: the certificates of the local PSD2 path. */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_ORGANIZATION_IDENTIFIER, parseOrganizationIdentifier } from '../citi/psd2.js';
import { UsageError } from '../errors.js';
import type { Factory } from '../factory.js';
import type { SandboxTlsOptions } from '../sandbox/server.js';
import { PASSPHRASE_ENV, stdinPassphrase } from '../http/tls-material.js';
import { colorOn } from '../ui/io.js';
import { printJson } from '../ui/output.js';
import { style } from '../ui/style.js';

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
  const { CERT_SET_FILES, writeCertSet } = await import('../sandbox/certs.js');
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
      throw new UsageError(`Cannot read the ${what} ${file}: ${code === 'ENOENT' ? 'no such file' : (code ?? String(err))}`, fix);
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

export interface SandboxCertsOptions {
  out?: string;
  orgId?: string;
  p12PassphraseStdin?: boolean;
  force?: boolean;
  json?: boolean;
}

export async function runSandboxCerts(f: Factory, opts: SandboxCertsOptions): Promise<void> {
  if (!opts.out) throw new UsageError('--out DIR is required', 'e.g. citi sandbox certs --out ./certs');
  const orgId = opts.orgId ?? DEFAULT_ORGANIZATION_IDENTIFIER;
  if (!parseOrganizationIdentifier(orgId)) {
    throw new UsageError(`--org-id "${orgId}" is not in the ETSI form`, 'Use PSD + country + "-" + authority + "-" + number, e.g. PSDGB-FCA-123456.');
  }
  const dir = path.resolve(opts.out);
  const { CERT_SET_FILES, DEFAULT_P12_PASSPHRASE, writeCertSet } = await import('../sandbox/certs.js');
  if (!opts.force && (await exists(path.join(dir, CERT_SET_FILES.ca)))) {
    throw new UsageError(`${dir} already holds a certificate set`, 'Add --force to replace it, or choose another --out.');
  }
  const given = (await stdinPassphrase(f.io, opts.p12PassphraseStdin)).given ?? (f.io.env[PASSPHRASE_ENV] || undefined);
  const files = await writeCertSet(dir, { organizationIdentifier: orgId, passphrase: given ?? DEFAULT_P12_PASSPHRASE });
  if (opts.json) {
    await printJson(f.io, { dir, organizationIdentifier: orgId, files });
    return;
  }
  const s = await style(colorOn(f.io, 'stderr'));
  f.info(`${s.green('✓')} Test certificates for the PSD2 path written to ${s.bold(dir)} (organizationIdentifier ${orgId})`);
  for (const file of Object.values(files)) f.info(`  ${file}`);
  if (!given) f.info(`  client.p12 passphrase: "${DEFAULT_P12_PASSPHRASE}" (the default for test files; set ${PASSPHRASE_ENV} to choose one)`);
  f.info(`  next: citi sandbox start --tls --certs ${opts.out} --client-ca ${path.join(opts.out, CERT_SET_FILES.ca)}`);
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
