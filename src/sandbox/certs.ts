/**
 * Test certificates for the PSD2 path: a CA, a server certificate for loopback, and a QWAC-like
 * client certificate carrying an ETSI organizationIdentifier, plus a PKCS#12 bundle. X.509 and
 * PKCS#12 come from node-forge (pure JS, so this works without openssl), loaded on first use;
 * keys come from Node's crypto, which is much faster than forge's own RSA.
 */
import { generateKeyPair, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_ORGANIZATION_IDENTIFIER, ORGANIZATION_IDENTIFIER_OID, parseOrganizationIdentifier } from '../citi/psd2.js';

type Forge = typeof import('node-forge');

let forgePromise: Promise<Forge> | undefined;
function loadForge(): Promise<Forge> {
  forgePromise ??= import('node-forge').then((m) => ((m as { default?: Forge }).default ?? m) as Forge);
  return forgePromise;
}

/**
 * A problem for the user to fix (a flag, a file, a link in the way), with what to do about it. The
 * emulator knows nothing of the CLI's errors: `citi sandbox` reports this one as a usage error.
 */
export class CertsError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'CertsError';
  }
}

export interface KeyAndCert {
  certPem: string;
  keyPem: string;
}

export interface Validity {
  notBefore?: Date;
  notAfter?: Date;
}

/** The passphrase of the generated client.p12 when none is chosen; test material only. */
export const DEFAULT_P12_PASSPHRASE = 'citi-sandbox';

export const CERT_SET_FILES = {
  ca: 'ca.pem',
  server: 'server.pem',
  serverKey: 'server-key.pem',
  client: 'client.pem',
  clientKey: 'client-key.pem',
  clientP12: 'client.p12',
} as const;

export type CertSetFiles = { [K in keyof typeof CERT_SET_FILES]: string };

const DAY = 86_400_000;

async function newRsaKey(): Promise<string> {
  const { privateKey } = await promisify(generateKeyPair)('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return privateKey;
}

/**
 * A positive serial number of 16 random bytes: the top bit cleared keeps it positive in DER, and a
 * non-zero first byte keeps it minimal (a leading 0x00 before a byte below 0x80 is illegal padding,
 * which OpenSSL refuses to parse: one certificate in 256).
 */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] as number) & 0x7f) | 0x40;
  return bytes.toString('hex');
}

type Attribute = { name?: string; shortName?: string; type?: string; value: string };

async function makeCertificate(opts: {
  subject: Attribute[];
  issuer?: KeyAndCert;
  validity?: Validity;
  days: number;
  extensions: (forge: Forge, self: { publicKey: unknown }) => object[];
}): Promise<KeyAndCert> {
  const forge = await loadForge();
  const keyPem = await newRsaKey();
  const key = forge.pki.privateKeyFromPem(keyPem);
  const publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = serialNumber();
  const now = Date.now();
  cert.validity.notBefore = opts.validity?.notBefore ?? new Date(now - DAY);
  cert.validity.notAfter = opts.validity?.notAfter ?? new Date(now + opts.days * DAY);
  cert.setSubject(opts.subject);
  const issuerCert = opts.issuer ? forge.pki.certificateFromPem(opts.issuer.certPem) : undefined;
  cert.setIssuer(issuerCert ? issuerCert.subject.attributes : opts.subject);
  const extensions = opts.extensions(forge, { publicKey });
  if (issuerCert) extensions.push({ name: 'authorityKeyIdentifier', keyIdentifier: issuerCert.generateSubjectKeyIdentifier().getBytes() });
  cert.setExtensions([...extensions, { name: 'subjectKeyIdentifier' }]);
  const signer = opts.issuer ? forge.pki.privateKeyFromPem(opts.issuer.keyPem) : key;
  cert.sign(signer, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem };
}

/** A self-signed certificate authority. */
export function createCa(opts: { commonName?: string } & Validity = {}): Promise<KeyAndCert> {
  return makeCertificate({
    subject: [
      { name: 'commonName', value: opts.commonName ?? 'citi-sandbox test CA' },
      { name: 'organizationName', value: 'citi-sandbox' },
    ],
    validity: opts,
    days: 5 * 365,
    extensions: () => [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
}

/** A certificate the CA issues for a year: not a CA, a key for signing and key exchange, for one use. */
function issueLeaf(ca: KeyAndCert, validity: Validity, subject: Attribute[], use: { serverAuth: true } | { clientAuth: true }, ...more: object[]): Promise<KeyAndCert> {
  return makeCertificate({
    subject,
    issuer: ca,
    validity,
    days: 365,
    extensions: () => [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', ...use },
      ...more,
    ],
  });
}

/** A server certificate for 127.0.0.1, ::1 and localhost. */
export function createServerCert(ca: KeyAndCert, opts: Validity = {}): Promise<KeyAndCert> {
  return issueLeaf(ca, opts, [{ name: 'commonName', value: 'localhost' }], { serverAuth: true }, {
    name: 'subjectAltName',
    altNames: [
      { type: 2, value: 'localhost' },
      { type: 7, ip: '127.0.0.1' },
      { type: 7, ip: '::1' },
    ],
  });
}

export interface ClientCertOptions extends Validity {
  /** ETSI form, e.g. PSDGB-FCA-123456; omitted from the subject when empty. */
  organizationIdentifier?: string;
  organizationName?: string;
  commonName?: string;
  country?: string;
}

/** A QWAC-like client certificate: clientAuth, with the organizationIdentifier (2.5.4.97) in its subject. */
export function createClientCert(ca: KeyAndCert, opts: ClientCertOptions = {}): Promise<KeyAndCert> {
  const orgId = opts.organizationIdentifier ?? DEFAULT_ORGANIZATION_IDENTIFIER;
  const subject: Attribute[] = [
    { name: 'countryName', value: (opts.country ?? parseOrganizationIdentifier(orgId)?.country ?? 'GB').toUpperCase() },
    { name: 'organizationName', value: opts.organizationName ?? 'citi-sandbox Test TPP Ltd' },
    ...(orgId ? [{ type: ORGANIZATION_IDENTIFIER_OID, value: orgId }] : []),
    { name: 'commonName', value: opts.commonName ?? 'tpp.citi-sandbox.test' },
  ];
  return issueLeaf(ca, opts, subject, { clientAuth: true });
}

/** A PKCS#12 bundle of a key, its certificate and the CA (AES-256, which OpenSSL 3 reads without the legacy provider). */
export async function toPkcs12(leaf: KeyAndCert, caCertPem: string, passphrase: string): Promise<Buffer> {
  const forge = await loadForge();
  const asn1 = forge.pkcs12.toPkcs12Asn1(
    forge.pki.privateKeyFromPem(leaf.keyPem),
    [forge.pki.certificateFromPem(leaf.certPem), forge.pki.certificateFromPem(caCertPem)],
    passphrase,
    { algorithm: 'aes256', friendlyName: 'citi-sandbox client' },
  );
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

function symlinkRefused(file: string): CertsError {
  return new CertsError(`Refusing to write ${file}: it is a symbolic link`, 'Keys are never written through a link; remove it or choose another --out.');
}

async function isSymlink(file: string): Promise<boolean> {
  try {
    return (await fs.lstat(file)).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Writes a whole set into DIR (created 0700 when new): CA, server and client certificates, their
 * keys (0600) and client.p12. The CA's key is not kept: the set is for trying the path, not for
 * issuing more certificates.
 */
export async function writeCertSet(
  dir: string,
  opts: { passphrase?: string; organizationIdentifier?: string } = {},
): Promise<CertSetFiles> {
  const ca = await createCa();
  const [server, client] = await Promise.all([
    createServerCert(ca),
    createClientCert(ca, opts.organizationIdentifier ? { organizationIdentifier: opts.organizationIdentifier } : {}),
  ]);
  const p12 = await toPkcs12(client, ca.certPem, opts.passphrase ?? DEFAULT_P12_PASSPHRASE);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const files = Object.fromEntries(Object.entries(CERT_SET_FILES).map(([k, name]) => [k, path.join(dir, name)])) as CertSetFiles;
  // Never through a symbolic link: a key must not land wherever the link points. Checked for every
  // file before any is written; O_NOFOLLOW catches a link that appears in between.
  for (const file of Object.values(files)) if (await isSymlink(file)) throw symlinkRefused(file);
  const write = async (file: string, data: string | Buffer, mode: number) => {
    const { O_WRONLY, O_CREAT, O_TRUNC, O_NOFOLLOW } = fs.constants;
    const handle = await fs.open(file, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, mode).catch((err: unknown) => {
      throw (err as NodeJS.ErrnoException).code === 'ELOOP' ? symlinkRefused(file) : err;
    });
    try {
      await handle.writeFile(data);
      await handle.chmod(mode); // the mode above only applies to new files
    } finally {
      await handle.close();
    }
  };
  await Promise.all([
    write(files.ca, ca.certPem, 0o644),
    write(files.server, server.certPem, 0o644),
    write(files.serverKey, server.keyPem, 0o600),
    write(files.client, client.certPem, 0o644),
    write(files.clientKey, client.keyPem, 0o600),
    write(files.clientP12, p12, 0o600),
  ]);
  return files;
}

/**
 * An emulator's TLS settings from a written set: its server certificate, with client certificates
 * signed by the set's CA required on every call (the demo's and `citi test`'s mutual-TLS emulators).
 */
export async function mutualTlsServerOf(files: CertSetFiles): Promise<{ cert: Buffer; key: Buffer; clientCa: Buffer; requireClientCert: true }> {
  const [cert, key, clientCa] = await Promise.all([fs.readFile(files.server), fs.readFile(files.serverKey), fs.readFile(files.ca)]);
  return { cert, key, clientCa, requireClientCert: true };
}
