/**
 * `citi token --three-legged --manual` on a real terminal: paste the redirect, or time out and exit.
 * The time-out test has a twin at the end of this file with the prompter double in this process
 * (test/helpers/prompter.ts), a prompt nobody answers.
 */
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli, tempConfigHome, testEnv } from '../helpers/cli.js';
import { NEVER, scriptedPrompter } from '../helpers/prompter.js';
import { sandboxProcess } from '../helpers/sandbox.js';
import { requireTmux, terminal } from '../helpers/tmux.js';

const hasTmux = await requireTmux();

async function personEnv(extra: NodeJS.ProcessEnv = {}): Promise<NodeJS.ProcessEnv> {
  const env = testEnv(await tempConfigHome(), { CITI_STORE: 'file', ...extra });
  delete env.CI; // a person at a terminal
  return env;
}

describe.skipIf(!hasTmux)('--manual on a terminal', () => {
  it('takes the pasted redirect address and stores the token', async () => {
    const base = await personEnv();
    const sb = await sandboxProcess(['--auto-consent'], base);
    const env = { ...base, CITI_BASE_URL: sb.url, CITI_CLIENT_ID: sb.clientId, CITI_CLIENT_SECRET: sb.clientSecret };
    const t = await terminal([process.execPath, BIN, 'token', '--three-legged', '--manual', '--scope', 'accounts_details_transactions', '--json'], env, ROOT);
    const screen = await t.waitFor('Paste the address');
    const authorize = /(http:\/\/127\.0\.0\.1:\d+\/gcb\/api\/authCode\/oauth2\/authorize\?\S+)/.exec(screen)![1]!;
    // The browser's part: with auto-consent the emulator redirects at once to the callback address.
    const res = await fetch(authorize, { redirect: 'manual' });
    const location = res.headers.get('location')!;
    expect(location).toMatch(/\/callback\?code=/);
    await t.type(location);
    expect(await t.exitCode()).toBe(0);
    expect(await t.screen()).toMatch(/"source": "new"/);
  });

  it('gives up after --timeout with exit 3 and lets go of the terminal', async () => {
    const env = await personEnv({ CITI_BASE_URL: 'http://127.0.0.1:9/gcb/api', CITI_CLIENT_ID: 'a', CITI_CLIENT_SECRET: 'b' });
    const t = await terminal([process.execPath, BIN, 'token', '--three-legged', '--manual', '--timeout', '2s'], env, ROOT);
    await t.waitFor('Paste the address');
    expect(await t.exitCode(10_000)).toBe(3);
    expect(await t.screen()).toContain('error: No redirect URL was pasted within 2s');
  });
});

describe('--manual with the prompter double: twin of the terminal test above', () => {
  it('twin of "gives up after --timeout with exit 3 and lets go of the terminal"', async () => {
    const env = await personEnv({ CITI_BASE_URL: 'http://127.0.0.1:9/gcb/api', CITI_CLIENT_ID: 'a', CITI_CLIENT_SECRET: 'b' });
    const prompter = scriptedPrompter([NEVER]);
    const res = await runCli(['token', '--three-legged', '--manual', '--timeout', '2s'], { env, terminal: true, overrides: { prompter } });
    expect(res.code).toBe(3);
    expect(prompter.asked.map((q) => `${q.kind} ${q.message}`)).toEqual(['input Paste the address the browser was sent to']);
    expect(res.stderr).toContain('error: No redirect URL was pasted within 2s');
  });
});
