/**
 * A profile's client-certificate settings: checked and made absolute when saved, loaded into TLS
 * options when a request needs them. Files are checked with Node's own TLS layer, so a wrong
 * passphrase or a key that belongs to another certificate is reported before anything is sent.
 */
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import tls from 'node:tls';
import { PASSPHRASE_ENV, type TlsSettings } from '../config/profiles.js';
import { AuthError, UsageError } from '../errors.js';
import type { TlsClientOptions } from './client.js';
import { readSecretFromStdin, type IO } from '../ui/io.js';

export interface TlsFlags {
  cert?: string;
  key?: string;
  p12?: string;
  ca?: string;
}

export { PASSPHRASE_ENV };

/** New settings from flags over the saved ones: --cert/--key replace a --p12 and the other way round; --ca adds to either. */
export function tlsSettingsFrom(flags: TlsFlags, existing?: TlsSettings, cwd = process.cwd()): TlsSettings | undefined {
  if (Boolean(flags.cert) !== Boolean(flags.key)) {
    throw new UsageError('--cert and --key go together', 'Give both the certificate (PEM) and its private key, or a PKCS#12 file with --p12.');
  }
  if (flags.p12 && flags.cert) throw new UsageError('Give --cert/--key or --p12, not both');
  const abs = (file: string) => path.resolve(cwd, file);
  let out: TlsSettings = { ...existing };
  if (flags.cert && flags.key) out = { cert: abs(flags.cert), key: abs(flags.key), ...(out.ca ? { ca: out.ca } : {}) };
  if (flags.p12) out = { p12: abs(flags.p12), ...(out.ca ? { ca: out.ca } : {}) };
  if (flags.ca) out.ca = abs(flags.ca);
  return Object.keys(out).length ? out : undefined;
}

/** Reads the files of a profile's settings into TLS options; the passphrase is asked for only when a PKCS#12 file needs it. */
export async function loadClientTls(settings: TlsSettings, passphrase: (file: string) => Promise<string>): Promise<TlsClientOptions> {
  const out: TlsClientOptions = {};
  if (settings.ca) {
    out.ca = await readTlsFile(settings.ca, 'CA certificate', '`citi login --ca FILE`');
    checkCertificates(out.ca, settings.ca, 'CA certificate', '`citi login --ca FILE`');
  }
  if (settings.p12) {
    const pfx = await readTlsFile(settings.p12, 'PKCS#12 file', '`citi login --p12 FILE`');
    const pass = await passphrase(settings.p12);
    try {
      tls.createSecureContext({ pfx, passphrase: pass });
    } catch (err) {
      if (/mac verify failure|bad decrypt/i.test((err as Error).message)) {
        throw new AuthError(
          `Wrong passphrase for the PKCS#12 file ${settings.p12}`,
          `Give the right one: in ${PASSPHRASE_ENV}, or keep it in the store with \`citi login --p12 FILE --p12-passphrase-stdin\`.`,
        );
      }
      throw new UsageError(`Cannot use the PKCS#12 file ${settings.p12}: ${(err as Error).message}`, 'Check that it is a PKCS#12 (.p12/.pfx) file with a key and certificate.');
    }
    return { ...out, pfx, passphrase: pass };
  }
  if (settings.cert || settings.key) {
    if (!settings.cert || !settings.key) throw new UsageError('The profile has a client certificate or key but not both', 'Run `citi login --cert FILE --key FILE`.');
    const hint = '`citi login --cert FILE --key FILE`';
    const [cert, key] = await Promise.all([readTlsFile(settings.cert, 'client certificate', hint), readTlsFile(settings.key, 'private key', hint)]);
    try {
      tls.createSecureContext({ cert, key });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'ERR_OSSL_X509_KEY_VALUES_MISMATCH') {
        throw new UsageError(`The key ${settings.key} does not belong to the certificate ${settings.cert}`, `Give the matching pair with ${hint}.`);
      }
      throw new UsageError(`Cannot use the certificate ${settings.cert} with the key ${settings.key}: ${e.message}`, `Both must be PEM files (an encrypted key is not supported: use --p12). Fix with ${hint}.`);
    }
    return { ...out, cert, key };
  }
  return out;
}

/** Node's TLS layer skips what it cannot parse in a CA list; a file of no certificate is a mistake to report. */
function checkCertificates(pem: Buffer, file: string, what: string, fix: string): void {
  const blocks = pem.toString('latin1').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  try {
    if (!blocks.length) throw new Error('no PEM certificate in it');
    for (const block of blocks) new X509Certificate(block);
  } catch (err) {
    throw new UsageError(`The ${what} ${file} is not a PEM certificate (${(err as Error).message})`, `Give a PEM file (-----BEGIN CERTIFICATE-----) with ${fix}.`);
  }
}

async function readTlsFile(file: string, what: string, fix: string): Promise<Buffer> {
  try {
    return await fs.readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (code ?? String(err));
    throw new UsageError(`Cannot read the ${what} ${file}: ${why}`, `Fix the path with ${fix}.`);
  }
}

/** `{given}` for Factory.p12Passphrase when --p12-passphrase-stdin was set. */
export async function stdinPassphrase(io: IO, flag: boolean | undefined): Promise<{ given?: string }> {
  if (!flag) return {};
  return { given: await readSecretFromStdin(io, '--p12-passphrase-stdin', 'passphrase') };
}
