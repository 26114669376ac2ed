/**
 * Secrets in a plaintext JSON file (0600, in a 0700 folder). Only used when the user asks for it
 * (`--store file` or CITI_STORE=file); a warning says so every time it is used.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { StoreUnavailableError } from '../errors.js';
import type { SecretStore } from './secret-store.js';

export class FileStore implements SecretStore {
  readonly kind = 'file' as const;
  readonly location: string;
  private warned = false;

  constructor(
    private readonly file: string,
    private readonly warn: (message: string) => void,
  ) {
    this.location = `plaintext file ${file}`;
  }

  async get(account: string): Promise<string | null> {
    return (await this.read())[account] ?? null;
  }

  async set(account: string, value: string): Promise<void> {
    const all = await this.read();
    all[account] = value;
    await this.write(all);
  }

  async delete(account: string): Promise<boolean> {
    const all = await this.read();
    if (!(account in all)) return false;
    delete all[account];
    await this.write(all);
    return true;
  }

  private async read(): Promise<Record<string, string>> {
    this.warnOnce();
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw err;
    }
    try {
      return JSON.parse(text) as Record<string, string>;
    } catch {
      // Not the parser's message: it quotes the file's text, which holds secrets.
      throw new StoreUnavailableError(`The secrets file ${this.file} is not valid JSON`, 'Repair it, or delete it and run `citi login` again.');
    }
  }

  private async write(all: Record<string, string>): Promise<void> {
    const dir = path.dirname(this.file);
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, JSON.stringify(all, null, 2) + '\n', { mode: 0o600 });
    await fs.rename(tmp, this.file);
  }

  private warnOnce(): void {
    if (this.warned) return;
    this.warned = true;
    this.warn(`warning: secrets are kept in plaintext at ${this.file} (--store file)`);
  }
}
