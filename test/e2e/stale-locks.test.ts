/**
 * Lock files left behind do not stall a command: one whose pid now belongs to a live process that
 * is not its holder (a reused pid), and an empty one left by a process killed while creating it.
 * Real processes hold the pids; the built binary runs `citi token`, which takes the token lock.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { onCleanup, spawnCli, tempConfigHome, testEnv } from '../helpers/cli.js';
import { sandboxProcess } from '../helpers/sandbox.js';

/** Well under the wait for a live holder (90 s) and the old wait for an empty lock (10 s). */
const PROMPTLY_MS = 8000;

async function setup() {
  const home = await tempConfigHome();
  const sb = await sandboxProcess([], testEnv(home));
  const env = testEnv(home, { CITI_STORE: 'file' });
  const login = await spawnCli(['login', '--base-url', sb.url, '--client-id', sb.clientId, '--client-secret-stdin', '--no-verify'], { env, stdin: sb.clientSecret });
  expect(login.code, login.stderr).toBe(0);
  const locks = path.join(home, 'citi-sandbox', 'locks');
  await fs.mkdir(locks, { recursive: true });
  return { env, lockFile: path.join(locks, 'tokens-default.lock') };
}

/** A live process of this test that has nothing to do with citi: `sleep`. */
function liveStranger(): number {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  onCleanup(() => void child.kill('SIGKILL'));
  return child.pid!;
}

/** The kernel's start time of a process (field 22 of /proc/PID/stat). */
async function startTime(pid: number): Promise<string> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
}

describe.skipIf(process.platform !== 'linux')('stale lock files', () => {
  it('a lock whose pid is now a live process that is not its holder (a reused pid) does not stall citi token', async () => {
    const { env, lockFile } = await setup();
    const stranger = liveStranger();
    // What a citi process killed while holding the lock left, its pid since taken by `sleep`:
    // the start time recorded is the holder's, not the stranger's.
    const holderStart = String(Number(await startTime(stranger)) - 1000);
    await fs.writeFile(lockFile, `${stranger} ${Date.now()} ${holderStart}`);
    const res = await spawnCli(['token'], { env, timeoutMs: PROMPTLY_MS });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout.trim()).toMatch(/^AAIk/);
    await expect(fs.access(lockFile)).rejects.toThrow();
  });

  it('a lock held by a live citi process is waited for, and taken once it is released', async () => {
    const { env, lockFile } = await setup();
    // A real holder: this test's own process, with its real start time.
    await fs.writeFile(lockFile, `${process.pid} ${Date.now()} ${await startTime(process.pid)}`);
    const waiting = spawnCli(['token'], { env, timeoutMs: 30_000 });
    await new Promise((r) => setTimeout(r, 1500));
    await fs.access(lockFile); // still ours: not taken over
    await fs.rm(lockFile);
    const res = await waiting;
    expect(res.code, res.stderr).toBe(0);
  });

  it('an empty lock file left by a process killed while creating it does not stall citi token', async () => {
    const { env, lockFile } = await setup();
    const killed = spawn(process.execPath, ['-e', `require('fs').openSync(${JSON.stringify(lockFile)}, 'wx'); process.kill(process.pid, 'SIGKILL')`]);
    await new Promise((r) => killed.once('exit', r));
    expect(await fs.readFile(lockFile, 'utf8')).toBe('');
    const res = await spawnCli(['token'], { env, timeoutMs: PROMPTLY_MS });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout.trim()).toMatch(/^AAIk/);
  });
});
