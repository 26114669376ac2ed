/**
 * A lock shared by every citi process of this user: token refreshes and token writes are
 * read-modify-write on one keychain entry, and a rotated refresh token must be used only once.
 */
import fs from 'node:fs/promises';
import path from 'node:path';

const STALE_MS = 30_000;

export async function withLock<T>(dir: string, name: string, fn: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
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
      if (await isStale(file)) {
        await fs.rm(file, { force: true });
        continue;
      }
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

async function isStale(file: string): Promise<boolean> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return false; // just released, or being written: try again
  }
  const [pid, at] = text.split(' ').map(Number);
  if (!pid || !at) return false;
  if (Date.now() - at > STALE_MS) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
