/**
 * Secrets in a plaintext JSON file (0600, in a 0700 folder). Only used when the user asks for it
 * (`--store file` or CITI_STORE=file); a warning says so every time it is used. Every change is
 * read-modify-write under a lock shared by all citi processes, written by atomic rename.
 */
import { StoreUnavailableError } from '../errors.js';
import { JsonFile } from './files.js';
import type { SecretStore } from './secret-store.js';

type Secrets = Record<string, string>;

export class FileStore implements SecretStore {
  readonly kind = 'file' as const;
  readonly location: string;
  private warned = false;
  private readonly json: JsonFile<Secrets>;

  constructor(
    private readonly file: string,
    private readonly warn: (message: string) => void,
    /** The lock folder of this user's files (config/paths.ts lockDir). */
    lockDir: string,
  ) {
    this.location = `plaintext file ${file}`;
    this.json = new JsonFile<Secrets>(file, {
      what: 'secrets file',
      empty: () => ({}),
      check: (v) =>
        v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string')
          ? (v as Secrets)
          : { invalid: 'it must be a JSON object of strings' },
      fault: (message, hint) => new StoreUnavailableError(message, hint),
      hint: 'Repair or move it, then run `citi login` again; or use the OS keychain (--store keychain).',
      lockDir,
      lockName: 'secrets-file',
    });
  }

  async get(account: string): Promise<string | null> {
    this.warnOnce();
    return (await this.json.read())[account] ?? null;
  }

  async set(account: string, value: string): Promise<void> {
    this.warnOnce();
    await this.json.update((all) => void (all[account] = value));
  }

  async delete(account: string): Promise<boolean> {
    this.warnOnce();
    return this.json.update((all) => {
      if (!(account in all)) return false;
      delete all[account];
      return true;
    });
  }

  async list(): Promise<string[]> {
    this.warnOnce();
    return Object.keys(await this.json.read());
  }

  private warnOnce(): void {
    if (this.warned) return;
    this.warned = true;
    this.warn(`warning: secrets are kept in plaintext at ${this.file} (--store file)`);
  }
}
