/**
 * Secrets in the OS keychain through @napi-rs/keyring. On Linux the entry is pinned to the
 * Secret Service: the library's default would fall back silently to the kernel keyring, which
 * forgets everything at logout. Every call has a timeout, and every failure says what to do.
 *
 * The timeout bounds each call's wait for an answer (an unlock prompt included). Creating an entry
 * connects to the Secret Service synchronously on this thread, so a Secret Service that accepts no
 * calls at all is given up after the library's own D-Bus timeout (a few seconds) instead.
 *
 * A locked Secret Service collection hides its items without an error: the library answers "no
 * such entry" for an entry that is not there or cannot be seen, and fails only when it must
 * unlock an item it found ("unlock prompt was dismissed" when nobody can answer the prompt). So
 * an empty answer is trusted only once a write has worked in this process.
 */
import { createRequire } from 'node:module';
import { StoreUnavailableError } from '../errors.js';
import { KEYCHAIN_SERVICE, type SecretStore } from './secret-store.js';

type KeyringModule = typeof import('@napi-rs/keyring');

export const KEYCHAIN_HINT =
  'Unlock the keyring (log in to the desktop session, or start gnome-keyring-daemon with --unlock), or choose another way out: ' +
  '`--store file` or CITI_STORE=file (a 0600 plaintext file, your explicit choice), or CITI_CLIENT_ID and CITI_CLIENT_SECRET in the environment.';

export class KeychainStore implements SecretStore {
  readonly kind = 'keychain' as const;
  readonly location: string;
  private keyring?: KeyringModule;
  /** Set once a write has worked: from then on an empty answer means empty, not locked. */
  private writable?: Promise<void>;

  constructor(
    private readonly timeoutMs = 5000,
    private readonly service = KEYCHAIN_SERVICE,
  ) {
    this.location = `OS keychain (service "${service}"${process.platform === 'linux' ? ', Secret Service' : ''})`;
  }

  async get(account: string): Promise<string | null> {
    const value = await this.call('read', account, (entry, signal) => entry.getPassword(signal));
    if (value === null) await this.checkWritable();
    return value;
  }

  async set(account: string, value: string): Promise<void> {
    await this.call('write', account, (entry, signal) => entry.setPassword(value, signal));
    this.writable ??= Promise.resolve();
  }

  async delete(account: string): Promise<boolean> {
    const deleted = await this.call('delete', account, (entry, signal) => entry.deleteCredential(signal));
    if (!deleted) await this.checkWritable();
    return deleted;
  }

  /**
   * Tells an empty keychain from a locked one (or one with no default collection): writes and
   * deletes an entry of this process's own. Linux only: elsewhere a locked keychain fails reads.
   */
  private checkWritable(): Promise<void> {
    if (process.platform !== 'linux') return Promise.resolve();
    this.writable ??= (async () => {
      const probe = `probe/${process.pid}-${crypto.randomUUID()}`;
      await this.call('write', probe, (entry, signal) => entry.setPassword('probe', signal));
      await this.call('delete', probe, (entry, signal) => entry.deleteCredential(signal));
    })();
    return this.writable;
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
        // require(), not import(): the package is CommonJS, and importing it from ESM first scans
        // its source for exports, which costs every keychain run milliseconds.
        this.keyring ??= createRequire(import.meta.url)('@napi-rs/keyring') as KeyringModule;
        const { AsyncEntry } = this.keyring;
        const entry = new AsyncEntry(this.service, account, { linux: { store: 'secret-service' } });
        return op(entry, controller.signal);
      })();
      return await Promise.race([work, timeout]);
    } catch (err) {
      if (err instanceof StoreUnavailableError) throw err;
      throw new StoreUnavailableError(`${whatIsWrong(err)} (${verb}): ${describe(err)}`, KEYCHAIN_HINT);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The library reports every Secret Service failure as a "platform failure"; its text tells them apart. */
function whatIsWrong(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  if (/unlock prompt|is locked|locked collection/i.test(text)) return 'The OS keychain is locked';
  if (/no result found/i.test(text)) return 'The OS keychain is locked or has no default keyring';
  if (/org\.freedesktop\.secrets|ServiceUnknown|not provided by any/i.test(text)) return 'The OS keychain is unavailable: no Secret Service on the session bus';
  return 'The OS keychain is unavailable';
}

function describe(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  // The library's messages are long and nest causes; the first sentence names the cause.
  return text.split('\n')[0]!.replace(/^Platform failure: /, '').slice(0, 200);
}
