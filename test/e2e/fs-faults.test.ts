/**
 * Odd config folders as users have them: file-system faults name the file and keep the documented
 * exit code (config problems 2, store problems 4); a symlinked config.json or secrets.json is
 * written through to its target; `citi sandbox certs` never writes a key through a symlink.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnCli, tempConfigHome, testEnv, type CliResult } from '../helpers/cli.js';
import { sandboxProcess } from '../helpers/sandbox.js';

const PROFILE = { baseUrl: 'http://127.0.0.1:9/gcb/api', environment: 'custom', country: 'sg', business: 'gcb', clientId: 'c1' };

async function setup() {
  const home = await tempConfigHome();
  const dir = path.join(home, 'citi-sandbox');
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const env = testEnv(home, { CITI_STORE: 'file' });
  const citi = (args: string[], stdin?: string, extra: NodeJS.ProcessEnv = {}) =>
    spawnCli(args, { env: { ...env, ...extra }, ...(stdin !== undefined ? { stdin } : {}) });
  const saveConfig = (profiles: Record<string, unknown> = { default: PROFILE }) =>
    fs.writeFile(path.join(dir, 'config.json'), JSON.stringify({ version: 1, defaultProfile: 'default', profiles }), { mode: 0o600 });
  return { home, dir, env, citi, saveConfig };
}

function expectFault(res: CliResult, code: number, file: string): void {
  expect(res.code, res.stderr).toBe(code);
  expect(res.stderr).toContain(file);
  expect(res.stderr).not.toMatch(/EISDIR|ENOTDIR|EEXIST|No client secret stored|\n\s+at /);
}

const LOGIN = ['login', '--base-url', 'http://127.0.0.1:9/gcb/api', '--client-id', 'c1', '--client-secret-stdin', '--no-verify'];

describe('file-system faults', () => {
  it('config.json is a folder: exit 2 naming it', async () => {
    const { dir, citi } = await setup();
    await fs.mkdir(path.join(dir, 'config.json'));
    for (const args of [['token'], ['status']]) expectFault(await citi(args), 2, path.join(dir, 'config.json'));
    expectFault(await citi(LOGIN, 'secret'), 2, path.join(dir, 'config.json'));
  });

  it('a hand-edited profile without a market takes the default one everywhere; a setting that is not a string is a fault naming the file', async () => {
    const { dir, citi, saveConfig } = await setup();
    const { country: _country, business: _business, ...noMarket } = PROFILE;
    await saveConfig({ default: noMarket });
    const login = await citi(LOGIN, 'secret');
    expect(login.code, login.stderr).toBe(0);
    expect(login.stderr).toContain('(sg/gcb)');
    const status = await citi(['status', '--json']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).not.toContain('undefined');
    expect(JSON.parse(status.stdout).profiles[0]).toMatchObject({ name: 'default', country: 'sg', business: 'gcb' });

    await saveConfig({ default: { ...PROFILE, country: 65 } });
    for (const args of [['token'], ['status'], LOGIN]) {
      const res = await citi(args, 'secret');
      expectFault(res, 2, path.join(dir, 'config.json'));
      expect(res.stderr).toContain('in its profile "default", country is not a string');
    }
  });

  it('XDG_CONFIG_HOME is a file: exit 2 naming it', async () => {
    const { home, citi } = await setup();
    const file = path.join(home, 'not-a-folder');
    await fs.writeFile(file, 'x');
    for (const args of [['status'], LOGIN]) expectFault(await citi(args, 'secret', { XDG_CONFIG_HOME: file }), 2, file);
  });

  it('secrets.json is a folder: exit 4 naming it', async () => {
    const { dir, citi, saveConfig } = await setup();
    await saveConfig();
    await fs.mkdir(path.join(dir, 'secrets.json'));
    for (const args of [['token'], ['logout']]) expectFault(await citi(args), 4, path.join(dir, 'secrets.json'));
    expectFault(await citi(LOGIN, 'secret'), 4, path.join(dir, 'secrets.json'));
  });

  it('secrets.json holds JSON that is not an object of strings: exit 4 naming it, never its content', async () => {
    const { dir, citi, saveConfig } = await setup();
    await saveConfig();
    for (const text of ['[]', '"s3cret-text"', 'null', '42', '{"default/client-secret": 7}']) {
      await fs.writeFile(path.join(dir, 'secrets.json'), text, { mode: 0o600 });
      for (const args of [['token'], ['logout']]) {
        const res = await citi(args);
        expectFault(res, 4, path.join(dir, 'secrets.json'));
        expect(res.stderr).not.toContain('s3cret-text');
      }
    }
  });

  it('the locks folder is a file: exit 4 naming it', async () => {
    const { dir, citi, saveConfig } = await setup();
    const sb = await sandboxProcess([], testEnv(dir));
    await saveConfig({ default: { ...PROFILE, baseUrl: sb.url, clientId: sb.clientId } });
    await fs.writeFile(path.join(dir, 'secrets.json'), JSON.stringify({ 'default/client-secret': sb.clientSecret }), { mode: 0o600 });
    await fs.writeFile(path.join(dir, 'locks'), '');
    expectFault(await citi(['token']), 4, path.join(dir, 'locks'));
    // One fault, one exit code, whichever lock is hit first: the config file's, the secrets file's or a token's.
    expectFault(await citi(['logout']), 4, path.join(dir, 'locks'));
    // A first login (no profile, no tokens): the config file's lock is the first one taken.
    const first = await setup();
    await fs.writeFile(path.join(first.dir, 'locks'), '');
    for (const store of ['memory', 'file']) expectFault(await first.citi(['--store', store, ...LOGIN], 'secret'), 4, path.join(first.dir, 'locks'));
  });

  it('a symlinked config.json and secrets.json are written through to their targets, and stay links', async () => {
    const { home, dir, citi } = await setup();
    const dotfiles = path.join(home, 'dotfiles');
    await fs.mkdir(dotfiles);
    await fs.writeFile(path.join(dotfiles, 'citi.json'), JSON.stringify({ version: 1, defaultProfile: 'a', profiles: { a: PROFILE } }));
    await fs.symlink(path.join(dotfiles, 'citi.json'), path.join(dir, 'config.json'));
    await fs.symlink('../dotfiles/secrets.json', path.join(dir, 'secrets.json')); // relative, and its target not there yet
    const res = await citi(['--profile', 'b', ...LOGIN], 'secret-b');
    expect(res.code, res.stderr).toBe(0);
    expect((await fs.lstat(path.join(dir, 'config.json'))).isSymbolicLink()).toBe(true);
    expect((await fs.lstat(path.join(dir, 'secrets.json'))).isSymbolicLink()).toBe(true);
    expect(Object.keys(JSON.parse(await fs.readFile(path.join(dotfiles, 'citi.json'), 'utf8')).profiles)).toEqual(['a', 'b']);
    expect(JSON.parse(await fs.readFile(path.join(dotfiles, 'secrets.json'), 'utf8'))).toEqual({ 'b/client-secret': 'secret-b' });
    expect((await fs.stat(path.join(dotfiles, 'secrets.json'))).mode & 0o777).toBe(0o600);
  });

  it('sandbox certs refuses to write a key through a symlink, with --force too', async () => {
    const { home, citi } = await setup();
    const out = path.join(home, 'certs');
    await fs.mkdir(out);
    const precious = path.join(home, 'id_rsa');
    await fs.writeFile(precious, 'precious key');
    await fs.symlink(precious, path.join(out, 'client-key.pem'));
    for (const args of [['sandbox', 'certs', '--out', out], ['sandbox', 'certs', '--out', out, '--force']]) {
      const res = await citi(args);
      expect(res.code, res.stderr).toBe(2);
      expect(res.stderr).toContain(`Refusing to write ${path.join(out, 'client-key.pem')}: it is a symbolic link`);
      expect(await fs.readFile(precious, 'utf8')).toBe('precious key');
    }
  });
});
