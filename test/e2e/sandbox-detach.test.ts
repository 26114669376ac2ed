/** `citi sandbox start --detach` and `citi sandbox stop`, through the built binary, as a CI script runs them. */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { alive, BIN, onCleanup, spawnCli, tempConfigHome, testEnv } from '../helpers/cli.js';

const run = promisify(execFile);

async function setup() {
  const home = await tempConfigHome();
  const env = testEnv(home);
  const pidFile = path.join(home, 'citi-sandbox', 'sandbox.pid');
  // Whatever happens in the test, the detached emulator does not outlive it.
  onCleanup(async () => {
    const recorded = await fs.readFile(pidFile, 'utf8').then((t) => JSON.parse(t).pid as number, () => undefined);
    if (recorded && recorded !== process.pid && alive(recorded)) process.kill(recorded, 'SIGKILL');
  });
  return { home, env, pidFile, citi: (args: string[], extra: NodeJS.ProcessEnv = {}) => spawnCli(args, { env: { ...env, ...extra } }) };
}

describe('citi sandbox start --detach / citi sandbox stop', () => {
  it('returns once ready with lines a shell can eval; the emulator serves; stop leaves no process and no pid file', async () => {
    const { env, pidFile, citi } = await setup();
    const started = await citi(['sandbox', 'start', '--detach', '--client-secret', "it's a test"]);
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(/^CITI_BASE_URL=http:\/\/127\.0\.0\.1:\d+\/gcb\/api\nCITI_CLIENT_ID=sandbox-client\nCITI_CLIENT_SECRET='it'\\''s a test'\nexport CITI_BASE_URL CITI_CLIENT_ID CITI_CLIENT_SECRET\n$/);
    const { pid, url } = JSON.parse(await fs.readFile(pidFile, 'utf8')) as { pid: number; url: string };
    expect(alive(pid)).toBe(true);

    // A real shell evals the lines, and `citi token` in it reaches the emulator.
    const script = `eval "$(node ${JSON.stringify(BIN)} sandbox start --detach --pid-file "$XDG_CONFIG_HOME/second.pid")" && node ${JSON.stringify(BIN)} token --json && node ${JSON.stringify(BIN)} sandbox stop --pid-file "$XDG_CONFIG_HOME/second.pid"`;
    const shell = await run('bash', ['-c', script], { env: { ...env, CITI_STORE: 'memory' } });
    expect(JSON.parse(shell.stdout)).toMatchObject({ token_type: 'Bearer', source: 'new' });
    expect(shell.stderr).toMatch(/Stopped the emulator at http:\/\/127\.0\.0\.1:\d+\/gcb\/api \(pid \d+\)/);

    const again = await citi(['sandbox', 'start', '--detach']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`error: An emulator is already running at ${url} (pid ${pid})`);

    const stopped = await citi(['sandbox', 'stop']);
    expect(stopped.code).toBe(0);
    expect(stopped.stderr).toContain(`Stopped the emulator at ${url} (pid ${pid}).`);
    expect(alive(pid)).toBe(false);
    await expect(fs.access(pidFile)).rejects.toThrow();
    await expect(fetch(url + '/v1/apac/onboarding/products')).rejects.toThrow();
    expect((await citi(['sandbox', 'stop'])).stderr).toContain('No emulator is running');
  });

  it('--json prints one line with the pid, pid file and log', async () => {
    const { pidFile, citi } = await setup();
    const started = await citi(['sandbox', 'start', '--detach', '--json', '--quiet']);
    expect(started.code).toBe(0);
    const info = JSON.parse(started.stdout) as { url: string; clientId: string; pid: number; pidFile: string; logFile: string };
    expect(info).toMatchObject({ clientId: 'sandbox-client', clientSecret: 'sandbox-secret', pidFile, logFile: pidFile.replace(/\.pid$/, '.log') });
    expect((await fetch(info.url + '/v1/apac/onboarding/products')).status).toBe(401);
    expect((await citi(['sandbox', 'stop'])).code).toBe(0);
    expect(alive(info.pid)).toBe(false);
  });

  it('stop refuses a pid that is not an emulator, and a start failure is reported with its exit code', async () => {
    const { home, pidFile, citi } = await setup();
    await fs.mkdir(path.dirname(pidFile), { recursive: true });
    // This test's own process: alive, and certainly not an emulator.
    await fs.writeFile(pidFile, JSON.stringify({ pid: process.pid, url: 'http://127.0.0.1:1/gcb/api', startedAt: new Date().toISOString() }));
    const refused = await citi(['sandbox', 'stop']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`error: Process ${process.pid} named in ${pidFile} is not a citi emulator; leaving it alone`);
    expect(alive(process.pid)).toBe(true);
    await fs.rm(pidFile);

    const bad = await citi(['sandbox', 'start', '--detach', '--pid-file', path.join(home, 'bad.pid'), '--access-ttl', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--access-ttl');
  });
});
