/** Help on subcommands, and who citi says it is on the wire, through the built binary. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { onCleanup, ROOT, spawnCli, tempConfigHome, testEnv } from '../helpers/cli.js';
import fs from 'node:fs/promises';
import path from 'node:path';

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
  it('every request says citi-sandbox/<version> node/<version>', async () => {
    const agents: string[] = [];
    const server = http.createServer((req, res) => {
      agents.push(String(req.headers['user-agent']));
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ token_type: 'Bearer', access_token: 'AAIkUserAgentTest', expires_in: 1800, consented_on: 1, scope: '/api' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onCleanup(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/gcb/api`;
    const env = testEnv(await tempConfigHome(), { CITI_BASE_URL: url, CITI_CLIENT_ID: 'ua-app', CITI_CLIENT_SECRET: 'ua-secret', CITI_STORE: 'memory' });
    const res = await spawnCli(['token'], { env });
    expect(res.code).toBe(0);
    const { version } = JSON.parse(await fs.readFile(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(agents).toEqual([`citi-sandbox/${version} node/${process.versions.node}`]);
  });
});
