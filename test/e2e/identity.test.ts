/**
 * Tokens belong to an identity (base URL, client ID, country, business), not to a profile name:
 * two emulators in their own processes, the built binary, a saved default profile for one of them,
 * and environment credentials or settings for the other, as a CI job beside a developer's profile.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { accounts } from '../../src/store/secret-store.js';
import { onCleanup, spawnCli, tempConfigHome, testEnv } from '../helpers/cli.js';
import { requireSecretService, storeForTests } from '../helpers/keychain.js';
import { sandboxProcess, type SandboxProcess } from '../helpers/sandbox.js';

const keychain = await requireSecretService();

/** Does the emulator accept this token for its client? */
async function acceptedBy(sb: SandboxProcess, token: string): Promise<boolean> {
  const res = await fetch(`${sb.url}/v1/apac/onboarding/products`, {
    headers: { Authorization: `Bearer ${token}`, uuid: randomUUID(), client_id: sb.clientId, Accept: 'application/json' },
  });
  return res.status === 200;
}

async function rig() {
  const home = await tempConfigHome();
  const { store, env: storeEnv } = storeForTests(keychain, home);
  // A profile of its own: the keychain is shared by every test of the run.
  const profile = `identity-${randomUUID()}`;
  onCleanup(async () => {
    for (const account of [accounts.clientSecret(profile), accounts.tokens(profile)]) await store.delete(account);
  });
  // One client ID and secret on both: only the base URL tells the two identities apart.
  const a = await sandboxProcess(['--client-secret', 'shared-secret'], testEnv(home));
  const b = await sandboxProcess(['--client-secret', 'shared-secret'], testEnv(home));
  const env = testEnv(home, { ...storeEnv, CITI_PROFILE: profile });
  const citi = async (args: string[], extra: NodeJS.ProcessEnv = {}, stdin?: string) => {
    const res = await spawnCli(args, { env: { ...env, ...extra }, ...(stdin !== undefined ? { stdin } : {}) });
    expect(res.code, res.stderr).toBe(0);
    return res;
  };
  const token = async (extra: NodeJS.ProcessEnv = {}) => JSON.parse((await citi(['token', '--json'], extra)).stdout) as { access_token: string; source: string };
  await citi(['login', '--base-url', a.url, '--client-id', a.clientId, '--client-secret-stdin'], {}, 'shared-secret');
  return { home, a, b, citi, token };
}

describe('tokens and identities', () => {
  it("environment credentials for B get B's token, never the saved profile's cached token for A", async () => {
    const { a, b, token } = await rig();
    const fromA = await token();
    expect(fromA.source).toBe('cache'); // the token login verified with
    expect(await acceptedBy(a, fromA.access_token)).toBe(true);

    const envB = { CITI_BASE_URL: b.url, CITI_CLIENT_ID: b.clientId, CITI_CLIENT_SECRET: 'shared-secret' };
    const fromB = await token(envB);
    expect(fromB.source).toBe('new');
    expect(fromB.access_token).not.toBe(fromA.access_token);
    expect(await acceptedBy(b, fromB.access_token)).toBe(true);
    expect(await acceptedBy(b, fromA.access_token)).toBe(false);
    // B's token is cached for B's identity...
    expect(await token(envB)).toEqual({ ...fromB, source: 'cache' });
    // ...and the saved profile still has its own, untouched.
    expect((await token()).access_token).toBe(fromA.access_token);
  });

  it('CITI_BASE_URL alone over a saved profile does not reuse its tokens', async () => {
    const { a, b, token } = await rig();
    const fromA = await token();
    const fromB = await token({ CITI_BASE_URL: b.url });
    expect(fromB.source).toBe('new');
    expect(await acceptedBy(b, fromB.access_token)).toBe(true);
    expect((await token()).access_token).toBe(fromA.access_token);
    expect(await acceptedBy(a, fromA.access_token)).toBe(true);
  });

  it("CITI_CLIENT_ID of another client without CITI_CLIENT_SECRET is refused, never paired with the profile's secret", async () => {
    const { home, token } = await rig();
    await token();
    const res = await spawnCli(['token'], { env: testEnv(home, { CITI_PROFILE: JSON.parse(await fs.readFile(path.join(home, 'citi-sandbox', 'config.json'), 'utf8')).defaultProfile, CITI_STORE: 'file', CITI_CLIENT_ID: 'another-client' }) });
    expect(res.code, res.stderr).toBe(2);
    expect(res.stderr).toContain('CITI_CLIENT_ID is set but CITI_CLIENT_SECRET is not');
    expect(res.stdout).toBe('');
  });

  it('a profile whose base URL or client ID changes starts with no tokens', async () => {
    const { home, a, b, citi, token } = await rig();
    const fromA = await token();
    // The base URL edited in config.json by hand: the cached token of A is not B's.
    const file = path.join(home, 'citi-sandbox', 'config.json');
    const config = JSON.parse(await fs.readFile(file, 'utf8'));
    config.profiles[config.defaultProfile].baseUrl = b.url;
    await fs.writeFile(file, JSON.stringify(config));
    const status = JSON.parse((await citi(['status', '--json'])).stdout);
    expect(status.tokens).toEqual([]);
    const fromB = await token();
    expect(fromB.source).toBe('new');
    expect(await acceptedBy(b, fromB.access_token)).toBe(true);

    // Back to A with another client ID (login without verifying): none of the earlier tokens.
    await citi(['login', '--base-url', a.url, '--client-id', 'another-client', '--client-secret-stdin', '--no-verify'], {}, 'x');
    expect(JSON.parse((await citi(['status', '--json'])).stdout).tokens).toEqual([]);
    expect(fromA.access_token).not.toBe(fromB.access_token);
  });

  it('a saved base URL written another way (upper-case host, trailing slash) is still the saved identity: its tokens are the profile\'s, and logout forgets them', async () => {
    const home = await tempConfigHome();
    const sb = await sandboxProcess([], testEnv(home));
    const dir = path.join(home, 'citi-sandbox');
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const handEdited = sb.url.replace('127.0.0.1', 'LOCALHOST').replace('http://', 'HTTP://') + '/';
    const profile = { baseUrl: handEdited, environment: 'custom', country: 'sg', business: 'gcb', clientId: sb.clientId };
    await fs.writeFile(path.join(dir, 'config.json'), JSON.stringify({ version: 1, defaultProfile: 'default', profiles: { default: profile } }), { mode: 0o600 });
    const secretsFile = path.join(dir, 'secrets.json');
    await fs.writeFile(secretsFile, JSON.stringify({ 'default/client-secret': sb.clientSecret }), { mode: 0o600 });
    const env = testEnv(home, { CITI_STORE: 'file' });
    const first = await spawnCli(['token', '--json'], { env });
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout).source).toBe('new');
    expect(Object.keys(JSON.parse(await fs.readFile(secretsFile, 'utf8'))).sort()).toEqual(['default/client-secret', 'default/tokens']);
    expect(JSON.parse((await spawnCli(['token', '--json'], { env })).stdout).source).toBe('cache');
    const logout = await spawnCli(['logout'], { env });
    expect(logout.stderr).toContain('forgot client secret and cached tokens');
    expect(JSON.parse(await fs.readFile(secretsFile, 'utf8'))).toEqual({});
  });
});
