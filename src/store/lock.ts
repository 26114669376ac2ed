/**
 * A lock shared by every citi process of this user: token refreshes and every read-modify-write of
 * config.json, secrets.json and a keychain entry run under one, and a rotated refresh token must
 * be used only once.
 *
 * The lock is a file holding "pid time start", where start is the holder's start time as the
 * kernel records it (Linux), and it appears whole or not at all (written aside, then hard-linked
 * into place). It is stale when its process is gone, when the pid now belongs to another process
 * (a different start time: the pid was reused), or when it holds no owner (an older writer killed
 * half-way, after a short grace): a live holder keeps it however long its HTTP and keychain calls
 * take. Stale locks are taken over one process at a time (see takeOverIfStale).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { StoreUnavailableError } from '../errors.js';
import { describeFsError, makeFolder, type Fault } from './files.js';

/** Beyond any real hold (HTTP timeout plus keychain timeouts): where a reused pid cannot be told apart otherwise. */
const MAX_HOLD_MS = 10 * 60_000;
/** Longer than any takeover (a read, a check of /proc, a removal): a break lock older than this was left behind. */
const BREAK_MAX_MS = 5000;
/** How long a lock file may stay empty while its creator writes its owner into it. */
const EMPTY_GRACE_MS = 2000;

export interface LockOptions {
  /** How long to wait for a live holder (default 90 s). */
  timeoutMs?: number;
}

/** A lock that cannot be taken is one fault whichever file it guards: the lock folder's, exit 4. */
const fault: Fault = (message, hint) => new StoreUnavailableError(message, hint);

export async function withLock<T>(dir: string, name: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const hint = `The lock folder ${dir} must be a folder this user can write.`;
  await makeFolder(dir, fault, hint);
  const file = path.join(dir, name.replace(/[^\w.-]/g, '_') + '.lock');
  const deadline = Date.now() + (opts.timeoutMs ?? 90_000);
  // A nonce last: two holds by one process in the same millisecond still tell their locks apart.
  const mine = `${process.pid} ${Date.now()} ${(await startTime(process.pid)) ?? '-'} ${crypto.randomUUID().slice(0, 8)}`;
  const draft = `${file}.${process.pid}.${crypto.randomUUID().slice(0, 8)}.new`;
  try {
    await fs.writeFile(draft, mine, { mode: 0o600 });
  } catch (err) {
    throw fault(`Cannot write the lock file ${draft}: ${await describeFsError(err, draft)}`, hint);
  }
  let delay = 10;
  try {
    for (;;) {
      try {
        await takeLock(draft, file, mine);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw fault(`Cannot take the lock ${file}: ${await describeFsError(err, file)}`, hint);
        if (await takeOverIfStale(file, mine)) continue;
        if (Date.now() > deadline) {
          const holder = (await readLock(file))?.pid;
          throw fault(`Timed out waiting for the lock ${file}${holder ? ` (held by process ${holder})` : ''}`, 'Delete it if no citi process is running.');
        }
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 100);
      }
    }
  } finally {
    await fs.rm(draft, { force: true });
  }
  try {
    return await fn();
  } finally {
    // Only our own lock: never one that replaced it.
    if ((await readLock(file))?.text === mine) await fs.rm(file, { force: true });
  }
}

/** Puts the lock in place whole; fails with EEXIST while another process holds it. */
async function takeLock(draft: string, file: string, mine: string): Promise<void> {
  try {
    await fs.link(draft, file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // A file system without hard links: an exclusive create, then the owner written.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw err;
    await fs.writeFile(file, mine, { flag: 'wx', mode: 0o600 });
  }
}

/**
 * Removes the lock file when it is stale. Takeovers are serialised by a break lock beside it
 * (`<lock>.break`, created exclusively): only its holder removes the lock, and only after reading
 * it again and finding it still stale. Nobody else can replace a lock that exists, so the lock it
 * removes is the one it judged. False when the lock is live, or another process is taking it over.
 */
async function takeOverIfStale(file: string, mine: string): Promise<boolean> {
  const seen = await readLock(file);
  if (!seen || !(await isStale(seen))) return false;
  const breaker = `${file}.break`;
  if (!(await takeBreakLock(breaker, mine))) return false;
  try {
    const now = await readLock(file);
    if (now && (await isStale(now))) await fs.rm(file, { force: true });
    return true; // gone, removed, or live again: try to take it (or wait)
  } finally {
    if ((await readLock(breaker))?.text === mine) await fs.rm(breaker, { force: true });
  }
}

/**
 * The break lock: an exclusive create. One left behind is stale when its holder is gone or it is
 * older than a takeover ever takes (a few file operations); an empty one only after a short age.
 */
async function takeBreakLock(breaker: string, mine: string): Promise<boolean> {
  try {
    await fs.writeFile(breaker, mine, { flag: 'wx', mode: 0o600 });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const other = await readLock(breaker);
  // Left behind by a process that died mid-takeover: removed, and the next round competes for it again.
  if (other && (await isStale(other, { maxAgeMs: BREAK_MAX_MS }))) await fs.rm(breaker, { force: true });
  return false; // try again on the next round
}

interface LockInfo {
  text: string;
  /** When the file was last written (for a file with no owner written yet). */
  mtimeMs: number;
  pid?: number;
  at?: number;
  start?: string;
}

async function readLock(file: string): Promise<LockInfo | undefined> {
  let text: string;
  let mtimeMs: number;
  try {
    const handle = await fs.open(file, 'r');
    try {
      mtimeMs = (await handle.stat()).mtimeMs;
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return undefined; // just released: try again
  }
  const [pid, at, start] = text.trim().split(' ');
  const info: LockInfo = { text, mtimeMs };
  if (Number(pid) > 0) info.pid = Number(pid);
  if (Number(at) > 0) info.at = Number(at);
  if (start && start !== '-') info.start = start;
  return info;
}

async function isStale(lock: LockInfo, opts: { maxAgeMs?: number } = {}): Promise<boolean> {
  // No owner written: a writer killed half-way, or one that has just created the file (an
  // exclusive create where there are no hard links, a break lock): stale only after a short age.
  if (!lock.pid || !lock.at) return Date.now() - lock.mtimeMs > EMPTY_GRACE_MS;
  // A break lock is held for a few file operations: one older than that was left behind.
  if (opts.maxAgeMs !== undefined && Date.now() - lock.at > opts.maxAgeMs) return true;
  try {
    process.kill(lock.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return true;
  }
  const now = await startTime(lock.pid);
  // The pid is alive: the holder only if it is the same process (same start time).
  if (lock.start && now) return now !== lock.start;
  return Date.now() - lock.at > MAX_HOLD_MS;
}

/** A process's start time in clock ticks since boot (Linux), which tells a reused pid from the one that took the lock. */
async function startTime(pid: number): Promise<string | undefined> {
  if (process.platform !== 'linux') return undefined;
  try {
    const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces; starttime is field 22.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}
