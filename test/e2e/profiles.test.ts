/** `citi profiles`, `citi profiles use`, `citi status` before and after logins, through the built binary. */
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnCli, tempConfigHome, testEnv } from '../helpers/cli.js';
import { sandboxProcess } from '../helpers/sandbox.js';

async function setup() {
  const home = await tempConfigHome();
  const env = testEnv(home, { CITI_STORE: 'file' });
  const citi = (args: string[], opts: { stdin?: string; env?: NodeJS.ProcessEnv } = {}) =>
    spawnCli(args, { env: { ...env, ...opts.env }, ...(opts.stdin !== undefined ? { stdin: opts.stdin } : {}) });
  return { home, env, citi };
}

describe('citi status before any login', () => {
  it('exits 0 with the config path and no profiles, as text and JSON', async () => {
    const { home, citi } = await setup();
    const text = await citi(['status']);
    expect(text.code).toBe(0);
    expect(text.stderr).toContain(`Config: ${path.join(home, 'citi-sandbox', 'config.json')}`);
    expect(text.stderr).toContain('No profile is saved yet: run `citi login`');
    const json = await citi(['status', '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ configFile: path.join(home, 'citi-sandbox', 'config.json'), profiles: [], profile: null, tokens: [] });
    expect(JSON.parse((await citi(['profiles', '--json'])).stdout)).toEqual([]);
  });
});

describe('several profiles', () => {
  it('lists them with the default marked, switches the default, and suggests the nearest name for a typo', async () => {
    const { home, citi } = await setup();
    const sb = await sandboxProcess(['--quiet'], testEnv(home));
    for (const name of ['staging', 'local']) {
      const login = await citi(['login', '--profile', name, '--base-url', sb.url, '--client-id', sb.clientId, '--client-secret-stdin'], { stdin: sb.clientSecret });
      expect(login.code).toBe(0);
    }
    // A profile in the keychain beside the file-store ones: status says where each one's secrets live.
    const config = JSON.parse(await fs.readFile(path.join(home, 'citi-sandbox', 'config.json'), 'utf8'));
    config.profiles.qa = { baseUrl: 'https://qa.sandbox.apihub.citi.com/gcb/gp/api', environment: 'qa', country: 'hk', business: 'gcb', clientId: 'qa-app' };
    await fs.writeFile(path.join(home, 'citi-sandbox', 'config.json'), JSON.stringify(config));

    const list = await citi(['profiles', '--json'], { env: { CITI_STORE: '' } });
    expect(list.code).toBe(0);
    const secretsFile = `plaintext file ${path.join(home, 'citi-sandbox', 'secrets.json')}`;
    expect(JSON.parse(list.stdout)).toEqual([
      { name: 'local', default: false, environment: 'custom', baseUrl: sb.url, country: 'sg', business: 'gcb', clientId: 'sandbox-client', secrets: secretsFile },
      { name: 'qa', default: false, environment: 'qa', baseUrl: 'https://qa.sandbox.apihub.citi.com/gcb/gp/api', country: 'hk', business: 'gcb', clientId: 'qa-app', secrets: expect.stringMatching(/^OS keychain/) },
      { name: 'staging', default: true, environment: 'custom', baseUrl: sb.url, country: 'sg', business: 'gcb', clientId: 'sandbox-client', secrets: secretsFile },
    ]);
    // Off a terminal the table is tab-separated, the default marked in the first column.
    const table = await citi(['profiles']);
    expect(table.stdout.split('\n').slice(0, 2)).toEqual(['\tprofile\tenvironment\tmarket\tclient ID\tsecrets', `\tlocal\t${sb.url}\tsg/gcb\tsandbox-client\t${secretsFile}`]);
    expect(table.stdout).toContain(`*\tstaging\t${sb.url}`);

    const used = await citi(['profiles', 'use', 'local']);
    expect(used.code).toBe(0);
    expect(used.stderr).toContain('local is now the default profile');
    const status = JSON.parse((await citi(['status', '--json'])).stdout);
    expect(status).toMatchObject({ defaultProfile: 'local', profile: 'local', baseUrl: sb.url, clientId: 'sandbox-client', store: secretsFile });
    expect(status.profiles.map((p: { name: string }) => p.name)).toEqual(['local', 'qa', 'staging']);
    expect(status.tokens.map((t: { kind: string }) => t.kind)).toEqual(['two-legged']);

    for (const args of [['profiles', 'use', 'stagin'], ['--profile', 'stagin', 'token'], ['status', '--profile', 'stagin'], ['logout', '--profile', 'stagin']]) {
      const typo = await citi(args);
      expect(typo.code, args.join(' ')).toBe(2);
      expect(typo.stderr).toContain('error: Unknown profile "stagin"; did you mean "staging"?');
      expect(typo.stderr).toContain('Profiles: local (default), qa, staging.');
    }
    const far = await citi(['profiles', 'use', 'production']);
    expect(far.stderr).toContain('error: Unknown profile "production"\n');

    // The default profile removed: status still answers, and names the way out.
    await citi(['logout', '--forget-profile']);
    const orphan = await citi(['status']);
    expect(orphan.code).toBe(0);
    expect(orphan.stderr).toContain('No profile in use: choose the default with `citi profiles use NAME`');
    expect((await citi(['token'])).stderr).toContain('error: No default profile is set');
  });
});
