/** Profiles: non-secret settings in a JSON file (0600, in a 0700 folder). Secrets live in the store. */
import fs from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_PATHS, ENVIRONMENTS, isEndpointName, isEnvironmentName, type EndpointPaths, type EnvironmentName } from '../citi/endpoints.js';
import { UsageError } from '../errors.js';
import { JsonFile } from '../store/files.js';
import { chosenStoreKind, type StoreKind } from '../store/kind.js';
import { identityOf } from '../store/tokens.js';
import { closest } from '../util/suggest.js';
import type { CustomerSignIn } from './options.js';
import { configDir, lockDir } from './paths.js';

export interface TlsSettings {
  cert?: string;
  key?: string;
  p12?: string;
  ca?: string;
}

export interface Profile {
  baseUrl: string;
  environment?: EnvironmentName | 'custom';
  country: string;
  business: string;
  clientId: string;
  /** Default scopes for three-legged tokens. */
  scopes?: string[];
  /** Endpoint path overrides, by name (see DEFAULT_PATHS). */
  paths?: Partial<EndpointPaths>;
  /** Where this profile's secrets live when neither --store nor CITI_STORE says otherwise. */
  store?: StoreKind;
  /** Redirect URI registered with Citi for the three-legged flow. */
  redirectUri?: string;
  tls?: TlsSettings;
  /** How the customer signs in for customer APIs: in a browser (default) or by the password grant. */
  customerSignIn?: CustomerSignIn;
  /** The customer's user ID for the password grant (not a secret). */
  username?: string;
}

export { CUSTOMER_SIGN_INS, PASSPHRASE_ENV, type CustomerSignIn } from './options.js';

export interface ConfigFile {
  version: 1;
  defaultProfile?: string;
  profiles: Record<string, Profile>;
}

export const DEFAULT_PROFILE = 'default';
export const DEFAULT_COUNTRY = 'sg';
export const DEFAULT_BUSINESS = 'gcb';

export class ConfigStore {
  readonly file: string;
  private readonly json: JsonFile<ConfigFile>;

  constructor(
    readonly dir: string,
    /** The lock folder of this user's files (config/paths.ts lockDir). */
    readonly lockDir: string,
  ) {
    this.file = path.join(dir, 'config.json');
    // Config faults are the user's to fix: exit 2, naming the file.
    const fault = (message: string, hint?: string) => new UsageError(message, hint);
    this.json = new JsonFile<ConfigFile>(this.file, {
      what: 'config file',
      empty: () => ({ version: 1, profiles: {} }),
      check: checkConfig,
      fault,
      hint: 'Fix or move it (settings are in config.json under XDG_CONFIG_HOME, default ~/.config/citi-sandbox), then run `citi login` again.',
      lockDir,
      lockName: 'config',
    });
  }

  static forEnv(env: NodeJS.ProcessEnv): ConfigStore {
    return new ConfigStore(configDir(env), lockDir(env));
  }

  read(): Promise<ConfigFile> {
    return this.json.read();
  }

  /** Changes the file under a lock shared by every citi process, then writes it atomically (0600, in a 0700 folder). */
  async update<R>(change: (config: ConfigFile) => R): Promise<R> {
    const result = await this.json.update(change);
    await fs.chmod(this.dir, 0o700).catch(() => undefined);
    return result;
  }

  async getProfile(name: string): Promise<Profile | undefined> {
    return (await this.read()).profiles[name];
  }

  async saveProfile(name: string, profile: Profile, makeDefault = false): Promise<void> {
    await this.update((config) => {
      config.profiles[name] = profile;
      if (makeDefault || !config.defaultProfile) config.defaultProfile = name;
    });
  }

  /** Makes a saved profile the default; an unknown name is a usage error with the list. */
  async setDefaultProfile(name: string): Promise<void> {
    await this.update((config) => {
      if (!config.profiles[name]) throw unknownProfile(name, config);
      config.defaultProfile = name;
    });
  }

  async removeProfile(name: string): Promise<boolean> {
    return this.update((config) => {
      if (!config.profiles[name]) return false;
      delete config.profiles[name];
      if (config.defaultProfile === name) delete config.defaultProfile;
      return true;
    });
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === 'object' && !Array.isArray(v);

/**
 * A config file as read: each profile an object whose settings are strings. A hand-edited profile
 * without a market gets the default one, as every command resolves it (so identities agree).
 */
function checkConfig(v: unknown): ConfigFile | { invalid: string } {
  if (!isObject(v) || !isObject(v.profiles)) return { invalid: 'it needs a "profiles" object' };
  for (const [name, profile] of Object.entries(v.profiles)) {
    if (!isObject(profile)) return { invalid: `its profile "${name}" is not an object` };
    for (const field of ['baseUrl', 'country', 'business', 'clientId']) {
      if (profile[field] !== undefined && typeof profile[field] !== 'string') return { invalid: `in its profile "${name}", ${field} is not a string` };
    }
    profile.country ||= DEFAULT_COUNTRY;
    profile.business ||= DEFAULT_BUSINESS;
  }
  return v as unknown as ConfigFile;
}

/**
 * The one answer to "which app, where, for which market, with secrets where" for a run: flags,
 * then CITI_* variables, then the saved profile, then defaults (see resolveProfile). Frozen: what
 * is decided here is not changed by whoever holds it.
 */
export interface ResolvedProfile {
  readonly name: string;
  readonly baseUrl: string;
  /** Citi's environment of the base URL by name, or `custom` (the emulator, any other URL). */
  readonly environment: EnvironmentName | 'custom';
  readonly country: string;
  readonly business: string;
  readonly clientId: string;
  readonly paths: Readonly<EndpointPaths>;
  readonly scopes: readonly string[];
  /** Where secrets and tokens live this run, the keychain probe included (see resolveProfile). */
  readonly store: StoreKind;
  /** True when the store was chosen by default rather than by a flag, variable or the profile. */
  readonly storeIsDefault: boolean;
  /** The client secret, when it came from CITI_CLIENT_SECRET. */
  readonly envSecret?: string;
  /** True when no saved profile exists and everything came from the environment. */
  readonly fromEnv: boolean;
  /**
   * True when the identity (base URL, client ID, country, business) is not the saved profile's:
   * the environment changed it, or there is no saved profile. Such runs keep tokens of their own.
   */
  readonly envIdentity?: boolean;
  readonly redirectUri?: string;
  readonly tls?: Readonly<TlsSettings>;
  readonly customerSignIn?: CustomerSignIn;
  /** The customer's user ID for the password grant: CITI_USERNAME, else the saved profile's. */
  readonly username?: string;
}

/** Settings given as flags; each wins over its CITI_* variable and the saved profile. */
export interface ProfileFlags {
  profile?: string;
  store?: string;
  /** --env: one of Citi's environments by name. */
  environment?: string;
  baseUrl?: string;
  country?: string;
  business?: string;
  clientId?: string;
}

/** What `citi login` asks on a terminal when neither a flag, a variable nor the saved profile says. */
export interface ProfileQuestions {
  environment?(): Promise<{ environment: EnvironmentName | 'custom'; baseUrl?: string }>;
  country?(): Promise<string>;
  /** `local`: the base URL is on loopback (the emulator). */
  clientId?(local: boolean): Promise<string>;
}

export interface ResolveInput extends ProfileFlags {
  env: NodeJS.ProcessEnv;
  config: Pick<ConfigStore, 'read'>;
  /**
   * The run writes this profile (login, client register): it need not be saved yet, and the
   * environment's credentials do not make an identity of their own.
   */
  writing?: boolean;
  /** The server assigns the client ID (client register): none is taken from flags or CITI_CLIENT_ID. */
  newClient?: boolean;
  /** Defaults other than the general ones (client register: PSD2's country). */
  defaults?: { country?: string };
  ask?: ProfileQuestions;
  /**
   * Whether the keychain can be reached, asked only when it is merely the default and the
   * credentials come wholly from the environment: then, unreachable, tokens stay in memory.
   */
  keychainReachable?(profile: ResolvedProfile): Promise<boolean>;
}

export async function profileName(input: Pick<ResolveInput, 'profile' | 'env'> & { config: Pick<ConfigStore, 'read'> }): Promise<string> {
  return input.profile || input.env.CITI_PROFILE || (await input.config.read()).defaultProfile || DEFAULT_PROFILE;
}

/** The error for a profile name that is not saved: the saved ones, the default marked, and the nearest name. */
export function unknownProfile(name: string, config: ConfigFile): UsageError {
  const names = Object.keys(config.profiles).sort();
  const guess = closest(name, names);
  const list = names.map((n) => (n === config.defaultProfile ? `${n} (default)` : n)).join(', ');
  return new UsageError(
    `Unknown profile "${name}"${guess ? `; did you mean "${guess}"?` : ''}`,
    names.length
      ? `Profiles: ${list}. Create "${name}" with \`citi login --profile ${name}\`.`
      : `No profile is saved yet: run \`citi login${name === DEFAULT_PROFILE ? '' : ` --profile ${name}`}\`.`,
  );
}

/** Citi's environment a base URL is, by name, or `custom`. */
export function environmentOf(baseUrl: string): EnvironmentName | 'custom' {
  return (Object.keys(ENVIRONMENTS) as EnvironmentName[]).find((e) => ENVIRONMENTS[e] === baseUrl) ?? 'custom';
}

/** The base URL by the precedence --env or --base-url, CITI_BASE_URL, the saved profile; undefined when none says. */
function chosenBaseUrl(input: ResolveInput, saved: Profile | undefined): { baseUrl: string; environment?: Profile['environment'] } | undefined {
  if (input.environment && input.baseUrl) throw new UsageError('Give --env or --base-url, not both');
  if (input.environment) {
    if (!isEnvironmentName(input.environment)) {
      throw new UsageError(`Unknown environment "${input.environment}"`, `Use one of ${Object.keys(ENVIRONMENTS).join(', ')}, or --base-url URL`);
    }
    return { baseUrl: ENVIRONMENTS[input.environment], environment: input.environment };
  }
  const url = input.baseUrl || input.env.CITI_BASE_URL;
  if (url) return { baseUrl: url };
  if (saved?.baseUrl) return { baseUrl: saved.baseUrl, ...(saved.environment ? { environment: saved.environment } : {}) };
  return undefined;
}

/**
 * Resolves the profile of a run, once, with one precedence for every setting and every command:
 * flags, then CITI_* variables, then the saved profile, then what the terminal is asked (login),
 * then defaults. The store kind includes the keychain probe, so nothing changes it afterwards.
 */
export async function resolveProfile(input: ResolveInput): Promise<ResolvedProfile> {
  const { env } = input;
  // One read of the file for the name and the profile.
  const config = await input.config.read();
  const name = await profileName({ ...input, config: { read: async () => config } });
  const saved = config.profiles[name];
  const envId = input.newClient ? undefined : env.CITI_CLIENT_ID || undefined;
  const envSecret = input.writing ? undefined : env.CITI_CLIENT_SECRET || undefined;
  if (!input.writing && !saved && !envId) {
    const names = Object.keys(config.profiles);
    if (input.profile || env.CITI_PROFILE) throw unknownProfile(name, config);
    if (names.length) {
      throw new UsageError('No default profile is set', `Profiles: ${names.sort().join(', ')}. Choose one with \`citi profiles use NAME\`, or give --profile NAME.`);
    }
    throw new UsageError(
      'No profile is set up yet',
      `Run \`citi login${name === DEFAULT_PROFILE ? '' : ` --profile ${name}`}\`, or set CITI_CLIENT_ID and CITI_CLIENT_SECRET.`,
    );
  }
  if (!input.writing && saved && envId && envId !== saved.clientId && !envSecret) {
    // The saved secret belongs to the saved client ID, not to this one.
    throw new UsageError(`CITI_CLIENT_ID is set but CITI_CLIENT_SECRET is not`, `Set both, or neither to use profile "${name}" as saved.`);
  }
  const where = chosenBaseUrl(input, saved) ?? (await input.ask?.environment?.()) ?? { baseUrl: ENVIRONMENTS.sandbox };
  const baseUrl = validateBaseUrl(where.baseUrl ?? (where.environment && where.environment !== 'custom' ? ENVIRONMENTS[where.environment] : ENVIRONMENTS.sandbox));
  const environment = where.environment ?? environmentOf(baseUrl);
  // A flag is checked as given; so is a CITI_* value a run will save (login, client register),
  // before anything is sent, and named as the user wrote it.
  const checked = (value: string | undefined, check: (v: string) => string, always = input.writing) => (value && always ? check(value) : value);
  const country = (
    checked(input.country, checkCountry, true) ||
    checked(env.CITI_COUNTRY, checkCountry) ||
    saved?.country ||
    (await input.ask?.country?.()) ||
    input.defaults?.country ||
    DEFAULT_COUNTRY
  ).toLowerCase();
  const business = (checked(input.business, checkBusiness, true) || checked(env.CITI_BUSINESS, checkBusiness) || saved?.business || DEFAULT_BUSINESS).toLowerCase();
  const clientId = input.newClient
    ? ''
    : input.clientId || envId || saved?.clientId || (await input.ask?.clientId?.(isLoopbackHost(new URL(baseUrl).hostname))) || '';
  const chosenStore = chosenStoreKind(input.store, env, saved);
  const paths: EndpointPaths = { ...DEFAULT_PATHS };
  for (const [k, v] of Object.entries(saved?.paths ?? {})) if (isEndpointName(k) && v) paths[k] = v;
  const username = env.CITI_USERNAME || saved?.username;
  // The saved profile's identity, as it would resolve with nothing from the environment.
  const asSaved =
    input.writing ||
    (saved !== undefined &&
      identityOf({ baseUrl, clientId, country, business }) ===
        identityOf({ ...saved, baseUrl: saved.baseUrl || ENVIRONMENTS.sandbox }));
  const profile: ResolvedProfile = {
    name,
    baseUrl,
    environment,
    country,
    business,
    clientId,
    ...(asSaved ? {} : { envIdentity: true }),
    paths: Object.freeze(paths),
    scopes: Object.freeze([...(saved?.scopes ?? [])]),
    store: chosenStore ?? 'keychain',
    storeIsDefault: chosenStore === undefined,
    ...(envSecret ? { envSecret } : {}),
    fromEnv: !input.writing && !saved,
    ...(saved?.redirectUri ? { redirectUri: saved.redirectUri } : {}),
    ...(saved?.tls ? { tls: Object.freeze({ ...saved.tls }) } : {}),
    ...(saved?.customerSignIn ? { customerSignIn: saved.customerSignIn } : {}),
    ...(username ? { username } : {}),
  };
  // Credentials wholly from the environment need no keychain: when it was only the default and
  // cannot be reached, tokens are kept in memory for this run.
  const inMemory = profile.store === 'keychain' && profile.storeIsDefault && envSecret !== undefined && input.keychainReachable && !(await input.keychainReachable(profile));
  return Object.freeze(inMemory ? { ...profile, store: 'memory' as const } : profile);
}

/** A country code from a flag or the environment, lowercased; a usage error unless two letters. */
export function checkCountry(value: string): string {
  const country = value.trim().toLowerCase();
  if (!/^[a-z]{2}$/.test(country)) throw new UsageError(`--country must be a two-letter country code (got "${value}")`);
  return country;
}

/** A business code (e.g. gcb), lowercased; a usage error unless a short code. */
export function checkBusiness(value: string): string {
  const business = value.trim().toLowerCase();
  if (!/^[a-z0-9]{2,10}$/.test(business)) throw new UsageError(`--business must be a short code such as gcb (got "${value}")`);
  return business;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK.has(hostname) || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** Accepts https URLs, and plain http only on loopback (the emulator). Returns it without a trailing slash. */
export function validateBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`Invalid base URL "${value}"`, 'Use a full URL such as https://sandbox.apihub.citi.com/gcb/api');
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new UsageError(
      `Refusing plain http to ${url.hostname}: credentials would travel unencrypted`,
      'Use https://, or http://127.0.0.1 for the local emulator.',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`Unsupported URL scheme ${url.protocol} in base URL`);
  if (url.search || url.hash) throw new UsageError('The base URL must not carry a query or fragment');
  return url.toString().replace(/\/+$/, '');
}

/** A redirect URI for the three-legged flow: http on loopback with an explicit port, kept as given. */
export function validateRedirectUri(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`Invalid --redirect-uri "${value}"`, 'Use e.g. http://127.0.0.1:8765/callback');
  }
  if (url.protocol !== 'http:' || !isLoopbackHost(url.hostname)) {
    throw new UsageError('--redirect-uri must be an http://127.0.0.1 (or localhost) address: the callback server listens on this machine');
  }
  if (!url.port) throw new UsageError('--redirect-uri needs an explicit port, e.g. http://127.0.0.1:8765/callback');
  // Kept as given: the server compares it character for character with the registered one.
  return value;
}
