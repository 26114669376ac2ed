/** `citi login` on a real terminal: it asks for what is missing, and masks the secret. */
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, tempConfigHome, testEnv } from '../helpers/cli.js';
import { sandboxProcess } from '../helpers/sandbox.js';
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
