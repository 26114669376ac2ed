/**
 * Secrets piped to `--…-stdin` flags, through the built binary: one reader for all of them. An empty
 * pipe or a terminal on stdin stops at once (exit 2) naming the flag; a trailing newline is dropped.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, spawnCli, tempConfigHome, testEnv } from '../helpers/cli.js';
import { sandboxProcess } from '../helpers/sandbox.js';
import { requireTmux, terminal } from '../helpers/tmux.js';

const hasTmux = await requireTmux();

async function world() {
  const home = await tempConfigHome();
  const env = testEnv(home, { CITI_STORE: 'file' });
  const sb = await sandboxProcess([], env);
  return { home, env, sb };
}

describe('secrets on stdin', () => {
  it('an empty pipe: exit 2, naming the flag, for every --…-stdin secret', async () => {
    const { home, env, sb } = await world();
    const cases: [string[], string][] = [
      [['login', '--base-url', sb.url, '--client-id', sb.clientId, '--client-secret-stdin'], '--client-secret-stdin'],
      [['token', '--password', '--username', 'SandboxUser1', '--password-stdin'], '--password-stdin'],
      [['sandbox', 'certs', '--out', path.join(home, 'certs'), '--p12-passphrase-stdin'], '--p12-passphrase-stdin'],
    ];
    const withClient = { ...env, CITI_BASE_URL: sb.url, CITI_CLIENT_ID: sb.clientId, CITI_CLIENT_SECRET: sb.clientSecret, CITI_STORE: 'memory' };
    for (const [args, flag] of cases) {
      const res = await spawnCli(args, { env: args[0] === 'token' ? withClient : env, stdin: '' });
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stderr).toContain(`error: ${flag}: stdin was empty`);
    }
    await expect(fs.stat(path.join(home, 'certs', 'client.p12'))).rejects.toThrow();
  });

  it('a client secret with a trailing newline and blanks is the secret alone; a password keeps its blanks but not the newline', async () => {
    const { env, sb } = await world();
    const login = await spawnCli(['login', '--base-url', sb.url, '--client-id', sb.clientId, '--client-secret-stdin', '--json'], { env, stdin: `  ${sb.clientSecret} \n` });
    expect(login.code, login.stderr).toBe(0);
    expect(JSON.parse(login.stdout).verified).toBe(true);
    const token = await spawnCli(['token', '--password', '--username', 'SandboxUser1', '--password-stdin'], { env, stdin: 'P@ssUser1$\n' });
    expect(token.code, token.stderr).toBe(0);
    const blanks = await spawnCli(['token', '--password', '--username', 'SandboxUser2', '--password-stdin'], { env, stdin: ' P@ssUser1$\n' });
    expect(blanks.code).toBe(3); // " P@ssUser1$" is not the password
  });
});

describe.skipIf(!hasTmux)('secrets on stdin, with a terminal on stdin', () => {
  it('--password-stdin and --client-secret-stdin stop at once: exit 2, the secret must be piped', async () => {
    const { env, sb } = await world();
    const runs: [string[], string][] = [
      [['login', '--base-url', sb.url, '--country', 'sg', '--client-id', sb.clientId, '--client-secret-stdin'], '--client-secret-stdin reads a pipe, but stdin is a terminal'],
      [['token', '--password', '--username', 'SandboxUser1', '--password-stdin'], '--password-stdin reads a pipe, but stdin is a terminal'],
    ];
    for (const [args, message] of runs) {
      const t = await terminal([process.execPath, BIN, ...args], { ...env, CITI_CLIENT_ID: sb.clientId, CITI_CLIENT_SECRET: sb.clientSecret, CITI_BASE_URL: sb.url }, ROOT);
      expect(await t.exitCode()).toBe(2);
      expect((await t.screen()).replace(/\s+/g, ' ')).toContain(message);
    }
  });

  it('login with nothing but --client-secret-stdin stops before its first question, not after the last', async () => {
    const { env } = await world();
    for (const flag of ['--client-secret-stdin', '--p12-passphrase-stdin']) {
      const t = await terminal([process.execPath, BIN, 'login', flag], env, ROOT);
      expect(await t.exitCode()).toBe(2);
      const screen = (await t.screen()).replace(/\s+/g, ' ');
      expect(screen).toContain(`${flag} reads a pipe, but stdin is a terminal`);
      expect(screen).not.toMatch(/Environment|Country|Client ID/);
    }
  });
});
