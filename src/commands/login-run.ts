/** The implementation of `citi login`, loaded when the command runs. */
import { buildClientCredentialsRequest, validateClientCredentialsResponse } from '../auth/client-credentials.js';
import { toRecord } from '../auth/token-endpoint.js';
import { COUNTRIES, ENVIRONMENTS, SANDBOX_BASE_PATH, type EnvironmentName } from '../citi/endpoints.js';
import { TWO_LEGGED_SCOPE } from '../citi/oauth.js';
import {
  checkBusiness,
  checkCountry,
  DEFAULT_COUNTRY,
  isLoopbackHost,
  CUSTOMER_SIGN_INS,
  validateBaseUrl,
  validateRedirectUri,
  unknownProfile,
  type ConfigStore,
  type CustomerSignIn,
  type Profile,
  type ProfileFlags,
  type ResolvedProfile,
  type ResolveInput,
} from '../config/profiles.js';
import { ApiError, UsageError } from '../errors.js';
import type { Factory } from '../factory.js';
import type { HttpClient } from '../http/client.js';
import { loadClientTls, stdinPassphrase, tlsSettingsFrom } from '../http/tls-material.js';
import type { StoreKind } from '../store/kind.js';
import { accounts, inStore, type SecretStore } from '../store/secret-store.js';
import { clearEnvIdentities, identityOf, tokenKey, tokenOwner, type TokenOwner, type TokenStore } from '../store/tokens.js';
import { canPrompt, colorOn, readSecretFromStdin, requireStdinPipe, type IO } from '../ui/io.js';
import type { Prompter } from '../ui/prompt.js';
import { printJson } from '../ui/output.js';
import { style } from '../ui/style.js';
import type { LoginOptions } from './login.js';

/** What `citi login` and `citi logout` use: built from the Factory by loginDeps, or by hand in tests and the demo. */
export interface LoginDeps {
  io: IO;
  config: ConfigStore;
  /** The profile resolved with these flags beside the run's own --profile and --store (config/profiles.ts). */
  resolve(more: ProfileFlags & Pick<ResolveInput, 'writing' | 'newClient' | 'defaults' | 'ask'>): Promise<ResolvedProfile>;
  /** The profile of the run, as every other command resolves it, and its name alone. */
  profile(): Promise<ResolvedProfile>;
  profileName(): Promise<string>;
  secretStore(kind: StoreKind): SecretStore;
  /** The store a saved profile's secrets are in this run (--store, CITI_STORE, the profile's own). */
  storeOfSaved(saved?: Profile): SecretStore;
  tokensIn(secrets: SecretStore, owner: TokenOwner): TokenStore;
  http(profile: ResolvedProfile, opts?: { p12Passphrase?: string }): HttpClient;
  p12Passphrase(file: string, opts?: { given?: string; stored?: () => Promise<string | null> }): Promise<string>;
  prompter(): Prompter;
  now(): number;
  info(message: string): void;
}

export function loginDeps(f: Factory): LoginDeps {
  return {
    io: f.io,
    config: f.config,
    resolve: (more) => f.resolve(more),
    profile: () => f.profile(),
    profileName: () => f.profileName(),
    secretStore: (kind) => f.secretStore(kind),
    storeOfSaved: (saved) => f.storeOfSaved(saved),
    tokensIn: (secrets, owner) => f.tokensIn(secrets, owner),
    http: (profile, opts) => f.http(profile, opts),
    p12Passphrase: (file, opts) => f.p12Passphrase(file, opts),
    prompter: () => f.prompter(),
    now: () => f.now(),
    info: (m) => f.info(m),
  };
}

export async function runLogin(f: LoginDeps, opts: LoginOptions): Promise<void> {
  const env = f.io.env;
  // A flag that reads a pipe fails before any question is asked, not after them.
  if (opts.clientSecretStdin && opts.p12PassphraseStdin) throw new UsageError('Only one of --client-secret-stdin and --p12-passphrase-stdin can read stdin');
  if (opts.clientSecretStdin) requireStdinPipe(f.io, '--client-secret-stdin', 'secret');
  if (opts.p12PassphraseStdin) requireStdinPipe(f.io, '--p12-passphrase-stdin', 'passphrase');
  const interactive = canPrompt(f.io);
  const prompter = f.prompter();
  // One resolution, as for every command: flags, then CITI_*, then the saved profile, then (on a
  // terminal) the questions, then defaults.
  const resolved = await f.resolve({
    writing: true,
    ...(opts.env ? { environment: opts.env } : {}),
    ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}),
    ...(opts.country ? { country: opts.country } : {}),
    ...(opts.business ? { business: opts.business } : {}),
    ...(opts.clientId ? { clientId: opts.clientId } : {}),
    ...(interactive
      ? {
          ask: {
            environment: () => askEnvironment(f),
            country: () => prompter.select('Country', COUNTRIES.map((c) => ({ name: c.toUpperCase(), value: c })), { default: DEFAULT_COUNTRY }),
            clientId: async (local: boolean) => {
              // The emulator's seeded app is the likely answer on loopback.
              const guess = local ? { default: (await import('../sandbox/server.js')).DEFAULT_CLIENT_ID } : {};
              return (await prompter.input('Client ID', { ...guess, validate: (v) => (v.trim() ? true : 'Required') })).trim();
            },
          },
        }
      : {}),
  });
  const { name, baseUrl, environment, clientId } = resolved;
  const existing = await f.config.getProfile(name);
  const country = checkCountry(resolved.country);
  const business = checkBusiness(resolved.business);
  if (!clientId) throw new UsageError('No client ID', 'Give --client-id ID (or CITI_CLIENT_ID).');

  const storeKind = resolved.store;
  const secrets = f.secretStore(storeKind);
  // Changing only settings of a saved profile (redirect URI, market, certificate) keeps its stored
  // secret: the app is the same, so there is nothing to ask for.
  const settingsOnly = Boolean(
    existing &&
      clientId === existing.clientId &&
      [opts.redirectUri, opts.country, opts.business, opts.cert, opts.key, opts.p12, opts.ca].some((v) => v !== undefined),
  );

  let secret = opts.clientSecret;
  if (secret) {
    // given in code
  } else if (opts.clientSecretStdin) {
    secret = await readSecretFromStdin(f.io, '--client-secret-stdin', 'secret', { trim: true });
  } else if (env.CITI_CLIENT_SECRET) secret = env.CITI_CLIENT_SECRET;
  else if (settingsOnly) secret = (await secrets.get(accounts.clientSecret(name))) ?? undefined;
  if (!secret && interactive) secret = await prompter.password('Client secret', { validate: (v) => (v.trim() ? true : 'Required') });
  if (!secret) {
    throw new UsageError('No client secret', 'Pipe it to --client-secret-stdin, set CITI_CLIENT_SECRET, or run on a terminal to be asked.');
  }

  const redirectUri = opts.redirectUri ? validateRedirectUri(opts.redirectUri) : existing?.redirectUri;
  if (opts.customerSignIn !== undefined && !(CUSTOMER_SIGN_INS as readonly string[]).includes(opts.customerSignIn)) {
    throw new UsageError(`--customer-sign-in must be ${CUSTOMER_SIGN_INS.join(' or ')} (got "${opts.customerSignIn}")`);
  }
  const customerSignIn = (opts.customerSignIn as CustomerSignIn | undefined) ?? existing?.customerSignIn;
  const username = opts.username?.trim() || existing?.username;
  const tls = tlsSettingsFrom(opts, existing?.tls);
  const p12Passphrase = tls?.p12
    ? await f.p12Passphrase(tls.p12, {
        ...(await stdinPassphrase(f.io, opts.p12PassphraseStdin)),
        stored: () => secrets.get(accounts.p12Passphrase(name)),
      })
    : undefined;
  const profile: Profile = {
    ...existing,
    baseUrl,
    environment,
    country,
    business,
    clientId,
    ...(storeKind !== 'keychain' ? { store: storeKind } : {}),
    ...(redirectUri ? { redirectUri } : {}),
    ...(tls ? { tls } : {}),
    ...(customerSignIn ? { customerSignIn } : {}),
    ...(username ? { username } : {}),
  };
  if (storeKind === 'keychain') delete profile.store;

  // The profile as it will be saved: the resolution with this login's certificate settings.
  const target: ResolvedProfile = Object.freeze({ ...resolved, country, business, ...(tls ? { tls } : {}) });

  // The certificate, key and CA files are checked (readable, parseable, key matching certificate)
  // before anything is saved, with --no-verify too.
  if (tls) await loadClientTls(tls, async () => p12Passphrase ?? '');

  // Verify before saving anything, so a wrong secret never replaces a good one.
  let verified = false;
  let token: ReturnType<typeof toRecord> | undefined;
  if (opts.verify !== false) {
    try {
      const res = await f.http(target, p12Passphrase !== undefined ? { p12Passphrase } : {}).request(buildClientCredentialsRequest({ profile: target }, secret, TWO_LEGGED_SCOPE));
      token = toRecord('two-legged', validateClientCredentialsResponse(res, 'Verifying the credentials'), f.now(), TWO_LEGGED_SCOPE);
      verified = true;
    } catch (err) {
      // The server could not be reached (no HTTP answer): a person keeps their answers by saving unverified.
      if (!(interactive && err instanceof ApiError && err.status === undefined)) throw err;
      f.info(`${err.message}${err.hint ? `\n  ${err.hint}` : ''}`);
      if (!(await prompter.confirm(`Save profile ${name} without verifying the credentials (--no-verify)?`, { default: true }))) {
        throw new ApiError(
          'Nothing saved: the credentials could not be verified',
          `Try again without retyping: citi login${name === 'default' ? '' : ` --profile ${name}`} --base-url ${baseUrl} --country ${country} --client-id ${clientId}`,
        );
      }
    }
  }
  const tokens = f.tokensIn(secrets, tokenOwner(target));
  await secrets.set(accounts.clientSecret(name), secret);
  if (p12Passphrase !== undefined) await secrets.set(accounts.p12Passphrase(name), p12Passphrase);
  // Tokens of another identity are no use with this one (they would read as empty anyway).
  if (existing && identityOf(existing) !== identityOf(target)) await tokens.clear();
  if (token) await tokens.put(tokenKey('two-legged', TWO_LEGGED_SCOPE), token);
  // The first profile saved becomes the default; later ones are chosen with --profile.
  await f.config.saveProfile(name, profile);

  if (opts.json) {
    await printJson(f.io, { profile: name, baseUrl, environment, country, business, clientId, store: storeKind, verified, ...(tls ? { tls } : {}), ...(customerSignIn ? { customerSignIn } : {}), ...(username ? { username } : {}) });
    return;
  }
  const s = await style(colorOn(f.io, 'stderr'));
  f.info(`${s.green('✓')} Profile ${s.bold(name)} saved: client ${clientId} on ${baseUrl} (${country}/${business})`);
  f.info(`  secret kept ${inStore(secrets)}${verified ? '; credentials verified with a two-legged token' : ' (not verified)'}`);
  if (tls?.cert || tls?.p12) f.info(`  mutual TLS with ${tls.p12 ?? tls.cert} on every request`);
  if (!isLoopbackHost(new URL(baseUrl).hostname) && storeKind === 'file') f.info(s.yellow('  note: the secret is in a plaintext file'));
}

const LOCAL_EMULATOR_URL = `http://127.0.0.1:8080${SANDBOX_BASE_PATH}`;

/** The environment list on a terminal: Citi's hosted ones, the local emulator, or any URL. */
async function askEnvironment(f: Pick<LoginDeps, 'io' | 'prompter'>): Promise<{ environment: EnvironmentName | 'custom'; baseUrl?: string }> {
  const prompter = f.prompter();
  type Choice = EnvironmentName | 'local' | 'custom';
  const choice = await prompter.select<Choice>('Citi environment', [
    ...(Object.keys(ENVIRONMENTS) as EnvironmentName[]).map((e) => ({ name: `${e}  ${ENVIRONMENTS[e]}`, value: e })),
    { name: 'local emulator  (citi sandbox start)', value: 'local' },
    { name: 'custom URL', value: 'custom' },
  ]);
  if (choice !== 'local' && choice !== 'custom') return { environment: choice };
  const running = choice === 'local' ? await detachedEmulatorUrl(f) : undefined;
  const baseUrl = await prompter.input(choice === 'local' ? 'Emulator base URL' : 'Base URL', {
    ...(choice === 'local' ? { default: running ?? LOCAL_EMULATOR_URL } : {}),
    validate: (v) => {
      try {
        validateBaseUrl(v.trim());
        return true;
      } catch (err) {
        return (err as Error).message;
      }
    },
  });
  return { environment: 'custom', baseUrl: baseUrl.trim() };
}

/** The URL of the emulator `citi sandbox start --detach` left running, if any. */
async function detachedEmulatorUrl(f: Pick<LoginDeps, 'io'>): Promise<string | undefined> {
  const { defaultPidFile } = await import('./sandbox-detach.js');
  const fs = await import('node:fs/promises');
  return fs.readFile(defaultPidFile(f.io.env), 'utf8').then((t) => (JSON.parse(t) as { url?: string }).url, () => undefined);
}

export async function runLogout(f: LoginDeps, opts: { forgetProfile?: boolean; allIdentities?: boolean }): Promise<void> {
  const name = await f.profileName();
  const config = await f.config.read();
  const existing = config.profiles[name];
  // Credentials or settings from the environment keep tokens of their own identity: forget those too.
  const fromEnv = await f.profile().then(
    (p) => (p.envIdentity ? p : undefined),
    (err: unknown) => {
      if (err instanceof UsageError) return undefined;
      throw err;
    },
  );
  if (!existing && (opts.forgetProfile || (!fromEnv && !opts.allIdentities))) throw unknownProfile(name, config);
  const secrets = f.storeOfSaved(existing);
  const s = await style(colorOn(f.io, 'stderr'));
  if (existing) {
    const hadSecret = await secrets.delete(accounts.clientSecret(name));
    await secrets.delete(accounts.p12Passphrase(name));
    const hadTokens = await f.tokensIn(secrets, tokenOwner({ ...existing, name })).clear();
    if (opts.forgetProfile) await f.config.removeProfile(name);
    const what = [hadSecret ? 'client secret' : '', hadTokens ? 'cached tokens' : ''].filter(Boolean).join(' and ') || 'nothing stored';
    f.info(`${s.green('✓')} Profile ${s.bold(name)}: forgot ${what}${opts.forgetProfile ? '; profile removed' : ''}`);
  }
  if (fromEnv) {
    const had = await f.tokensIn(secrets, tokenOwner(fromEnv)).clear();
    f.info(`${s.green('✓')} Environment identity (client ${fromEnv.clientId} at ${fromEnv.baseUrl}): forgot ${had ? 'cached tokens' : 'nothing stored'}`);
  }
  if (opts.allIdentities) {
    const cleared = await clearEnvIdentities(secrets, f.config.lockDir);
    f.info(`${s.green('✓')} Forgot the cached tokens of ${cleared} environment ${cleared === 1 ? 'identity' : 'identities'} (${secrets.location})`);
  }
}
