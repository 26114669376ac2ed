/**
 * `citi token --password` on a real terminal: it asks for the user ID and a masked password. Its
 * twin at the end of this file answers the same questions through the prompter double in this
 * process (test/helpers/prompter.ts).
 */
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli, tempConfigHome, testEnv } from '../helpers/cli.js';
import { SANDBOX_PASSWORD } from '../helpers/consent.js';
import { scriptedPrompter } from '../helpers/prompter.js';
import { sandbox, sandboxProcess } from '../helpers/sandbox.js';
import { requireTmux, terminal } from '../helpers/tmux.js';

const hasTmux = await requireTmux();

describe.skipIf(!hasTmux)('citi token --password on a terminal', () => {
  it('prompts for the user ID, then the password masked; a stored token needs neither again', async () => {
    const home = await tempConfigHome();
    const env = testEnv(home, { CITI_STORE: 'file' });
    delete env.CI; // a person at a terminal
    const sb = await sandboxProcess([], env);
    Object.assign(env, { CITI_BASE_URL: sb.url, CITI_CLIENT_ID: sb.clientId, CITI_CLIENT_SECRET: sb.clientSecret });
    const t = await terminal([process.execPath, BIN, 'token', '--password', '--json'], env, ROOT);
    await t.waitFor('Customer user ID');
    await t.type('SandboxUser5');
    await t.waitFor('Password of SandboxUser5');
    await t.type('P@ssUser1$', false);
    const masked = await t.waitFor(/Password of SandboxUser5.*\*{10}/);
    expect(masked).not.toContain('P@ssUser1$');
    await t.keys('Enter');
    expect(await t.exitCode()).toBe(0);
    const screen = await t.screen();
    expect(screen).toContain('"source": "new"');
    expect(screen).not.toContain('P@ssUser1$');

    const again = await terminal([process.execPath, BIN, 'token', '--password', '--username', 'SandboxUser5', '--json'], env, ROOT);
    expect(await again.exitCode()).toBe(0);
    const second = await again.screen();
    expect(second).toContain('"source": "cache"');
    expect(second).not.toContain('Password of');
  });
});

describe('citi token --password with the prompter double: twin of the terminal test above', () => {
  it('twin of "prompts for the user ID, then the password masked; a stored token needs neither again"', async () => {
    const home = await tempConfigHome();
    const sb = await sandbox();
    const env = testEnv(home, { CITI_STORE: 'file', CITI_BASE_URL: sb.url, CITI_CLIENT_ID: sb.clientId, CITI_CLIENT_SECRET: sb.clientSecret });
    delete env.CI; // a person at a terminal
    const prompter = scriptedPrompter(['SandboxUser5', SANDBOX_PASSWORD]);
    const first = await runCli(['token', '--password', '--json'], { env, terminal: true, overrides: { prompter } });
    expect(first.code, first.stderr).toBe(0);
    expect(prompter.asked.map((q) => `${q.kind} ${q.message}`)).toEqual(['input Customer user ID', 'password Password of SandboxUser5']);
    expect(first.stdout).toContain('"source": "new"');
    expect(first.stdout + first.stderr).not.toContain(SANDBOX_PASSWORD);

    const silent = scriptedPrompter([]);
    const again = await runCli(['token', '--password', '--username', 'SandboxUser5', '--json'], { env, terminal: true, overrides: { prompter: silent } });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('"source": "cache"');
    expect(silent.asked).toEqual([]);
  });
});
