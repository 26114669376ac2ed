/** Help on subcommands, and who citi says it is on the wire, through the built binary. */
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, spawnCli, tempConfigHome, testEnv } from '../helpers/cli.js';
import { strictServer } from '../helpers/strict-server.js';

describe('citi help', () => {
  it('`citi help card enroll` is enroll’s help, not card’s; the top-level help has examples', async () => {
    const env = testEnv(await tempConfigHome());
    const enroll = await spawnCli(['help', 'card', 'enroll'], { env });
    expect(enroll.code).toBe(0);
    expect(enroll.stdout).toContain('Usage: citi card enroll [options]');
    expect(enroll.stdout).toContain('--last4 <digits>');
    const withGlobal = await spawnCli(['--profile', 'x', 'help', 'sandbox', 'stop'], { env });
    expect(withGlobal.stdout).toContain('Usage: citi sandbox stop [options]');
    const card = await spawnCli(['help', 'card'], { env });
    expect(card.stdout).toContain('Usage: citi card [options] [command]');
    const top = await spawnCli(['--help'], { env });
    expect(top.stdout).toMatch(/Examples:\n  citi demo /);
    expect(top.stdout).toContain('citi help card enroll');
    expect(top.stdout).not.toContain('__complete');
  });
});

describe('User-Agent', () => {
  it('every request, token and API call alike, says citi-sandbox/<version> node/<version>', async () => {
    const server = await strictServer((r) =>
      r.path.startsWith('/clientCredentials/') ? { status: 200, json: { token_type: 'Bearer', access_token: 'AAIkUserAgentTest', expires_in: 1800, scope: '/api' } } : { status: 200, json: { products: [] } },
    );
    const env = testEnv(await tempConfigHome(), { CITI_BASE_URL: server.baseUrl, CITI_CLIENT_ID: 'ua-app', CITI_CLIENT_SECRET: 'ua-secret', CITI_STORE: 'memory' });
    const res = await spawnCli(['call', '/v1/apac/onboarding/products', '--json'], { env });
    expect(res.code).toBe(0);
    const { version } = JSON.parse(await fs.readFile(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(server.seen.map((r) => `${r.method} ${r.path.split('/')[1]}`)).toEqual(['POST clientCredentials', 'GET v1']);
    expect(server.seen.map((r) => r.headers['user-agent'])).toEqual([`citi-sandbox/${version} node/${process.versions.node}`, `citi-sandbox/${version} node/${process.versions.node}`]);
  });
});
