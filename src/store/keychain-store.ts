/**
 * Secrets in the OS keychain through @napi-rs/keyring. On Linux the entry is pinned to the
 * Secret Service: the library's default would fall back silently to the kernel keyring, which
 * forgets everything at logout. Every call has a timeout, and every failure says what to do.
 */
import { StoreUnavailableError } from '../errors.js';
import { KEYCHAIN_SERVICE, type SecretStore } from './secret-store.js';

type KeyringModule = typeof import('@napi-rs/keyring');

export const KEYCHAIN_HINT =
  'Start a Secret Service (e.g. gnome-keyring) and unlock it, or choose another way out: ' +
  '`--store file` (a 0600 plaintext file, your explicit choice) or CITI_CLIENT_ID and CITI_CLIENT_SECRET in the environment.';

export class KeychainStore implements SecretStore {
  readonly kind = 'keychain' as const;
  readonly location: string;
  private keyring?: Promise<KeyringModule>;

  constructor(
    private readonly timeoutMs = 5000,
    private readonly service = KEYCHAIN_SERVICE,
  ) {
    this.location = `OS keychain (service "${service}"${process.platform === 'linux' ? ', Secret Service' : ''})`;
  }

  async get(account: string): Promise<string | null> {
    return this.call('read', account, (entry, signal) => entry.getPassword(signal));
  }

  async set(account: string, value: string): Promise<void> {
    await this.call('write', account, (entry, signal) => entry.setPassword(value, signal));
  }

  async delete(account: string): Promise<boolean> {
    return this.call('delete', account, (entry, signal) => entry.deleteCredential(signal));
  }

  private async call<T>(
    verb: string,
    account: string,
    op: (entry: InstanceType<KeyringModule['AsyncEntry']>, signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new StoreUnavailableError(`The OS keychain did not answer within ${this.timeoutMs} ms (${verb})`, KEYCHAIN_HINT));
      }, this.timeoutMs);
    });
    try {
      const work = (async () => {
        this.keyring ??= import('@napi-rs/keyring');
        const { AsyncEntry } = await this.keyring;
        const entry = new AsyncEntry(this.service, account, { linux: { store: 'secret-service' } });
        return op(entry, controller.signal);
      })();
      return await Promise.race([work, timeout]);
    } catch (err) {
      if (err instanceof StoreUnavailableError) throw err;
      throw new StoreUnavailableError(`The OS keychain is unavailable (${verb}): ${describe(err)}`, KEYCHAIN_HINT);
    } finally {
      clearTimeout(timer);
    }
  }
}

function describe(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  // The library's messages are long and nest causes; the first sentence names the cause.
  return text.split('\n')[0]!.replace(/^Platform failure: /, '').slice(0, 200);
}
