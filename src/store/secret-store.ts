/** One interface for wherever secrets live: the OS keychain, an opt-in 0600 file, or memory. */
import { StoreUnavailableError } from '../errors.js';
import type { StoreKind } from './kind.js';

export interface SecretStore {
  readonly kind: StoreKind;
  /** Where the secrets are, for `citi status` and messages (never the secrets). */
  readonly location: string;
  get(account: string): Promise<string | null>;
  set(account: string, value: string): Promise<void>;
  /** True when something was deleted. */
  delete(account: string): Promise<boolean>;
  /** Every account in the store, where the store can list them (the keychain cannot: see tokens.ts). */
  list?(): Promise<string[]>;
}

/** A store's location inside a sentence: "in the OS keychain (…)", "in memory (this process only)". */
export function inStore(store: Pick<SecretStore, 'kind' | 'location'>): string {
  return store.kind === 'memory' ? `in ${store.location}` : `in the ${store.location}`;
}

/** Whether a store answers a read: false when it is unavailable (a locked or absent keychain); other faults are thrown. */
export async function answers(store: SecretStore, account: string): Promise<boolean> {
  try {
    await store.get(account);
    return true;
  } catch (err) {
    if (err instanceof StoreUnavailableError) return false;
    throw err;
  }
}

/** The keychain service every entry of this tool is filed under. */
export const KEYCHAIN_SERVICE = 'citi-sandbox';

export const accounts = {
  clientSecret: (profile: string) => `${profile}/client-secret`,
  tokens: (profile: string) => `${profile}/tokens`,
  /** A PKCS#12 passphrase, when the user asked to keep it. */
  p12Passphrase: (profile: string) => `${profile}/p12-passphrase`,
  /** The names of the environment identities that have tokens stored (see tokens.ts). */
  envIndex: '@env/index',
};

export class MemoryStore implements SecretStore {
  readonly kind = 'memory' as const;
  readonly location = 'memory (this process only)';
  private readonly map = new Map<string, string>();

  async get(account: string): Promise<string | null> {
    return this.map.get(account) ?? null;
  }
  async set(account: string, value: string): Promise<void> {
    this.map.set(account, value);
  }
  async delete(account: string): Promise<boolean> {
    return this.map.delete(account);
  }
  async list(): Promise<string[]> {
    return [...this.map.keys()];
  }
}
