/**
 * Shell completion through the built binary: the scripts are valid, and a real bash, given the
 * words on its command line (COMP_WORDS / COMP_CWORD as readline sets them), completes from
 * `citi __complete`: commands, options, option values, profile names, card IDs.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BIN, spawnCli, tempConfigHome, testEnv } from '../helpers/cli.js';
import { inCI } from '../helpers/keychain.js';
import { sandboxProcess } from '../helpers/sandbox.js';

const run = promisify(execFile);

/** zsh and fish are checked where installed; CI installs them, so there a missing one fails. */
async function hasShell(shell: string): Promise<boolean> {
  try {
    await run(shell, ['-c', 'exit 0']);
    return true;
  } catch (err) {
    if (inCI) throw new Error(`CI=true but ${shell} is not installed: ${(err as Error).message}`);
    console.warn(`skipping ${shell} completion tests: ${shell} is not installed (apt-get install ${shell})`);
    return false;
  }
}
const hasZsh = await hasShell('zsh');
const hasFish = await hasShell('fish');

/** A folder with `citi` on it (the built binary), as `npm install -g` would give. */
async function citiOnPath(): Promise<string> {
  const dir = await tempConfigHome();
  await fs.writeFile(path.join(dir, 'citi'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"\n`, { mode: 0o755 });
  return dir;
}

async function setup() {
  const home = await tempConfigHome();
  const bin = await citiOnPath();
  const env = testEnv(home, { CITI_STORE: 'file', PATH: `${bin}:${process.env.PATH}` });
  const script = path.join(home, 'citi.bash');
  await fs.writeFile(script, (await spawnCli(['completion', 'bash'], { env })).stdout);
  /** What bash offers for the line typed so far (the last word is the one under the cursor). */
  const complete = async (...words: string[]) => {
    const line = ['citi', ...words].map((w) => `'${w}'`).join(' ');
    const { stdout } = await run('bash', ['-c', `source ${script}; COMP_WORDS=(${line}); COMP_CWORD=${words.length}; _citi_complete; printf '%s\\n' "\${COMPREPLY[@]}"`], { env });
    return stdout.split('\n').filter(Boolean);
  };
  return { home, env, script, complete };
}

/** A completion script written to a file, for `source`. */
async function scriptFile(shell: string, env: NodeJS.ProcessEnv, dir: string): Promise<string> {
  const file = path.join(dir, `citi.${shell}`);
  await fs.writeFile(file, (await spawnCli(['completion', shell], { env })).stdout);
  return file;
}

describe('citi completion', () => {
  it('prints scripts that parse in their shells', async () => {
    const { env, script } = await setup();
    await run('bash', ['-n', script]);
    for (const shell of ['zsh', 'fish']) {
      const res = await spawnCli(['completion', shell], { env });
      expect(res.code).toBe(0);
      expect(res.stdout).toContain('citi __complete --');
    }
    const bad = await spawnCli(['completion', 'tcsh'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('error: No completion for "tcsh"');
  });

  it('bash completes commands, subcommands, options and their values', async () => {
    const { complete } = await setup();
    expect(await complete('ca')).toEqual(['call', 'card']);
    expect(await complete('card', '')).toEqual(['enroll', 'activate', 'list']);
    expect(await complete('help', 'card', 'e')).toEqual(['enroll']);
    expect(await complete('card', 'enroll', '--l')).toEqual(['--last4']);
    expect(await complete('--store', '')).toEqual(['keychain', 'file', 'memory']);
    expect(await complete('login', '--env', '')).toEqual(['sandbox', 'qa', 'aspac']);
    // API paths from the catalogue: every method's for a lone path, one method's after METHOD.
    const accounts = await complete('call', '/v1/acc');
    expect(accounts).toEqual(expect.arrayContaining(['/v1/accounts', '/v1/accounts/{accountId}/transactions']));
    expect(accounts.every((p) => p.startsWith('/v1/acc'))).toBe(true);
    const gets = await complete('call', 'GET', '/v1/apac/');
    expect(gets).toContain('/v1/apac/onboarding/products');
    expect(gets).not.toContain('/v1/apac/rewards/linkage');
    expect(await complete('call', 'POST', '/v1/apac/rewards/l')).toEqual(['/v1/apac/rewards/linkage']);
    expect(await complete('completion', '')).toEqual(['bash', 'zsh', 'fish']);
    expect(await complete('__')).toEqual([]);
  });

  it('bash completes saved profile names and enrolled card IDs', async () => {
    const { env, complete } = await setup();
    const sb = await sandboxProcess(['--quiet'], env);
    for (const name of ['qa', 'qa-hk', 'local']) {
      const login = await spawnCli(['login', '--profile', name, '--base-url', sb.url, '--client-id', sb.clientId, '--client-secret-stdin'], { env, stdin: sb.clientSecret });
      expect(login.code).toBe(0);
    }
    expect(await complete('--profile', 'qa')).toEqual(['qa', 'qa-hk']);
    expect(await complete('profiles', 'use', '')).toEqual(['local', 'qa', 'qa-hk']);
    const enrolled = await spawnCli(['--profile', 'qa-hk', 'card', 'enroll', '--last4', '4417', '--phone', '85291234567', '--otp-stdin'], { env, stdin: '987654' });
    expect(enrolled.code).toBe(0);
    const cardId = enrolled.stdout.trim();
    expect(await complete('--profile', 'qa-hk', 'card', 'activate', '--card', '')).toEqual([cardId]);
    expect(await complete('--profile', 'qa', 'card', 'activate', '--card', '')).toEqual([]);
  });

  it.skipIf(!hasZsh)('zsh: the script parses, and its function offers what citi __complete answers', async () => {
    const { home, env } = await setup();
    const file = await scriptFile('zsh', env, home);
    await run('zsh', ['-n', file]);
    // Without compinit, compdef and compadd are stood in for: compadd prints what it would offer.
    const offer = async (...words: string[]) => {
      const line = ['citi', ...words].map((w) => `'${w}'`).join(' ');
      const code = `compdef() { :; }; compadd() { shift 2; print -l -- "$@"; }; source ${file}; words=(${line}); CURRENT=${words.length + 1}; _citi_complete`;
      return (await run('zsh', ['-f', '-c', code], { env })).stdout.split('\n').filter(Boolean);
    };
    expect(await offer('ca')).toEqual(['call', 'card']);
    expect(await offer('card', '')).toEqual(['enroll', 'activate', 'list']);
  });

  it.skipIf(!hasFish)('fish: the script parses, and fish completes `citi ca` and `citi card `', async () => {
    const { home, env } = await setup();
    const file = await scriptFile('fish', env, home);
    await run('fish', ['--no-execute', file]);
    const complete = async (line: string) => (await run('fish', ['--no-config', '-c', `source ${file}; complete -C '${line}'`], { env })).stdout.split('\n').filter(Boolean).sort();
    expect(await complete('citi ca')).toEqual(['call', 'card']);
    expect(await complete('citi card ')).toEqual(['activate', 'enroll', 'list']);
  });
});
