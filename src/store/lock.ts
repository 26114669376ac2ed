/**
 * A lock shared by every citi process of this user: token refreshes and token writes are
 * read-modify-write on one keychain entry, and a rotated refresh token must be used only once.
 *
 * The lock is a file created with O_EXCL holding "pid time". It is stale only when its process is
 * gone (or, for a file whose writer died before writing, when it is old): a live holder keeps it
 * however long its HTTP and keychain calls take.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/** A lock file with no owner written into it is abandoned after this long. */
const UNWRITTEN_STALE_MS = 10_000;
/** Beyond any real hold (HTTP timeout plus keychain timeouts): guards against a reused pid. */
const MAX_HOLD_MS = 10 * 60_000;

export async function withLock<T>(dir: string, name: string, fn: () => Promise<T>, timeoutMs = 90_000): Promise<T> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, name.replace(/[^\w.-]/g, '_') + '.lock');
  const deadline = Date.now() + timeoutMs;
  let delay = 10;
  for (;;) {
    try {
      const handle = await fs.open(file, 'wx', 0o600);
      await handle.writeFile(`${process.pid} ${Date.now()}`);
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (await takeOverIfStale(file)) continue;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for the lock ${file}; delete it if no citi process is running`);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 100);
    }
  }
  try {
    return await fn();
  } finally {
    await fs.rm(file, { force: true });
  }
}

/**
 * Removes the lock file when it is stale. The file is first renamed aside and checked again, so a
 * fresh lock that another process created in the meantime is put back instead of removed.
 */
async function takeOverIfStale(file: string): Promise<boolean> {
  const seen = await readLock(file);
  if (!seen || !isStale(seen)) return false;
  const aside = `${file}.${process.pid}.${randomUUID()}.stale`;
  try {
    await fs.rename(file, aside);
  } catch {
    return false; // gone already: try to take it again
  }
  const taken = await readLock(aside);
  if (taken && taken.text !== seen.text) {
    // Someone else's fresh lock: give it back (link fails if yet another lock appeared).
    await fs.link(aside, file).catch(() => undefined);
  }
  await fs.rm(aside, { force: true });
  return true;
}

interface LockInfo {
  text: string;
  pid?: number;
  at?: number;
  mtimeMs: number;
}

async function readLock(file: string): Promise<LockInfo | undefined> {
  try {
    const [text, stat] = await Promise.all([fs.readFile(file, 'utf8'), fs.stat(file)]);
    const [pid, at] = text.split(' ').map(Number);
    return { text, mtimeMs: stat.mtimeMs, ...(pid ? { pid } : {}), ...(at ? { at } : {}) };
  } catch {
    return undefined; // just released: try again
  }
}

function isStale(lock: LockInfo): boolean {
  if (!lock.pid || !lock.at) return Date.now() - lock.mtimeMs > UNWRITTEN_STALE_MS;
  if (Date.now() - lock.at > MAX_HOLD_MS) return true;
  try {
    process.kill(lock.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
