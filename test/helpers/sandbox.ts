/** Emulators for tests: in this process, or `citi sandbox start --json` as a child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../../src/sandbox/server.js';
import { BIN, onCleanup, stopAfterTest } from './cli.js';

/** An emulator in this process, closed after the test. */
export async function sandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const s = await startSandbox(options);
  onCleanup(() => s.close());
  return s;
}

export interface SandboxProcess {
  url: string;
  clientId: string;
  clientSecret: string;
  /** With --tls: the CA to trust, and the folder of the certificate set. */
  caFile?: string;
  certsDir?: string;
  child: ChildProcess;
  /** Everything the emulator logged so far. */
  log(): string;
}

/** `citi sandbox start --json ARGS` in a child process; stopped (SIGTERM) after the test. */
export async function sandboxProcess(args: string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<SandboxProcess> {
  const child = spawn(process.execPath, [BIN, 'sandbox', 'start', '--json', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (c) => (log += String(c)));
  stopAfterTest(child);
  const first = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`sandbox exited (${code}) before it was ready:\n${log}`)));
  });
  const info = JSON.parse(first) as { url: string; clientId: string; clientSecret: string; caFile?: string; certsDir?: string };
  return { ...info, child, log: () => log };
}
