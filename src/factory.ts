/**
 * Wires what commands depend on (IO, config, the resolved profile, stores, HTTP client, prompter,
 * browser opener), lazily and once each. The rules live with their owners: the profile in
 * config/profiles.ts, the secrets in store/credentials.ts, the opener in ui/browser.ts. Tests and
 * `citi demo` build their own with other streams, a temp config folder or a memory store.
 */
import path from 'node:path';
import type { AuthContext } from './auth/context.js';
import { ConfigStore, profileName, resolveProfile, type Profile, type ResolvedProfile, type ResolveInput } from './config/profiles.js';
import { rangeAsUsage } from './errors.js';
import { parseWait } from './util/duration.js';
import { HttpClient, type TlsClientOptions } from './http/client.js';
import { clientSecretOf, customerCredentialsOf, p12PassphraseOf, type Ask } from './store/credentials.js';
import { FileStore } from './store/file-store.js';
import { chosenStoreKind, type StoreKind } from './store/kind.js';
import { KeychainStore } from './store/keychain-store.js';
import { accounts, answers, MemoryStore, type SecretStore } from './store/secret-store.js';
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

  /** The profile of this run, resolved once (config/profiles.ts), the keychain probe included. */
  profile(): Promise<ResolvedProfile> {
    this.profilePromise ??= this.resolve({});
    return this.profilePromise;
  }

  /**
   * A profile resolved with the run's --profile and --store and more flags: login and client
   * register write one, completion looks at another profile's cards.
   */
  resolve(more: Omit<ResolveInput, 'env' | 'config' | 'keychainReachable'>): Promise<ResolvedProfile> {
    return resolveProfile({
      ...(this.globals.profile ? { profile: this.globals.profile } : {}),
      ...(this.globals.store ? { store: this.globals.store } : {}),
      ...more,
      env: this.io.env,
      config: this.config,
      keychainReachable: (p) => this.keychainReachable(p),
    });
  }

  private async keychainReachable(profile: ResolvedProfile): Promise<boolean> {
    const store = this.secretStore('keychain');
    if (store.kind !== 'keychain' || (await answers(store, accounts.tokens(tokenOwner(profile).name)))) return true;
    this.trace()?.(`* keychain unavailable; environment credentials in use, tokens kept in memory for this run`);
    return false;
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

  /** The store a saved profile's secrets are in this run: --store, CITI_STORE, the profile's own, else the keychain. */
  storeOfSaved(saved?: Pick<Profile, 'store'>): SecretStore {
    return this.secretStore(chosenStoreKind(this.globals.store, this.io.env, saved) ?? 'keychain');
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
    return this.tokensIn(this.secretStore(p.store), tokenOwner(p));
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
        stored: async () => (profile.fromEnv ? null : this.secretStore(profile.store).get(accounts.p12Passphrase(profile.name))),
      }),
    );
  }

  /** A PKCS#12 passphrase by the rule of store/credentials.ts, asked on this run's terminal. */
  p12Passphrase(file: string, opts: { given?: string; stored?: () => Promise<string | null> } = {}): Promise<string> {
    return p12PassphraseOf(file, { ...opts, env: this.io.env, ask: this.ask() });
  }

  /** The customer's credentials for the password grant, by the rule of store/credentials.ts. */
  customerCredentials(username: string | undefined, password?: string): Promise<{ username: string; password: string }> {
    return customerCredentialsOf(username, password, { env: this.io.env, ask: this.ask() });
  }

  /** The prompter when a person is at a terminal to answer it. */
  private ask(): Ask | undefined {
    return canPrompt(this.io) ? this.prompter() : undefined;
  }

  async authContext(): Promise<AuthContext> {
    const profile = await this.profile();
    return {
      profile,
      http: this.http(profile),
      tokens: await this.tokens(profile),
      clientSecret: () => clientSecretOf(profile, async () => this.secretStore(profile.store)),
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

  /** The browser opener of src/ui/browser.ts (loaded on first use), or the one handed in. */
  async openBrowser(url: string): Promise<void> {
    if (this.overrides.openBrowser) return this.overrides.openBrowser(url);
    return (await import('./ui/browser.js')).openBrowserOn(this.io)(url);
  }
}
