/** The implementation of `citi client`, loaded when the command runs. */
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';
import { buildRegistrationRequest, validateRegistrationResponse } from '../auth/psd2-registration.js';
import { DEFAULT_PATHS, ENVIRONMENTS, isEnvironmentName, type EnvironmentName } from '../citi/endpoints.js';
import { checkCountry, chosenStoreKind, DEFAULT_BUSINESS, validateBaseUrl, type Profile, type ResolvedProfile } from '../config/profiles.js';
import { UsageError } from '../errors.js';
import type { Factory } from '../factory.js';
import { accounts, inStore } from '../store/secret-store.js';
import { stdinPassphrase, tlsSettingsFrom } from '../http/tls-material.js';
import { colorOn } from '../ui/io.js';
import { printJson, writeLine } from '../ui/output.js';
import { style } from '../ui/style.js';
import { validateRedirectUri } from './login-run.js';
import type { ClientRegisterOptions } from './client.js';
import { PSD2_DEFAULT_COUNTRY } from '../citi/psd2.js';

export async function runClientRegister(f: Factory, opts: ClientRegisterOptions): Promise<void> {
  const env = f.io.env;
  const name = await f.profileName();
  if (await f.config.getProfile(name)) {
    throw new UsageError(`Profile "${name}" already exists`, `Register into a new one with --profile NAME, or remove it first: \`citi logout --profile ${name} --forget-profile\`.`);
  }
  if (opts.env && opts.baseUrl) throw new UsageError('Give --env or --base-url, not both');
  if (opts.env && !isEnvironmentName(opts.env)) {
    throw new UsageError(`Unknown environment "${opts.env}"`, `Use one of ${Object.keys(ENVIRONMENTS).join(', ')}, or --base-url URL`);
  }
  const baseUrl = validateBaseUrl(opts.baseUrl ?? (opts.env ? ENVIRONMENTS[opts.env as EnvironmentName] : undefined) ?? env.CITI_BASE_URL ?? ENVIRONMENTS.sandbox);
  if (baseUrl.startsWith('http:')) {
    throw new UsageError('Registration uses mutual TLS, which needs an https:// base URL', 'For the emulator: `citi sandbox start --tls`, then use the https URL it prints.');
  }
  const environment = (Object.keys(ENVIRONMENTS) as EnvironmentName[]).find((e) => ENVIRONMENTS[e] === baseUrl) ?? 'custom';
  const country = checkCountry(opts.country ?? PSD2_DEFAULT_COUNTRY);
  const redirectUri = opts.redirectUri ? validateRedirectUri(opts.redirectUri) : undefined;

  const tls = tlsSettingsFrom(opts);
  if (!tls?.p12 && !tls?.cert) {
    throw new UsageError('Registering a PSD2 client needs your eIDAS (QWAC) certificate', 'Give --cert FILE --key FILE, or --p12 FILE (for the emulator: `citi sandbox certs --out DIR`).');
  }
  const p12Passphrase = tls.p12 ? await f.p12Passphrase(tls.p12, await stdinPassphrase(f.io, opts.p12PassphraseStdin)) : undefined;
  const storeKind = chosenStoreKind(f.globals.store, env) ?? 'keychain';
  const secrets = f.secretStore(storeKind);
  const resolved: ResolvedProfile = {
    name,
    baseUrl,
    country,
    business: DEFAULT_BUSINESS,
    clientId: '',
    paths: { ...DEFAULT_PATHS },
    scopes: [],
    store: storeKind,
    storeIsDefault: false,
    fromEnv: false,
    tls,
  };

  const clientName = opts.name ?? (tls.cert ? await subjectCommonName(tls.cert) : undefined) ?? `citi-sandbox ${name}`;
  const res = await f
    .http(resolved, p12Passphrase !== undefined ? { p12Passphrase } : {})
    .request(buildRegistrationRequest(resolved, { clientName, redirectUris: redirectUri ? [redirectUri] : [], countryCode: country.toUpperCase() }));
  const client = validateRegistrationResponse(res);

  await secrets.set(accounts.clientSecret(name), client.clientSecret);
  if (p12Passphrase !== undefined) await secrets.set(accounts.p12Passphrase(name), p12Passphrase);
  const profile: Profile = {
    baseUrl,
    environment,
    country,
    business: DEFAULT_BUSINESS,
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
