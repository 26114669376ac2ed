/** `citi token --password` on a real terminal: it asks for the user ID and a masked password. */
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, tempConfigHome, testEnv } from '../helpers/cli.js';
import { sandboxProcess } from '../helpers/sandbox.js';
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
