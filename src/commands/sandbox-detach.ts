/**
 * `citi sandbox start --detach` and `citi sandbox stop`: an emulator for scripts. The detached
 * emulator is `citi sandbox start --json --pid-file FILE` in its own session; it writes the pid
 * file once it listens and removes it when it stops. `stop` signals only a process whose command
 * line is that emulator's, so a stale pid file never kills someone else's process.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { configDir } from '../config/paths.js';
import { CliError, EXIT, UsageError } from '../errors.js';
import type { StreamDeps } from './shared.js';
import type { SandboxStartOptions } from './sandbox.js';

export interface PidFile {
  pid: number;
  url: string;
  startedAt: string;
}

/** Where the detached emulator's pid file and log go unless --pid-file says otherwise. */
export function defaultPidFile(env: NodeJS.ProcessEnv): string {
  return path.join(configDir(env), 'sandbox.pid');
}

export async function writePidFile(file: string, url: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const content: PidFile = { pid: process.pid, url, startedAt: new Date().toISOString() };
  await fs.writeFile(file, JSON.stringify(content) + '\n', { mode: 0o600 });
}

/** Removes the pid file if it is still this process's (a newer emulator may have taken the name). */
export async function removePidFile(file: string): Promise<void> {
  const current = await readPidFile(file).catch(() => undefined);
  if (current?.pid === process.pid) await fs.rm(file, { force: true });
}

async function readPidFile(file: string): Promise<PidFile | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const parsed = JSON.parse(text) as Partial<PidFile>;
  if (!Number.isInteger(parsed.pid) || (parsed.pid ?? 0) <= 0) throw new UsageError(`The pid file ${file} is damaged`, 'Remove it, then try again.');
  return parsed as PidFile;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The command line of a process, or undefined when it cannot be read. */
async function commandLine(pid: number): Promise<string | undefined> {
  if (process.platform === 'linux') {
    return fs.readFile(`/proc/${pid}/cmdline`, 'utf8').then((s) => s.split('\0').join(' ').trim(), () => undefined);
  }
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) => execFile('ps', ['-o', 'args=', '-p', String(pid)], (err, out) => resolve(err ? undefined : out.trim())));
}

/** True when the process is an emulator started with this pid file (given relative to its own folder, perhaps). */
async function isOurEmulator(pid: number, file: string): Promise<boolean> {
  const cmd = await commandLine(pid);
  return Boolean(cmd && / sandbox start /.test(` ${cmd} `) && new RegExp(`--pid-file .*${escapeRegExp(path.basename(file))}`).test(cmd));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The running emulator recorded in the pid file, after removing a stale file; refuses a pid that is not ours. */
async function runningEmulator(file: string): Promise<PidFile | undefined> {
  const recorded = await readPidFile(file);
  if (!recorded) return undefined;
  if (!alive(recorded.pid)) {
    await fs.rm(file, { force: true });
    return undefined;
  }
  if (!(await isOurEmulator(recorded.pid, file))) {
    throw new CliError(
      `Process ${recorded.pid} named in ${file} is not a citi emulator; leaving it alone`,
      EXIT.usage,
      'The pid file is stale (its emulator is gone and the pid was reused): remove it.',
    );
  }
  return recorded;
}

/** `K=V` with V quoted for a POSIX shell only when it needs to be. */
export function shellAssignment(name: string, value: string): string {
  return `${name}=${/^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`}`;
}

/** The flags the detached emulator is started with: those given (read off the command's own options), minus --detach. */
function forwardedFlags(cmd: Command, opts: SandboxStartOptions): string[] {
  const flags: string[] = [];
  const given = opts as Record<string, unknown>;
  for (const option of cmd.options) {
    const key = option.attributeName();
    const value = given[key];
    if (['detach', 'json', 'pidFile'].includes(key) || value === undefined || value === false || !option.long) continue;
    if (value === true) flags.push(option.long);
    else for (const v of Array.isArray(value) ? value : [value]) flags.push(option.long, String(v));
  }
  return flags;
}

export async function runSandboxDetach(f: StreamDeps, opts: SandboxStartOptions, cmd: Command): Promise<void> {
  const file = path.resolve(opts.pidFile ?? defaultPidFile(f.io.env));
  const running = await runningEmulator(file);
  if (running) {
    throw new UsageError(
      `An emulator is already running at ${running.url} (pid ${running.pid})`,
      `Stop it with \`citi sandbox stop\`${opts.pidFile ? ` --pid-file ${opts.pidFile}` : ''}, or start another with --pid-file FILE.`,
    );
  }
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const logFile = file.replace(/(\.pid)?$/, '.log');
  const log = await fs.open(logFile, 'a', 0o600);
  const script = process.argv[1]!;
  const child = spawn(process.execPath, [script, 'sandbox', 'start', '--json', '--pid-file', file, ...forwardedFlags(cmd, opts)], {
    detached: true,
    stdio: ['ignore', 'pipe', log.fd],
    env: f.io.env,
  });
  await log.close();
  const ready = await new Promise<{ url: string; clientId: string; clientSecret: string; caFile?: string }>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new CliError(`The emulator did not start within 30s; its log: ${logFile}`, EXIT.api));
    }, 30_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(JSON.parse(line));
    });
    child.once('exit', async (code) => {
      clearTimeout(timer);
      const tail = (await fs.readFile(logFile, 'utf8').catch(() => '')).trim().split('\n').slice(-3).join('\n  ');
      reject(new CliError(`The emulator exited (${code}) before it was ready${tail ? `:\n  ${tail}` : ''}`, code === EXIT.usage ? EXIT.usage : EXIT.api));
    });
  });
  // The emulator writes the pid file right after its JSON line; wait for it so `stop` can follow at once.
  for (let i = 0; i < 100 && (await readPidFile(file).catch(() => undefined))?.pid !== child.pid; i++) await new Promise((r) => setTimeout(r, 20));
  child.stdout!.destroy();
  child.removeAllListeners('exit');
  child.unref();

  if (opts.json) {
    f.io.stdout.write(JSON.stringify({ ...ready, pid: child.pid, pidFile: file, logFile }) + '\n');
  } else {
    const vars = { CITI_BASE_URL: ready.url, CITI_CLIENT_ID: ready.clientId, CITI_CLIENT_SECRET: ready.clientSecret };
    for (const [k, v] of Object.entries(vars)) f.io.stdout.write(shellAssignment(k, v) + '\n');
    f.io.stdout.write(`export ${Object.keys(vars).join(' ')}\n`);
  }
  f.info(`Emulator running at ${ready.url} (pid ${child.pid}); log: ${logFile}`);
  if (ready.caFile) f.info(`  HTTPS: trust ${ready.caFile} (NODE_EXTRA_CA_CERTS or --ca)`);
  f.info(`  stop it with: citi sandbox stop${opts.pidFile ? ` --pid-file ${opts.pidFile}` : ''}`);
}

export async function runSandboxStop(f: StreamDeps, opts: { pidFile?: string }): Promise<void> {
  const file = path.resolve(opts.pidFile ?? defaultPidFile(f.io.env));
  const running = await runningEmulator(file);
  if (!running) {
    f.info(`No emulator is running (no live pid in ${file}).`);
    return;
  }
  process.kill(running.pid, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (alive(running.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (alive(running.pid)) {
    process.kill(running.pid, 'SIGKILL');
    await fs.rm(file, { force: true });
  }
  f.info(`Stopped the emulator at ${running.url} (pid ${running.pid}).`);
}
