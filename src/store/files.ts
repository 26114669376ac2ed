/**
 * This user's shared files (config.json, secrets.json, lock files): faults that name the path,
 * atomic writes that go through symlinks, and JSON files changed under a cross-process lock.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { withLock } from './lock.js';

/** Builds the error of a fault: a UsageError for config files (exit 2), a StoreUnavailableError for the store (exit 4). */
export type Fault = (message: string, hint?: string) => Error;

/**
 * Says in words what went wrong with a path, naming the path that is at fault: for "not a
 * directory" that is the first part of the path that is a file where a folder should be.
 */
export async function describeFsError(err: unknown, file: string): Promise<string> {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EISDIR':
      return `${file} is a folder, not a file`;
    case 'ENOTDIR':
    case 'EEXIST': {
      const blocker = await fileInTheWay(file);
      if (blocker) return `${blocker} is a file, not a folder`;
      return code === 'EEXIST' ? `${file} already exists and is not a folder` : `a part of ${file} is not a folder`;
    }
    case 'EACCES':
    case 'EPERM':
      return `no permission for ${file}`;
    case 'ELOOP':
      return `${file} is a loop of symbolic links`;
    case 'ENOENT':
      return `${file} does not exist`;
    case 'ENOSPC':
      return `no space left for ${file}`;
    case 'EROFS':
      return `${file} is on a read-only file system`;
    default:
      return `${file}: ${code ?? (err as Error).message}`;
  }
}

/** The first existing part of the path that is not a folder (the file's own folder included). */
async function fileInTheWay(file: string): Promise<string | undefined> {
  const parts: string[] = [];
  for (let p = path.resolve(file); ; p = path.dirname(p)) {
    parts.unshift(p);
    if (path.dirname(p) === p) break;
  }
  for (const p of parts) {
    try {
      if (!(await fs.stat(p)).isDirectory()) return p === path.resolve(file) ? undefined : p;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Creates a folder (and its parents) owner-only; faults name the path. */
export async function makeFolder(dir: string, fault: Fault, hint?: string): Promise<void> {
  try {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    if (!(await fs.stat(dir)).isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'EEXIST' });
  } catch (err) {
    throw fault(`Cannot create the folder ${dir}: ${await describeFsError(err, dir)}`, hint);
  }
}

/** Where a write to FILE lands: FILE, or the end of its chain of symbolic links (written through, never replaced). */
export async function writeTarget(file: string): Promise<string> {
  let current = file;
  for (let hops = 0; hops < 40; hops++) {
    let link: string;
    try {
      link = await fs.readlink(current);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EINVAL' || code === 'ENOENT') return current; // not a link, or nothing there yet
      throw err;
    }
    current = path.resolve(path.dirname(current), link);
  }
  throw Object.assign(new Error('too many symbolic links'), { code: 'ELOOP' });
}

/**
 * Replaces FILE's content atomically: a temporary file in the same folder (mode 0600), then a
 * rename over it. A symlinked FILE is written through to its target.
 */
export async function writeAtomic(file: string, text: string, mode = 0o600): Promise<void> {
  const target = await writeTarget(file);
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`);
  try {
    await fs.writeFile(tmp, text, { mode, flag: 'wx' });
    await fs.rename(tmp, target);
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
}

export interface JsonFileOptions<T> {
  /** What the file is, for messages: "config file", "secrets file". */
  what: string;
  /** The value when the file does not exist yet. */
  empty: () => T;
  /** The value, or why it is not valid (the reason never quotes the file: it may hold secrets). */
  check: (value: unknown) => T | { invalid: string };
  fault: Fault;
  /** The second line of every fault: what the user can do. */
  hint: string;
  /** The folder of the lock that guards changes, and the lock's name. */
  lockDir: string;
  lockName: string;
}

/** A JSON file shared by every citi process of this user: read it, or change it under a lock. */
export class JsonFile<T> {
  constructor(
    readonly file: string,
    private readonly opts: JsonFileOptions<T>,
  ) {}

  async read(): Promise<T> {
    const { what, fault, hint } = this.opts;
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return this.opts.empty();
      throw fault(`Cannot read the ${what} ${this.file}: ${await describeFsError(err, this.file)}`, hint);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not the parser's message: it quotes the file's text.
      throw fault(`The ${what} ${this.file} is not valid JSON`, hint);
    }
    const checked = this.opts.check(parsed);
    if (checked && typeof checked === 'object' && 'invalid' in checked) throw fault(`The ${what} ${this.file} is not valid: ${checked.invalid}`, hint);
    return checked as T;
  }

  /** Read, change and write back under the file's lock, so that no other process's change is lost. */
  async update<R>(change: (value: T) => R | Promise<R>): Promise<R> {
    const { what, fault, hint } = this.opts;
    const dir = path.dirname(this.file);
    await makeFolder(dir, fault, hint);
    return withLock(
      this.opts.lockDir,
      this.opts.lockName,
      async () => {
        const value = await this.read();
        const before = JSON.stringify(value);
        const result = await change(value);
        if (JSON.stringify(value) === before) return result; // nothing changed: nothing to write
        try {
          await writeAtomic(this.file, JSON.stringify(value, null, 2) + '\n');
        } catch (err) {
          throw fault(`Cannot write the ${what} ${this.file}: ${await describeFsError(err, this.file)}`, hint);
        }
        return result;
      },
    );
  }
}
