/**
 * A real pseudo-terminal through tmux: start a command in a detached session, type keys, read the
 * screen. Without tmux the tests skip with a message (under CI=true they fail instead).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { onCleanup } from './cli.js';
import { inCI } from './keychain.js';

export function tmuxAvailable(): boolean {
  const ok = spawnSync('tmux', ['-V']).status === 0;
  if (!ok && inCI) throw new Error('CI=true but tmux is not installed (apt-get install tmux)');
  if (!ok) console.warn('skipping terminal tests: tmux is not installed');
  return ok;
}

export interface Terminal {
  /** Sends keys as tmux send-keys does: literal text, or key names such as Enter, Down, C-c. */
  type(text: string): void;
  press(...keys: string[]): void;
  screen(): string;
  /** Waits until the screen matches; fails with the screen when it does not in time. */
  waitFor(pattern: RegExp | string, timeoutMs?: number): Promise<string>;
  /** The command's exit code, once it ends. */
  exitCode(timeoutMs?: number): Promise<number>;
}

export function terminal(command: string[], env: NodeJS.ProcessEnv, opts: { cwd?: string } = {}): Terminal {
  const name = 'citi-test-' + randomUUID().slice(0, 8);
  const socket = ['-L', name]; // a private tmux server per terminal
  const quoted = command.map((c) => `'${c.replace(/'/g, `'\\''`)}'`).join(' ');
  // Keep the pane after exit, and print the exit code where the test can read it.
  const script = `${quoted}; echo "[exit:$?]"; sleep 60`;
  execFileSync('tmux', [...socket, 'new-session', '-d', '-s', name, '-x', '120', '-y', '40', ...(opts.cwd ? ['-c', opts.cwd] : []), 'sh', '-c', script], {
    env: { ...env, TERM: 'xterm-256color' },
  });
  onCleanup(() => {
    spawnSync('tmux', [...socket, 'kill-server']);
  });
  const screen = () => execFileSync('tmux', [...socket, 'capture-pane', '-p', '-J', '-t', name], { encoding: 'utf8' });
  const t: Terminal = {
    type: (text) => execFileSync('tmux', [...socket, 'send-keys', '-t', name, '-l', text]),
    press: (...keys) => execFileSync('tmux', [...socket, 'send-keys', '-t', name, ...keys]),
    screen,
    async waitFor(pattern, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const s = screen();
        if (typeof pattern === 'string' ? s.includes(pattern) : pattern.test(s)) return s;
        if (Date.now() > deadline) throw new Error(`terminal never showed ${String(pattern)}; screen:\n${s}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async exitCode(timeoutMs = 10_000) {
      const s = await t.waitFor(/\[exit:\d+\]/, timeoutMs);
      return Number(/\[exit:(\d+)\]/.exec(s)![1]);
    },
  };
  return t;
}
