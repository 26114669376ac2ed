/**
 * Builds what commands depend on (IO, config, profile, stores, HTTP client, prompter), lazily and
 * once each. Tests and `citi demo` build their own with other streams, a temp config folder or a
 * memory store.
 */
import path from 'node:path';
import type { AuthContext } from './auth/context.js';
import { ConfigStore, profileName, resolveProfile, type ResolvedProfile, type StoreKind } from './config/profiles.js';
import { AuthError, rangeAsUsage, StoreUnavailableError, UsageError } from './errors.js';
import { parseWait } from './util/duration.js';
import { HttpClient, type TlsClientOptions } from './http/client.js';
import { FileStore } from './store/file-store.js';
import { KeychainStore } from './store/keychain-store.js';
import { accounts, MemoryStore, type SecretStore } from './store/secret-store.js';
import { tokenOwner, TokenStore, type TokenOwner } from './store/tokens.js';
import { canPrompt, type IO } from './ui/io.js';
import { progress, type Progress } from './ui/progress.js';
import { inquirerPrompter, type Prompter } from './ui/prompt.js';

export interface GlobalOptions {
  profile?: string;
  store?: string;
  verbose?: boolean;
  color?: boolean;
}

export interface FactoryOverrides {
  /** Use this secret store whatever the options say (demo, tests). */
  secrets?: SecretStore;
  prompter?: Prompter;
  now?: () => number;
  openBrowser?: (url: string) => Promise<void>;
}

export class Factory {
  readonly config: ConfigStore;
  private profilePromise?: Promise<ResolvedProfile>;
  private readonly stores = new Map<StoreKind, SecretStore>();
  /** The store each profile's secrets are in, decided once per run (it may probe the keychain). */
  private readonly profileStores = new Map<string, Promise<SecretStore>>();
  private progressUI?: Progress;

  constructor(
    readonly io: IO,
    readonly globals: GlobalOptions,
    readonly overrides: FactoryOverrides = {},
  ) {
    this.config = ConfigStore.forEnv(io.env);
  }

  now(): number {
    return this.overrides.now?.() ?? Date.now();
  }

  info(message: string): void {
    this.io.stderr.write(message + '\n');
  }

  trace(): ((line: string) => void) | undefined {
    return this.globals.verbose ? (line) => this.io.stderr.write(line + '\n') : undefined;
  }

  profile(): Promise<ResolvedProfile> {
    this.profilePromise ??= resolveProfile({
      ...(this.globals.profile ? { profile: this.globals.profile } : {}),
      ...(this.globals.store ? { store: this.globals.store } : {}),
      env: this.io.env,
      config: this.config,
    });
    return this.profilePromise;
  }

  /** The secret store of this kind (one instance per process). */
  secretStore(kind: StoreKind): SecretStore {
    if (this.overrides.secrets) return this.overrides.secrets;
    let store = this.stores.get(kind);
    if (!store) {
      const timeout = this.envWait('CITI_KEYCHAIN_TIMEOUT_MS') ?? 5000;
      store =
        kind === 'keychain'
          ? new KeychainStore(timeout)
          : kind === 'file'
            ? new FileStore(path.join(this.config.dir, 'secrets.json'), (m) => this.info(m), this.config.lockDir)
            : new MemoryStore();
      this.stores.set(kind, store);
    }
    return store;
  }

  /**
   * The store for a profile. Credentials taken wholly from the environment need no keychain: when
   * the keychain was only the default and cannot be reached, tokens are kept in memory for this run.
   */
  secretsFor(profile: ResolvedProfile): Promise<SecretStore> {
    let store = this.profileStores.get(profile.name);
    if (!store) {
      store = this.chooseSecrets(profile);
      this.profileStores.set(profile.name, store);
    }
    return store;
  }

  private async chooseSecrets(profile: ResolvedProfile): Promise<SecretStore> {
    const store = this.secretStore(profile.store);
    if (store.kind !== 'keychain' || !profile.envSecret || !profile.storeIsDefault) return store;
    try {
      await store.get(accounts.tokens(tokenOwner(profile).name));
      return store;
    } catch (err) {
      if (!(err instanceof StoreUnavailableError)) throw err;
      this.trace()?.(`* keychain unavailable; environment credentials in use, tokens kept in memory for this run`);
      profile.store = 'memory';
      return this.secretStore('memory');
    }
  }


  /** A wait in milliseconds from a *_MS variable; undefined when unset or empty. */
  private envWait(name: string): number | undefined {
    const value = this.io.env[name];
    if (value === undefined || value.trim() === '') return undefined;
    return rangeAsUsage(() => parseWait(value, name, { bare: 'ms' }), `Set ${name} to a number of milliseconds up to a day, e.g. ${name}=30000.`);
  }

  /** The name of the profile in use: --profile, CITI_PROFILE, the default profile, or "default". */
  profileName(): Promise<string> {
    return profileName({ ...(this.globals.profile ? { profile: this.globals.profile } : {}), env: this.io.env, config: this.config });
  }

  /** A token cache in the given store, locked across citi processes. */
  tokensIn(secrets: SecretStore, owner: TokenOwner): TokenStore {
    return new TokenStore(secrets, owner, this.config.lockDir);
  }

  /** The tokens of the profile's identity (see src/store/tokens.ts). */
  async tokens(profile?: ResolvedProfile): Promise<TokenStore> {
    const p = profile ?? (await this.profile());
    return this.tokensIn(await this.secretsFor(p), tokenOwner(p));
  }

  /** The HTTP client of a profile; its client certificate (mutual TLS) is loaded on the first request. */
  http(profile: ResolvedProfile, opts: { p12Passphrase?: string } = {}): HttpClient {
    const trace = this.trace();
    const timeoutMs = this.envWait('CITI_TIMEOUT_MS');
    const tls = profile.tls ? () => this.tlsMaterial(profile, opts.p12Passphrase) : undefined;
    return new HttpClient({
      baseUrl: profile.baseUrl,
      clientId: profile.clientId,
      notice: (line) => this.info(line),
      ...(trace ? { trace } : {}),
      ...(timeoutMs ? { timeoutMs } : {}),
      ...(tls ? { tls } : {}),
    });
  }

  private async tlsMaterial(profile: ResolvedProfile, given: string | undefined): Promise<TlsClientOptions> {
    const { loadClientTls } = await import('./http/tls-material.js');
    return loadClientTls(profile.tls ?? {}, (file) =>
      this.p12Passphrase(file, {
        ...(given !== undefined ? { given } : {}),
        stored: async () => (profile.fromEnv ? null : (await this.secretsFor(profile)).get(accounts.p12Passphrase(profile.name))),
      }),
    );
  }

  /**
   * A PKCS#12 passphrase: the one given (read from stdin by the command), CITI_P12_PASSPHRASE, the
   * store, else a masked prompt. With none of these and no terminal to ask on: a usage error (exit 2).
   */
  async p12Passphrase(file: string, opts: { given?: string; stored?: () => Promise<string | null> } = {}): Promise<string> {
    if (opts.given !== undefined) return opts.given;
    const fromEnv = this.io.env.CITI_P12_PASSPHRASE;
    if (fromEnv) return fromEnv;
    const stored = await opts.stored?.();
    if (stored) return stored;
    if (canPrompt(this.io)) return this.prompter().password(`Passphrase of ${path.basename(file)}`);
    throw new UsageError(
      `The PKCS#12 file ${file} needs a passphrase, and there is no terminal to ask for it`,
      'Set CITI_P12_PASSPHRASE, or keep it in the store with `citi login --p12 FILE --p12-passphrase-stdin < passphrase.txt`.',
    );
  }

  /** The client secret: CITI_CLIENT_SECRET, else the profile's entry in the store. */
  async clientSecret(profile: ResolvedProfile): Promise<string> {
    if (profile.envSecret) return profile.envSecret;
    if (profile.fromEnv) throw new UsageError('CITI_CLIENT_ID is set but CITI_CLIENT_SECRET is not');
    const secrets = await this.secretsFor(profile);
    const secret = await secrets.get(accounts.clientSecret(profile.name));
    if (!secret) {
      throw new AuthError(
        `No client secret stored for profile "${profile.name}" (${secrets.location})`,
        `Run \`citi login${profile.name === 'default' ? '' : ` --profile ${profile.name}`}\`, or set CITI_CLIENT_SECRET.`,
      );
    }
    return secret;
  }

  /**
   * The customer's credentials for the password grant: the user ID given (see customerUsername in
   * src/auth/password.ts), else a prompt; the password given (read from --password-stdin by the
   * command), else CITI_PASSWORD, else a masked prompt. Never from argv. Without a terminal to ask
   * on: a usage error (exit 2) rather than a wait.
   */
  async customerCredentials(username: string | undefined, password?: string): Promise<{ username: string; password: string }> {
    const env = this.io.env;
    const hint = 'Give --username (or CITI_USERNAME) and the password on --password-stdin or in CITI_PASSWORD.';
    let user = username || undefined;
    if (!user && canPrompt(this.io)) user = (await this.prompter().input('Customer user ID', { validate: (v) => (v.trim() ? true : 'Required') })).trim();
    if (!user) throw new UsageError('No customer user ID for the password grant, and no terminal to ask for it', hint);
    let secret = password ?? (env.CITI_PASSWORD || undefined);
    if (secret === undefined && canPrompt(this.io)) secret = await this.prompter().password(`Password of ${user}`, { validate: (v) => (v ? true : 'Required') });
    if (!secret) throw new UsageError(`No password for ${user}, and no terminal to ask for it`, hint);
    return { username: user, password: secret };
  }

  async authContext(): Promise<AuthContext> {
    const profile = await this.profile();
    return {
      profile,
      http: this.http(profile),
      tokens: await this.tokens(profile),
      clientSecret: () => this.clientSecret(profile),
      now: () => this.now(),
      interactive: canPrompt(this.io),
      progress: this.progress(),
      info: (m) => this.info(m),
      openBrowser: (url) => this.openBrowser(url),
      customerCredentials: (username) => this.customerCredentials(username),
    };
  }

  /** Spinners on a terminal; nothing otherwise. */
  progress(): Progress {
    this.progressUI ??= progress(this.io);
    return this.progressUI;
  }

  prompter(): Prompter {
    return this.overrides.prompter ?? inquirerPrompter(this.io);
  }

  /** Opens a URL in the user's browser (src/ui/browser.ts); an opener that fails later is noted on stderr. */
  async openBrowser(url: string): Promise<void> {
    if (this.overrides.openBrowser) return this.overrides.openBrowser(url);
    const { openBrowser } = await import('./ui/browser.js');
    return openBrowser(url, this.io.env, (m) => this.info(`  note: ${m}`));
  }
}
