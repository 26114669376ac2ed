/**
 * A real pseudo-terminal for tests: a command inside a tmux session on a private server, typed
 * into with send-keys and read with capture-pane. The server is killed after the test.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { onCleanup, tempConfigHome } from './cli.js';
import { inCI } from './keychain.js';

const run = promisify(execFile);

/** Decides once per file: true when tmux is installed; in CI a missing tmux is a failure, not a skip. */
export async function requireTmux(): Promise<boolean> {
  try {
    await run('tmux', ['-V']);
    return true;
  } catch (err) {
    if (inCI) throw new Error(`CI=true but tmux is not installed: ${(err as Error).message}`);
    console.warn('skipping terminal tests: tmux is not installed (apt-get install tmux)');
    return false;
  }
}

export interface Terminal {
  /** Types text (literally), then Enter unless told otherwise. */
  type(text: string, enter?: boolean): Promise<void>;
  /** Presses named keys: Enter, Down, BSpace... */
  keys(...names: string[]): Promise<void>;
  /** The screen and scrollback as text; with `escapes`, with the colour escape codes the terminal got. */
  screen(opts?: { escapes?: boolean }): Promise<string>;
  /** Waits until the screen matches; fails with the screen when it does not in time. */
  waitFor(pattern: RegExp | string, timeoutMs?: number): Promise<string>;
  /** The command's exit status, once it has ended. */
  exitCode(timeoutMs?: number): Promise<number>;
}

/**
 * Runs `argv` in a 120x30 terminal with exactly `env` (plus TERM). The command's exit status is
 * printed after it as `[exit N]`, and the pane stays open so it can be read.
 */
export async function terminal(argv: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Terminal> {
  const dir = await tempConfigHome();
  const script = path.join(dir, 'run.sh');
  const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  const exports = Object.entries(env)
    .filter(([k, v]) => v !== undefined && /^[A-Za-z_][A-Za-z0-9_]*$/.test(k))
    .map(([k, v]) => `export ${k}=${quote(v!)}`);
  await fs.writeFile(
    script,
    ['#!/bin/sh', 'for v in $(env | cut -d= -f1); do unset "$v" 2>/dev/null; done', ...exports, 'export TERM=xterm-256color', `cd ${quote(cwd)}`, `${argv.map(quote).join(' ')}`, 'echo "[exit $?]"', 'exec sleep 600', ''].join('\n'),
    { mode: 0o700 },
  );
  const socket = `citi-test-${randomUUID()}`;
  const tmux = (...args: string[]) => run('tmux', ['-L', socket, ...args], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm-256color' } });
  await tmux('-f', '/dev/null', 'new-session', '-d', '-s', 't', '-x', '120', '-y', '30', script);
  onCleanup(async () => {
    await tmux('kill-server').catch(() => undefined);
  });
  const screen = async (opts: { escapes?: boolean } = {}) => (await tmux('capture-pane', '-p', '-J', ...(opts.escapes ? ['-e'] : []), '-S', '-200', '-t', 't')).stdout;
  const t: Terminal = {
    async type(text, enter = true) {
      await tmux('send-keys', '-t', 't', '-l', text);
      if (enter) await tmux('send-keys', '-t', 't', 'Enter');
    },
    async keys(...names) {
      await tmux('send-keys', '-t', 't', ...names);
    },
    screen,
    async waitFor(pattern, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      let text = '';
      while (Date.now() < deadline) {
        text = await screen();
        if (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text)) return text;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`The terminal never showed ${String(pattern)}; it shows:\n${text}`);
    },
    async exitCode(timeoutMs) {
      const text = await t.waitFor(/\[exit \d+\]/, timeoutMs);
      return Number(/\[exit (\d+)\]/.exec(text)![1]);
    },
  };
  return t;
}
