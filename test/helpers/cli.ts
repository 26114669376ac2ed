/** Running the CLI in tests: in-process with captured streams, or as a real child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { main } from '../../src/cli.js';
import type { FactoryOverrides } from '../../src/factory.js';
import type { IO } from '../../src/ui/io.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin', 'citi.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const cleanups: (() => Promise<void> | void)[] = [];

/** Registers something to undo after the current test (processes, servers, folders). */
export function onCleanup(fn: () => Promise<void> | void): void {
  cleanups.push(fn);
}

afterEach(async () => {
  // Every cleanup runs, even when one fails; the first failure is reported.
  const failures: unknown[] = [];
  while (cleanups.length) {
    try {
      await cleanups.pop()!();
    } catch (err) {
      failures.push(err);
    }
  }
  if (failures.length) throw failures[0];
});

/** Stops a child process (SIGTERM) after the current test, waiting for it to exit. */
export function stopAfterTest(child: ChildProcess): void {
  onCleanup(
    () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  );
}

/** A loopback port nothing listens on just now. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** A private config folder for one test. */
export async function tempConfigHome(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'citi-test-'));
  onCleanup(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

/** The environment for a test: no CITI_* from the outer shell, no colours, a private config folder. */
export function testEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CITI_')) env[k] = v;
  return { ...env, XDG_CONFIG_HOME: home, NO_COLOR: '1', ...extra };
}

/**
 * Runs `citi ARGS` in this process with captured streams. `tty` makes stdout and stderr look like a
 * terminal; `terminal` makes stdin look like one too, so the CLI may prompt (through an injected
 * prompter double, test/helpers/prompter.ts).
 */
export async function runCli(
  args: string[],
  opts: { env: NodeJS.ProcessEnv; stdin?: string; overrides?: FactoryOverrides; tty?: boolean; terminal?: boolean },
): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += String(c)));
  stderr.on('data', (c) => (err += String(c)));
  const stdin = Readable.from(opts.stdin !== undefined ? [opts.stdin] : []);
  const io: IO = {
    stdout: Object.assign(stdout, { isTTY: Boolean(opts.tty || opts.terminal) }),
    stderr: Object.assign(stderr, { isTTY: Boolean(opts.tty || opts.terminal) }),
    stdin: Object.assign(stdin, { isTTY: Boolean(opts.terminal) }),
    env: opts.env,
    color: false,
  };
  const code = await main(['node', 'citi', ...args], io, opts.overrides);
  return { code, stdout: out, stderr: err };
}

/** Runs the built `citi` binary as a child process, as a CI script would. */
export function spawnCli(args: string[], opts: { env: NodeJS.ProcessEnv; stdin?: string; timeoutMs?: number }): Promise<CliResult> {
  return spawnProcess(process.execPath, [BIN, ...args], { ...opts, name: `citi ${args.join(' ')}` });
}

/** Runs a command to its end with captured output; killed after the test, or when it overruns. */
export function spawnProcess(
  command: string,
  args: string[],
  opts: { env: NodeJS.ProcessEnv; stdin?: string; timeoutMs?: number; name?: string },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: opts.env, stdio: ['pipe', 'pipe', 'pipe'] });
    onCleanup(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += String(c)));
    child.stderr.on('data', (c) => (stderr += String(c)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${opts.name ?? [command, ...args].join(' ')} did not finish in time\nstderr: ${stderr}`));
    }, opts.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(opts.stdin ?? '');
  });
}

/** Whether a process of this PID is running (a test checks what it started has stopped). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** stderr without the file store's plaintext warning, for tests that compare it whole. */
export function withoutStoreWarning(stderr: string): string {
  return stderr.replace(/^warning: secrets are kept in plaintext at .* \(--store file\)\n/m, '');
}
