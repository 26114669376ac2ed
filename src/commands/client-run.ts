/** The implementation of `citi client`, loaded when the command runs. */
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';
import { buildRegistrationRequest, validateRegistrationResponse } from '../auth/psd2-registration.js';
import { checkCountry, validateRedirectUri, type Profile, type ResolvedProfile } from '../config/profiles.js';
import { UsageError } from '../errors.js';
import type { Factory } from '../factory.js';
import { accounts, inStore } from '../store/secret-store.js';
import { stdinPassphrase, tlsSettingsFrom } from '../http/tls-material.js';
import { colorOn } from '../ui/io.js';
import { printJson, writeLine } from '../ui/output.js';
import { style } from '../ui/style.js';
import { loginDeps, type LoginDeps } from './login-run.js';
import type { ClientRegisterOptions } from './client.js';
import { PSD2_DEFAULT_COUNTRY } from '../citi/psd2.js';

/** What `citi client register` uses: built from the Factory by clientRegisterDeps. */
export type ClientRegisterDeps = Pick<LoginDeps, 'io' | 'config' | 'profileName' | 'resolve' | 'secretStore' | 'http' | 'p12Passphrase' | 'info'>;

export function clientRegisterDeps(f: Factory): ClientRegisterDeps {
  const { io, config, profileName, resolve, secretStore, http, p12Passphrase, info } = loginDeps(f);
  return { io, config, profileName, resolve, secretStore, http, p12Passphrase, info };
}

export async function runClientRegister(f: ClientRegisterDeps, opts: ClientRegisterOptions): Promise<void> {
  const name = await f.profileName();
  if (await f.config.getProfile(name)) {
    throw new UsageError(`Profile "${name}" already exists`, `Register into a new one with --profile NAME, or remove it first: \`citi logout --profile ${name} --forget-profile\`.`);
  }
  // One resolution, as for every command: flags, then CITI_*, then defaults (PSD2's country). The
  // client ID is the server's to give.
  const resolved = await f.resolve({
    writing: true,
    newClient: true,
    defaults: { country: PSD2_DEFAULT_COUNTRY },
    ...(opts.env ? { environment: opts.env } : {}),
    ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}),
    ...(opts.country ? { country: opts.country } : {}),
  });
  const { baseUrl, environment, business } = resolved;
  if (baseUrl.startsWith('http:')) {
    throw new UsageError('Registration uses mutual TLS, which needs an https:// base URL', 'For the emulator: `citi sandbox start --tls`, then use the https URL it prints.');
  }
  const country = checkCountry(resolved.country);
  const redirectUri = opts.redirectUri ? validateRedirectUri(opts.redirectUri) : undefined;

  const tls = tlsSettingsFrom(opts);
  if (!tls?.p12 && !tls?.cert) {
    throw new UsageError('Registering a PSD2 client needs your eIDAS (QWAC) certificate', 'Give --cert FILE --key FILE, or --p12 FILE (for the emulator: `citi sandbox certs --out DIR`).');
  }
  const p12Passphrase = tls.p12 ? await f.p12Passphrase(tls.p12, await stdinPassphrase(f.io, opts.p12PassphraseStdin)) : undefined;
  const storeKind = resolved.store;
  const secrets = f.secretStore(storeKind);
  const target: ResolvedProfile = Object.freeze({ ...resolved, country, tls });

  const clientName = opts.name ?? (tls.cert ? await subjectCommonName(tls.cert) : undefined) ?? `citi-sandbox ${name}`;
  const res = await f
    .http(target, p12Passphrase !== undefined ? { p12Passphrase } : {})
    .request(buildRegistrationRequest(target, { clientName, redirectUris: redirectUri ? [redirectUri] : [], countryCode: country.toUpperCase() }));
  const client = validateRegistrationResponse(res);

  await secrets.set(accounts.clientSecret(name), client.clientSecret);
  if (p12Passphrase !== undefined) await secrets.set(accounts.p12Passphrase(name), p12Passphrase);
  const profile: Profile = {
    baseUrl,
    environment,
    country,
    business,
    clientId: client.clientId,
    ...(storeKind !== 'keychain' ? { store: storeKind } : {}),
    ...(redirectUri ? { redirectUri } : {}),
    tls,
  };
  await f.config.saveProfile(name, profile);

  if (opts.json) {
    await printJson(f.io, { profile: name, clientId: client.clientId, organizationId: client.organizationId, roles: client.roles, baseUrl, store: storeKind });
    return;
  }
  writeLine(f.io.stdout, client.clientId);
  const s = await style(colorOn(f.io, 'stderr'));
  f.info(`${s.green('✓')} Registered PSD2 client ${s.bold(clientName)} for ${client.organizationId} (roles ${client.roles.join(', ') || 'none'})`);
  f.info(`  profile ${s.bold(name)} saved with the certificate; secret kept ${inStore(secrets)}`);
  f.info(`  next: citi token --profile ${name}`);
}

async function subjectCommonName(file: string): Promise<string | undefined> {
  try {
    const subject = new X509Certificate(await fs.readFile(file)).subject;
    return /^CN=(.+)$/m.exec(subject)?.[1];
  } catch {
    return undefined; // the TLS layer reports unreadable files with a proper message
  }
}
