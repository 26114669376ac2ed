/**
 * A keychain that is there but cannot be used is reported (exit 4, the ways out named), never
 * taken for an empty one: a real gnome-keyring that is locked, one with no default collection, and
 * a session bus with no Secret Service, each in a private D-Bus session, with the built binary.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { onCleanup, spawnCli, tempConfigHome, testEnv, type CliResult } from '../helpers/cli.js';
import { keyringSession, requireKeyringTools } from '../helpers/keyring-session.js';
import { sandboxProcess } from '../helpers/sandbox.js';

const available = requireKeyringTools();

function expectStoreFault(res: CliResult, what: RegExp): void {
  expect(res.code, res.stderr).toBe(4);
  expect(res.stderr).toMatch(what);
  // The ways out, all named.
  expect(res.stderr).toContain('--store file');
  expect(res.stderr).toContain('CITI_STORE=file');
  expect(res.stderr).toContain('CITI_CLIENT_ID and CITI_CLIENT_SECRET');
  expect(res.stderr).toMatch(/[Uu]nlock the keyring/);
  expect(res.stderr).not.toMatch(/No client secret stored|No tokens stored|forgot nothing/);
}

async function saveProfile(home: string, baseUrl: string): Promise<void> {
  const dir = path.join(home, 'citi-sandbox');
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const profile = { baseUrl, environment: 'custom', country: 'sg', business: 'gcb', clientId: 'sandbox-client' };
  await fs.writeFile(path.join(dir, 'config.json'), JSON.stringify({ version: 1, defaultProfile: 'default', profiles: { default: profile } }), { mode: 0o600 });
}

describe.skipIf(!available)('a keychain that cannot be used (real gnome-keyring, private D-Bus sessions)', () => {
  it('locked: token, status and logout exit 4 saying so; env credentials still work; nothing was forgotten', async () => {
    const home = await tempConfigHome();
    const dataHome = await tempConfigHome();
    const sb = await sandboxProcess([], testEnv(home));
    const citi = (args: string[], env: NodeJS.ProcessEnv, stdin?: string) =>
      spawnCli(args, { env: testEnv(home, { CITI_KEYCHAIN_TIMEOUT_MS: '10000', ...env }), ...(stdin !== undefined ? { stdin } : {}) });

    // The keyring is made and the secret stored while it is unlocked (no token yet: --no-verify).
    const unlocked = await keyringSession('unlocked', dataHome);
    const login = await citi(['login', '--base-url', sb.url, '--client-id', sb.clientId, '--client-secret-stdin', '--no-verify'], unlocked.env, sb.clientSecret);
    expect(login.code, login.stderr).toBe(0);
    expect(login.stderr).toContain('OS keychain');
    await unlocked.stop();

    // The same keyring, its daemon started without --unlock: it stays locked.
    const locked = await keyringSession('locked', dataHome);
    for (const args of [['status'], ['token'], ['logout']]) expectStoreFault(await citi(args, locked.env), /keychain is locked/);
    const fromEnv = await citi(['token', '--json'], { ...locked.env, CITI_BASE_URL: sb.url, CITI_CLIENT_ID: sb.clientId, CITI_CLIENT_SECRET: sb.clientSecret });
    expect(fromEnv.code, fromEnv.stderr).toBe(0);
    expect(JSON.parse(fromEnv.stdout).source).toBe('new');
    await locked.stop();

    // Unlocked again: the secret is still there, so the token comes with no new login.
    const again = await keyringSession('unlocked', dataHome);
    const token = await citi(['token', '--json'], again.env);
    expect(token.code, token.stderr).toBe(0);
    expect(JSON.parse(token.stdout).source).toBe('new');
  });

  it('a Secret Service that does not answer: exit 4 with the ways out, not a hang', async () => {
    const home = await tempConfigHome();
    await saveProfile(home, 'http://127.0.0.1:9/gcb/api');
    const session = await keyringSession('unlocked', await tempConfigHome());
    const daemon = await session.daemonPid();
    process.kill(daemon, 'SIGSTOP');
    onCleanup(() => void process.kill(daemon, 'SIGCONT'));
    const env = testEnv(home, { CITI_KEYCHAIN_TIMEOUT_MS: '700', ...session.env });
    // Creating the entry connects to D-Bus synchronously, so the library's own D-Bus timeout (a few
    // seconds), not CITI_KEYCHAIN_TIMEOUT_MS, ends the wait; well under 15 s even on a loaded machine.
    const started = Date.now();
    const res = await spawnCli(['status'], { env, timeoutMs: 15_000 });
    expect(Date.now() - started).toBeLessThan(15_000);
    expectStoreFault(res, /The OS keychain is unavailable \(read\): DBus error: Did not receive a reply/);
  });

  it('no default collection: token, status and logout exit 4 instead of "no secret stored"', async () => {
    const home = await tempConfigHome();
    await saveProfile(home, 'http://127.0.0.1:9/gcb/api');
    const session = await keyringSession('locked', await tempConfigHome()); // no keyring at all, nothing unlocked
    const env = testEnv(home, { CITI_KEYCHAIN_TIMEOUT_MS: '10000', ...session.env });
    for (const args of [['token'], ['status'], ['logout']]) expectStoreFault(await spawnCli(args, { env }), /keychain is locked or has no default keyring/);
  });

  it('no Secret Service on the session bus: token, status and logout exit 4', async () => {
    const home = await tempConfigHome();
    await saveProfile(home, 'http://127.0.0.1:9/gcb/api');
    const session = await keyringSession('no-service', await tempConfigHome());
    const env = testEnv(home, { CITI_KEYCHAIN_TIMEOUT_MS: '10000', ...session.env });
    for (const args of [['token'], ['status'], ['logout']]) expectStoreFault(await spawnCli(args, { env }), /no Secret Service on the session bus/);
  });
});
