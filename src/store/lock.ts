/**
 * A lock shared by every citi process of this user: token refreshes and every read-modify-write of
 * config.json, secrets.json and a keychain entry run under one, and a rotated refresh token must
 * be used only once.
 *
 * The lock is a file holding "pid time start", where start is the holder's start time as the
 * kernel records it (Linux), and it appears whole or not at all (written aside, then hard-linked
 * into place). It is stale when its process is gone, when the pid now belongs to another process
 * (a different start time: the pid was reused), or when it holds no owner (an older writer killed
 * half-way): a live holder keeps it however long its HTTP and keychain calls take.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { describeFsError, makeFolder, type Fault } from './files.js';

/** Beyond any real hold (HTTP timeout plus keychain timeouts): where a reused pid cannot be told apart otherwise. */
const MAX_HOLD_MS = 10 * 60_000;

export interface LockOptions {
  /** How long to wait for a live holder (default 90 s). */
  timeoutMs?: number;
  /** Builds the error for a lock that cannot be taken (the caller knows its exit code). */
  fault?: Fault;
}

const plainFault: Fault = (message, hint) => new Error(hint ? `${message}\n  ${hint}` : message);

export async function withLock<T>(dir: string, name: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const fault = opts.fault ?? plainFault;
  const hint = `The lock folder ${dir} must be a folder this user can write.`;
  await makeFolder(dir, fault, hint);
  const file = path.join(dir, name.replace(/[^\w.-]/g, '_') + '.lock');
  const deadline = Date.now() + (opts.timeoutMs ?? 90_000);
  const mine = `${process.pid} ${Date.now()} ${(await startTime(process.pid)) ?? '-'}`;
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
        if (await takeOverIfStale(file)) continue;
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
 * Removes the lock file when it is stale. The file is first renamed aside and checked again, so a
 * fresh lock that another process created in the meantime is put back instead of removed.
 */
async function takeOverIfStale(file: string): Promise<boolean> {
  const seen = await readLock(file);
  if (!seen || !(await isStale(seen))) return false;
  const aside = `${file}.${process.pid}.${crypto.randomUUID()}.stale`;
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
  start?: string;
}

async function readLock(file: string): Promise<LockInfo | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return undefined; // just released: try again
  }
  const [pid, at, start] = text.trim().split(' ');
  const info: LockInfo = { text };
  if (Number(pid) > 0) info.pid = Number(pid);
  if (Number(at) > 0) info.at = Number(at);
  if (start && start !== '-') info.start = start;
  return info;
}

async function isStale(lock: LockInfo): Promise<boolean> {
  // No owner written: never one of ours (ours appear whole), so an older writer that was killed.
  if (!lock.pid || !lock.at) return true;
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
