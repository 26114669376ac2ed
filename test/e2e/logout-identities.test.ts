/**
 * Tokens of environment identities (CITI_CLIENT_ID, CITI_BASE_URL, CITI_COUNTRY ... runs) are
 * stored under entries of their own; `citi logout` under those credentials forgets that identity's,
 * and `citi logout --all-identities` every one in the store: the file store, and a real
 * gnome-keyring in a private D-Bus session (the keychain cannot list its entries: an index does).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnCli, tempConfigHome, testEnv } from '../helpers/cli.js';
import { keyringSession, requireKeyringTools } from '../helpers/keyring-session.js';
import { sandboxProcess } from '../helpers/sandbox.js';

const keyringTools = requireKeyringTools();

async function rig(store: 'file' | 'keychain', extraEnv: NodeJS.ProcessEnv = {}) {
  const home = await tempConfigHome();
  const sb = await sandboxProcess([], testEnv(home));
  const base = testEnv(home, { CITI_STORE: store, CITI_KEYCHAIN_TIMEOUT_MS: '10000', ...extraEnv });
  const creds = (country: string) => ({ ...base, CITI_BASE_URL: sb.url, CITI_CLIENT_ID: sb.clientId, CITI_CLIENT_SECRET: sb.clientSecret, CITI_COUNTRY: country });
  const source = async (country: string) => {
    const res = await spawnCli(['token', '--json'], { env: creds(country) });
    expect(res.code, res.stderr).toBe(0);
    return (JSON.parse(res.stdout) as { source: string }).source;
  };
  return { home, base, creds, source };
}

describe('citi logout and environment identities', () => {
  it('file store: logout under env credentials forgets that identity only; --all-identities forgets the rest', async () => {
    const { home, base, creds, source } = await rig('file');
    const envEntries = async () =>
      Object.keys(JSON.parse(await fs.readFile(path.join(home, 'citi-sandbox', 'secrets.json'), 'utf8')) as object).filter((k) => k.startsWith('@env/') && k.endsWith('/tokens'));
    expect(await source('sg')).toBe('new');
    expect(await source('hk')).toBe('new');
    expect(await source('sg')).toBe('cache');
    expect(await envEntries()).toHaveLength(2);

    const one = await spawnCli(['logout'], { env: creds('sg') });
    expect(one.code, one.stderr).toBe(0);
    expect(one.stderr).toMatch(/Environment identity \(client sandbox-client at http:\/\/127\.0\.0\.1:\d+\/gcb\/api\): forgot cached tokens/);
    expect(await envEntries()).toHaveLength(1);
    expect(await source('hk')).toBe('cache');

    // No profile and no credentials in the environment: only the store is needed.
    const all = await spawnCli(['logout', '--all-identities'], { env: base });
    expect(all.code, all.stderr).toBe(0);
    expect(all.stderr).toContain('Forgot the cached tokens of 1 environment identity');
    expect(await envEntries()).toEqual([]);
    expect(await source('hk')).toBe('new');

    const none = await spawnCli(['logout'], { env: base });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Unknown profile');
  });

  it.skipIf(!keyringTools)('keychain (real gnome-keyring, private session): the same, through the index of identities', async () => {
    const session = await keyringSession('unlocked', await tempConfigHome());
    const { base, creds, source } = await rig('keychain', session.env);
    expect(await source('sg')).toBe('new');
    expect(await source('hk')).toBe('new');
    expect(await source('my')).toBe('new');
    expect(await source('hk')).toBe('cache');

    const one = await spawnCli(['logout'], { env: creds('sg') });
    expect(one.code, one.stderr).toBe(0);
    expect(one.stderr).toContain('forgot cached tokens');
    expect(await source('hk')).toBe('cache');

    const all = await spawnCli(['logout', '--all-identities'], { env: base });
    expect(all.code, all.stderr).toBe(0);
    expect(all.stderr).toContain('Forgot the cached tokens of 2 environment identities');
    expect(await source('hk')).toBe('new');
    expect(await source('my')).toBe('new');
    expect(await source('sg')).toBe('new');
  });
});
