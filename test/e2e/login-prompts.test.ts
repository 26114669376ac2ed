/**
 * `citi login` on a real terminal: it asks for what is missing, and masks the secret. Each terminal
 * test has a twin at the end of this file that answers the same questions through the prompter
 * double in this process (test/helpers/prompter.ts), named after it.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, freePort, ROOT, runCli, tempConfigHome, testEnv } from '../helpers/cli.js';
import { ENTER, scriptedPrompter, type PrompterDouble } from '../helpers/prompter.js';
import { sandbox, sandboxProcess } from '../helpers/sandbox.js';
import { requireTmux, terminal } from '../helpers/tmux.js';

const hasTmux = await requireTmux();

function personEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = testEnv(home, { CITI_STORE: 'file', ...extra });
  delete env.CI; // a person at a terminal
  return env;
}

describe.skipIf(!hasTmux)('citi login on a terminal', () => {
  it('prompts for the country (a list), client ID and masked secret, then verifies', async () => {
    const home = await tempConfigHome();
    const env = personEnv(home);
    const sb = await sandboxProcess(['--client-secret', 'typed-secret-123'], env);
    const t = await terminal([process.execPath, BIN, 'login', '--base-url', sb.url], env, ROOT);
    await t.waitFor('Country');
    await t.keys('Down', 'Enter'); // sg is the default; one down is hk
    await t.waitFor('Client ID');
    await t.type(sb.clientId);
    await t.waitFor('Client secret');
    await t.type('typed-secret-123', false);
    const masked = await t.waitFor(/Client secret.*\*{16}/);
    expect(masked).not.toContain('typed-secret-123');
    await t.keys('Enter');
    expect(await t.exitCode()).toBe(0);
    const screen = await t.screen();
    expect(screen).toContain('Profile default saved');
    expect(screen).not.toContain('typed-secret-123');
    const config = JSON.parse(await fs.readFile(path.join(home, 'citi-sandbox', 'config.json'), 'utf8'));
    expect(config.profiles.default).toMatchObject({ country: 'hk', clientId: 'sandbox-client', baseUrl: sb.url });
  });

  it('CITI_NO_PROMPT=1 turns the prompts off even on a terminal', async () => {
    const home = await tempConfigHome();
    const env = personEnv(home, { CITI_NO_PROMPT: '1' });
    const t = await terminal([process.execPath, BIN, 'login', '--base-url', 'http://127.0.0.1:9/gcb/api'], env, ROOT);
    expect(await t.exitCode()).toBe(2);
    expect(await t.screen()).toContain('error: No client ID');
  });
});

describe.skipIf(!hasTmux)('citi login on a terminal: environments, an unreachable host, settings only', () => {
  const configOf = async (home: string) => JSON.parse(await fs.readFile(path.join(home, 'citi-sandbox', 'config.json'), 'utf8'));

  it('offers the local emulator (its URL and client ID as defaults) and a custom URL', async () => {
    const home = await tempConfigHome();
    const env = personEnv(home);
    const sb = await sandboxProcess(['--quiet'], env);
    const t = await terminal([process.execPath, BIN, 'login', '--profile', 'local'], env, ROOT);
    const list = await t.waitFor('custom URL');
    expect(list).toContain('sandbox  https://sandbox.apihub.citi.com/gcb/api');
    expect(list).toContain('local emulator');
    await t.keys('Down', 'Down', 'Down', 'Enter');
    await t.waitFor('Emulator base URL (http://127.0.0.1:8080/gcb/api)');
    await t.type(sb.url);
    await t.waitFor('Country');
    await t.keys('Enter');
    await t.waitFor('Client ID (sandbox-client)');
    await t.keys('Enter');
    await t.waitFor('Client secret');
    await t.type(sb.clientSecret);
    expect(await t.exitCode()).toBe(0);
    expect(await t.screen()).toContain('credentials verified');
    expect((await configOf(home)).profiles.local).toMatchObject({ baseUrl: sb.url, environment: 'custom', clientId: 'sandbox-client', country: 'sg' });
  });

  it('an unreachable host keeps the answers: saving unverified is offered; then a settings-only change asks for no secret', async () => {
    const home = await tempConfigHome();
    const env = personEnv(home);
    // A port nobody listens on: a server that was stopped.
    const gone = await sandboxProcess(['--quiet'], env);
    const url = gone.url;
    await new Promise<void>((resolve) => {
      gone.child.once('exit', () => resolve());
      gone.child.kill('SIGTERM');
    });
    const t = await terminal([process.execPath, BIN, 'login', '--profile', 'offline'], env, ROOT);
    await t.waitFor('custom URL');
    await t.keys('Down', 'Down', 'Down', 'Down', 'Enter');
    await t.waitFor('Base URL');
    await t.type('http://example.com/gcb/api');
    await t.waitFor('Refusing plain http to example.com');
    await t.keys('C-u');
    await t.type(url);
    await t.waitFor('Country');
    await t.keys('Down', 'Enter');
    await t.waitFor('Client ID');
    await t.type('my-app');
    await t.waitFor('Client secret');
    await t.type('typed-secret-456');
    await t.waitFor(`Cannot connect to ${new URL(url).origin}: connection refused`);
    await t.waitFor('Save profile offline without verifying the credentials (--no-verify)?');
    await t.type('y');
    expect(await t.exitCode()).toBe(0);
    const screen = await t.screen();
    expect(screen).toContain('Profile offline saved: client my-app');
    expect(screen).toContain('(not verified)');
    expect(screen).not.toContain('typed-secret-456');
    expect((await configOf(home)).profiles.offline).toMatchObject({ baseUrl: url, country: 'hk', clientId: 'my-app' });

    // Only the redirect URI and the country change: the stored secret is kept, nothing is asked.
    const u = await terminal([process.execPath, BIN, 'login', '--profile', 'offline', '--no-verify', '--redirect-uri', 'http://127.0.0.1:8765/callback', '--country', 'au'], env, ROOT);
    expect(await u.exitCode()).toBe(0);
    expect(await u.screen()).not.toContain('Client secret');
    expect((await configOf(home)).profiles.offline).toMatchObject({ country: 'au', redirectUri: 'http://127.0.0.1:8765/callback', clientId: 'my-app' });
    const secrets = JSON.parse(await fs.readFile(path.join(home, 'citi-sandbox', 'secrets.json'), 'utf8'));
    expect(JSON.stringify(secrets)).toContain('typed-secret-456');
  });

  it('declining to save unverified saves nothing and prints the command to try again', async () => {
    const home = await tempConfigHome();
    const env = personEnv(home);
    const t = await terminal([process.execPath, BIN, 'login', '--base-url', 'http://127.0.0.1:9/gcb/api', '--client-id', 'my-app'], env, ROOT);
    await t.waitFor('Country');
    await t.keys('Enter');
    await t.waitFor('Client secret');
    await t.type('typed-secret-789');
    await t.waitFor('without verifying the credentials (--no-verify)?');
    await t.type('n');
    expect(await t.exitCode()).toBe(1);
    const screen = await t.screen();
    expect(screen).toContain('error: Nothing saved: the credentials could not be verified');
    expect(screen).toContain('Try again without retyping: citi login --base-url http://127.0.0.1:9/gcb/api --country sg --client-id my-app');
    await expect(fs.access(path.join(home, 'citi-sandbox', 'config.json'))).rejects.toThrow();
  });
});

describe('citi login with the prompter double: twins of the terminal tests above', () => {
  const configOf = async (home: string) => JSON.parse(await fs.readFile(path.join(home, 'citi-sandbox', 'config.json'), 'utf8'));
  const questions = (p: PrompterDouble) => p.asked.map((q) => `${q.kind} ${q.message}`);
  const login = (args: string[], env: NodeJS.ProcessEnv, prompter: PrompterDouble) => runCli(['login', ...args], { env, terminal: true, overrides: { prompter } });

  it('twin of "prompts for the country (a list), client ID and masked secret, then verifies"', async () => {
    const home = await tempConfigHome();
    const env = personEnv(home);
    const sb = await sandbox({ clientSecret: 'typed-secret-123' });
    const prompter = scriptedPrompter(['hk', sb.clientId, 'typed-secret-123']);
    const res = await login(['--base-url', sb.url], env, prompter);
    expect(res.code, res.stderr).toBe(0);
    expect(questions(prompter)).toEqual(['select Country', 'input Client ID', 'password Client secret']);
    expect(prompter.left()).toBe(0);
    expect(res.stdout + res.stderr).toContain('Profile default saved');
    expect(res.stdout + res.stderr).not.toContain('typed-secret-123');
    expect((await configOf(home)).profiles.default).toMatchObject({ country: 'hk', clientId: 'sandbox-client', baseUrl: sb.url });
  });

  it('twin of "CITI_NO_PROMPT=1 turns the prompts off even on a terminal"', async () => {
    const home = await tempConfigHome();
    const prompter = scriptedPrompter([]);
    const res = await login(['--base-url', 'http://127.0.0.1:9/gcb/api'], personEnv(home, { CITI_NO_PROMPT: '1' }), prompter);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('error: No client ID');
    expect(prompter.asked).toEqual([]);
  });

  it('twin of "offers the local emulator (its URL and client ID as defaults) and a custom URL"', async () => {
    const home = await tempConfigHome();
    const sb = await sandbox();
    const prompter = scriptedPrompter(['local', sb.url, ENTER, ENTER, sb.clientSecret]);
    const res = await login(['--profile', 'local'], personEnv(home), prompter);
    expect(res.code, res.stderr).toBe(0);
    expect(questions(prompter)).toEqual(['select Citi environment', 'input Emulator base URL', 'select Country', 'input Client ID', 'password Client secret']);
    const [environments, emulatorUrl, , clientId] = prompter.asked;
    expect(environments!.choices).toContain('sandbox  https://sandbox.apihub.citi.com/gcb/api');
    expect(environments!.choices!.join('\n')).toContain('local emulator');
    expect(emulatorUrl!.default).toBe('http://127.0.0.1:8080/gcb/api');
    expect(clientId!.default).toBe('sandbox-client');
    expect(res.stdout + res.stderr).toContain('credentials verified');
    expect((await configOf(home)).profiles.local).toMatchObject({ baseUrl: sb.url, environment: 'custom', clientId: 'sandbox-client', country: 'sg' });
  });

  it('twin of "an unreachable host keeps the answers: saving unverified is offered; then a settings-only change asks for no secret"', async () => {
    const home = await tempConfigHome();
    const env = personEnv(home);
    // A port nobody listens on.
    const url = `http://127.0.0.1:${await freePort()}/gcb/api`;
    const prompter = scriptedPrompter(['custom', 'http://example.com/gcb/api', url, 'hk', 'my-app', 'typed-secret-456', true]);
    const res = await login(['--profile', 'offline'], env, prompter);
    expect(res.code, res.stderr).toBe(0);
    expect(questions(prompter)).toEqual([
      'select Citi environment',
      'input Base URL',
      'input Base URL',
      'select Country',
      'input Client ID',
      'password Client secret',
      'confirm Save profile offline without verifying the credentials (--no-verify)?',
    ]);
    expect(prompter.asked[1]!.refused).toContain('Refusing plain http to example.com');
    const out = res.stdout + res.stderr;
    expect(out).toContain(`Cannot connect to ${new URL(url).origin}: connection refused`);
    expect(out).toContain('Profile offline saved: client my-app');
    expect(out).toContain('(not verified)');
    expect(out).not.toContain('typed-secret-456');
    expect((await configOf(home)).profiles.offline).toMatchObject({ baseUrl: url, country: 'hk', clientId: 'my-app' });

    // Only the redirect URI and the country change: the stored secret is kept, nothing is asked.
    const silent = scriptedPrompter([]);
    const u = await login(['--profile', 'offline', '--no-verify', '--redirect-uri', 'http://127.0.0.1:8765/callback', '--country', 'au'], env, silent);
    expect(u.code, u.stderr).toBe(0);
    expect(silent.asked).toEqual([]);
    expect((await configOf(home)).profiles.offline).toMatchObject({ country: 'au', redirectUri: 'http://127.0.0.1:8765/callback', clientId: 'my-app' });
    const secrets = JSON.parse(await fs.readFile(path.join(home, 'citi-sandbox', 'secrets.json'), 'utf8'));
    expect(JSON.stringify(secrets)).toContain('typed-secret-456');
  });

  it('twin of "declining to save unverified saves nothing and prints the command to try again"', async () => {
    const home = await tempConfigHome();
    const prompter = scriptedPrompter([ENTER, 'typed-secret-789', false]);
    const res = await login(['--base-url', 'http://127.0.0.1:9/gcb/api', '--client-id', 'my-app'], personEnv(home), prompter);
    expect(res.code).toBe(1);
    expect(questions(prompter)).toEqual(['select Country', 'password Client secret', 'confirm Save profile default without verifying the credentials (--no-verify)?']);
    expect(res.stderr).toContain('error: Nothing saved: the credentials could not be verified');
    expect(res.stderr).toContain('Try again without retyping: citi login --base-url http://127.0.0.1:9/gcb/api --country sg --client-id my-app');
    await expect(fs.access(path.join(home, 'citi-sandbox', 'config.json'))).rejects.toThrow();
  });
});
