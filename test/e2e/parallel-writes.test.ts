/**
 * No lost writes: sixteen `citi --profile pN login` processes at once, on distinct profiles, while
 * other profiles get new tokens over and over, with the file store and with the real keychain.
 * Afterwards every profile, secret and token is still there.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveProfile, ConfigStore } from '../../src/config/profiles.js';
import { accounts } from '../../src/store/secret-store.js';
import { tokenKey, tokenOwner, TokenStore } from '../../src/store/tokens.js';
import { onCleanup, spawnCli, tempConfigHome, testEnv } from '../helpers/cli.js';
import { requireSecretService, storeForTests } from '../helpers/keychain.js';
import { sandboxProcess } from '../helpers/sandbox.js';

const keychain = await requireSecretService();

const LOGINS = 16;
const REFRESHERS = 3;
const ROUNDS = 3;

async function parallelLogins(kind: 'file' | 'keychain'): Promise<void> {
  const home = await tempConfigHome();
  const { store, env: storeEnv } = storeForTests(kind === 'keychain', home);
  const sb = await sandboxProcess([], testEnv(home));
  const env = testEnv(home, storeEnv);
  const run = async (args: string[], stdin?: string) => {
    const res = await spawnCli(args, { env, timeoutMs: 90_000, ...(stdin !== undefined ? { stdin } : {}) });
    expect(res.code, `citi ${args.join(' ')}: ${res.stderr}`).toBe(0);
    return res;
  };
  const tag = randomUUID().slice(0, 8);
  const logins = Array.from({ length: LOGINS }, (_, i) => `p${i}-${tag}`);
  const refreshers = Array.from({ length: REFRESHERS }, (_, i) => `q${i}-${tag}`);
  onCleanup(async () => {
    for (const name of [...logins, ...refreshers]) for (const account of [accounts.clientSecret(name), accounts.tokens(name)]) await store.delete(account);
  });
  const login = (name: string) => run(['--profile', name, 'login', '--base-url', sb.url, '--client-id', sb.clientId, '--client-secret-stdin'], sb.clientSecret);
  for (const name of refreshers) await login(name);

  // The logins, all at once, while the other profiles keep replacing their tokens.
  const refreshing = refreshers.map(async (name) => {
    for (let round = 0; round < ROUNDS; round++) await run(['--profile', name, 'token', '--force']);
  });
  await Promise.all([...logins.map(login), ...refreshing]);

  const config = ConfigStore.forEnv({ XDG_CONFIG_HOME: home });
  expect(Object.keys((await config.read()).profiles).sort()).toEqual([...logins, ...refreshers].sort());
  for (const name of [...logins, ...refreshers]) {
    expect(await store.get(accounts.clientSecret(name)), name).toBe(sb.clientSecret);
    const profile = await resolveProfile({ profile: name, env: {}, config });
    const tokens = new TokenStore(store, tokenOwner(profile), path.join(home, 'citi-sandbox', 'locks'));
    expect((await tokens.get(tokenKey('two-legged', '/api')))?.accessToken, name).toMatch(/^AAIk/);
  }
  if (kind === 'file') {
    // Written by rename: no temporary files left behind, and still owner-only.
    const dir = path.join(home, 'citi-sandbox');
    expect((await fs.readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect((await fs.stat(path.join(dir, 'secrets.json'))).mode & 0o777).toBe(0o600);
    expect((await fs.stat(path.join(dir, 'config.json'))).mode & 0o777).toBe(0o600);
  }
}

describe('parallel writers', () => {
  it(`${LOGINS} parallel logins while ${REFRESHERS} profiles refresh tokens, file store: nothing lost`, () => parallelLogins('file'), 180_000);

  it.skipIf(!keychain)(`${LOGINS} parallel logins while ${REFRESHERS} profiles refresh tokens, real keychain: nothing lost`, () => parallelLogins('keychain'), 180_000);
});
