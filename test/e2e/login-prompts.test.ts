/** `citi login` on a real terminal: it asks for what is missing, and masks the secret. */
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, tempConfigHome, testEnv } from '../helpers/cli.js';
import { sandboxProcess } from '../helpers/sandbox.js';
import { terminal, tmuxAvailable } from '../helpers/pty.js';

const hasTmux = tmuxAvailable();

describe.skipIf(!hasTmux)('citi login on a terminal', () => {
  it('prompts for the country (a list), client ID and masked secret, then verifies', async () => {
    const home = await tempConfigHome();
    const env = testEnv(home, { CITI_STORE: 'file' });
    delete env.CI; // a person at a terminal
    const sb = await sandboxProcess(['--client-secret', 'typed-secret-123'], env);
    const t = terminal([process.execPath, BIN, 'login', '--base-url', sb.url], env);
    await t.waitFor('Country');
    t.press('Down'); // sg is the default; one down is hk
    t.press('Enter');
    await t.waitFor('Client ID');
    t.type(sb.clientId);
    t.press('Enter');
    await t.waitFor('Client secret');
    t.type('typed-secret-123');
    const masked = await t.waitFor(/Client secret.*\*{16}/);
    expect(masked).not.toContain('typed-secret-123');
    t.press('Enter');
    expect(await t.exitCode()).toBe(0);
    const screen = t.screen();
    expect(screen).toContain('Profile default saved');
    expect(screen).not.toContain('typed-secret-123');
    const config = JSON.parse(await fs.readFile(path.join(home, 'citi-sandbox', 'config.json'), 'utf8'));
    expect(config.profiles.default).toMatchObject({ country: 'hk', clientId: 'sandbox-client', baseUrl: sb.url });
  });

  it('CITI_NO_PROMPT=1 turns the prompts off even on a terminal', async () => {
    const home = await tempConfigHome();
    const env = testEnv(home, { CITI_STORE: 'file', CITI_NO_PROMPT: '1' });
    const t = terminal([process.execPath, BIN, 'login', '--base-url', 'http://127.0.0.1:9/gcb/api'], env);
    expect(await t.exitCode()).toBe(2);
    expect(t.screen()).toContain('error: No client ID');
  });
});
